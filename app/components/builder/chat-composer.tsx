// The builder's message box: the message, and the runtime and model to answer it with (starting
// from the app's last ones). Ctrl/⌘+Enter sends. The box is emptied only once a send succeeded,
// so a refused message ("already running") is still there to send again.

import { Form } from "@remix-run/react"
import { useEffect, useRef } from "react"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { ModelInput, RuntimePicker, type RuntimeOption } from "./runtime-picker.tsx"

export interface ChatComposerProps {
  readonly runtimes: readonly RuntimeOption[]
  readonly runtime: RuntimeId
  readonly model: string | null
  readonly sending: boolean
  /** Changes each time a send succeeds. */
  readonly sentKey: unknown
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

export function ChatComposer({ runtimes, runtime, model, sending, sentKey }: ChatComposerProps) {
  const message = useRef<HTMLTextAreaElement>(null)
  useEffect(() => {
    if (!sentKey || !message.current) return
    message.current.value = ""
    message.current.placeholder = DEFAULT_PLACEHOLDER
  }, [sentKey])
  return (
    <Form method="post" className="composer card">
      <label>
        Message
        <textarea
          ref={message}
          id={MESSAGE_INPUT_ID}
          name="prompt"
          required
          rows={3}
          maxLength={100_000}
          placeholder={DEFAULT_PLACEHOLDER}
          data-testid="message-input"
          onKeyDown={(event) => {
            if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
              event.preventDefault()
              event.currentTarget.form?.requestSubmit()
            }
          }}
        />
      </label>
      <div className="composer-options">
        <RuntimePicker runtimes={runtimes} defaultValue={runtime} />
        <ModelInput defaultValue={model} runtime={runtime} />
        <button type="submit" name="intent" value="send" className="primary" disabled={sending} data-testid="send-message">
          {sending ? "Sending…" : "Send"}
        </button>
      </div>
    </Form>
  )
}
