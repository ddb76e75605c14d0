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

export function ChatComposer({ runtimes, runtime, model, sending, sentKey }: ChatComposerProps) {
  const message = useRef<HTMLTextAreaElement>(null)
  useEffect(() => {
    if (sentKey && message.current) message.current.value = ""
  }, [sentKey])
  return (
    <Form method="post" className="composer card">
      <label>
        Message
        <textarea
          ref={message}
          name="prompt"
          required
          rows={3}
          maxLength={100_000}
          placeholder="Ask the agent for a change…"
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
