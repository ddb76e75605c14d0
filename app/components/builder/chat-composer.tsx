// The builder's message box, at the foot of the chat: what the builder is doing (working, waiting
// for an approval, refused because it is busy), Stop while a turn runs, the message, and the
// runtime and model to answer it with (starting from the app's last ones). Enter sends, Shift+Enter
// starts a new line, and a key press that only composes a character (IME) never sends; Esc stops
// (builder-chat.tsx listens for it on the whole chat). The box is emptied only once a send
// succeeded, so a refused message ("already running") is still there to send again.

import { Form } from "@remix-run/react"
import { ArrowUp, Square } from "lucide-react"
import { useEffect, useRef, type KeyboardEvent, type RefObject } from "react"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { Button } from "../ui/button.tsx"
import { Textarea } from "../ui/input.tsx"
import { ChatStatus, type ChatState } from "./chat-status.tsx"
import { RuntimePicker, type RuntimeOption } from "./runtime-picker.tsx"

export interface ChatComposerProps {
  readonly runtimes: readonly RuntimeOption[]
  readonly runtime: RuntimeId
  readonly model: string | null
  readonly sending: boolean
  /** Changes each time a send succeeds. */
  readonly sentKey: unknown
  readonly state: ChatState
  /** No message in the conversation yet. */
  readonly empty: boolean
  /** The running run, which Stop stops; null while none runs. */
  readonly activeRunId: string | null
  readonly stopping: boolean
  /** The Stop button, for Esc to press. */
  readonly stopButton: RefObject<HTMLButtonElement>
}

/** The message box's id: a card's "#message" link lands on it without JavaScript. */
export const MESSAGE_INPUT_ID = "message"
const DEFAULT_PLACEHOLDER = "Ask the agent for a change…"

/** Puts the cursor in the message box with a hint of what to write there (until the next send). */
export function askInComposer(placeholder: string): boolean {
  const box = document.getElementById(MESSAGE_INPUT_ID)
  if (!(box instanceof HTMLTextAreaElement)) return false
  box.placeholder = placeholder
  box.focus()
  return true
}

/** Whether a key press sends: Enter alone, and not while an input method composes a character. */
export function sendsMessage(event: Pick<KeyboardEvent, "key" | "shiftKey" | "altKey" | "keyCode"> & { nativeEvent: { isComposing?: boolean } }): boolean {
  // NOTE: Safari ends a composition with a keydown whose isComposing is false but keyCode 229.
  return event.key === "Enter" && !event.shiftKey && !event.altKey && !event.nativeEvent.isComposing && event.keyCode !== 229
}

export function ChatComposer(props: ChatComposerProps) {
  const { runtimes, runtime, model, sending, sentKey, state, empty, activeRunId, stopping, stopButton } = props
  const message = useRef<HTMLTextAreaElement>(null)
  const send = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    if (!sentKey || !message.current) return
    message.current.value = ""
    message.current.placeholder = DEFAULT_PLACEHOLDER
  }, [sentKey])

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (!sendsMessage(event)) return
    event.preventDefault()
    // An empty box would only show the browser's "fill in this field" bubble.
    if (event.currentTarget.value.trim() === "" || sending) return
    event.currentTarget.form?.requestSubmit(send.current)
  }

  const quiet = state === "ready" && !empty
  return (
    // The box is the field: its ring shows where the focus is while the message is typed.
    <div className="grid gap-1 rounded-xl border bg-card p-2 text-card-foreground shadow-sm has-[textarea:focus-visible]:outline-2 has-[textarea:focus-visible]:outline-offset-2 has-[textarea:focus-visible]:outline-ring">
      {quiet && !activeRunId ? (
        <ChatStatus state={state} empty={empty} />
      ) : (
        <div className="flex min-w-0 items-center justify-between gap-2 border-b px-1 pb-2">
          <ChatStatus state={state} empty={empty} />
          {activeRunId ? (
            <Form method="post" className="shrink-0">
              <input type="hidden" name="runId" value={activeRunId} />
              <Button
                ref={stopButton}
                type="submit"
                name="intent"
                value="stop"
                variant="outline"
                size="sm"
                disabled={stopping}
                aria-keyshortcuts="Escape"
                title="Stop (Esc)"
                data-testid="stop-run"
              >
                <Square className="fill-current" aria-hidden />
                {stopping ? "Stopping…" : "Stop"}
              </Button>
            </Form>
          ) : null}
        </div>
      )}
      <Form method="post" className="grid gap-1">
        <label htmlFor={MESSAGE_INPUT_ID} className="sr-only">
          Message
        </label>
        <Textarea
          ref={message}
          id={MESSAGE_INPUT_ID}
          name="prompt"
          required
          rows={2}
          maxLength={100_000}
          placeholder={DEFAULT_PLACEHOLDER}
          aria-keyshortcuts="Enter"
          data-testid="message-input"
          className="max-h-60 min-h-14 resize-none border-0 bg-transparent px-2 shadow-none field-sizing-content focus-visible:outline-none"
          onKeyDown={onKeyDown}
        />
        <div className="flex min-w-0 items-end gap-2">
          <RuntimePicker runtimes={runtimes} runtime={runtime} model={model} className={COMPACT_PICKER} />
          <Button ref={send} type="submit" name="intent" value="send" size="sm" className="ml-auto" disabled={sending} title="Send (Enter)" data-testid="send-message">
            <ArrowUp aria-hidden />
            {sending ? "Sending…" : "Send"}
          </Button>
        </div>
      </Form>
    </div>
  )
}

/**
 * The runtime and model pickers as one quiet row under the message: small selects, their labels
 * for screen readers only, and no list of unavailable runtimes (each says "(unavailable)" in the
 * list, and the new-app form explains why). NOTE: shapes runtime-picker.tsx's markup from outside.
 */
const COMPACT_PICKER =
  "flex min-w-0 flex-1 gap-2 [&_label]:min-w-0 [&_label]:max-w-44 [&_label]:flex-1 [&_label]:gap-0 [&_label>span:first-child]:sr-only [&_select]:h-8 [&_select]:text-xs [&>ul]:hidden"
