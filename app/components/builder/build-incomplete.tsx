// Said under the latest run when its turn changed the app's files but the agent never called
// done_building: the app may be half-built, and one click asks the agent to finish.

import { Form } from "@remix-run/react"
import type { RunAnswer } from "./builder-run.ts"

export const CONTINUE_MESSAGE = "Continue where you left off and finish building the app."

export function BuildIncomplete({ answer }: { answer: RunAnswer }) {
  const sending = answer.pending === "send"
  return (
    <div className="build-incomplete" data-testid="build-incomplete">
      <p>The agent changed files but did not say the app is ready.</p>
      <Form method="post" className="inline">
        <input type="hidden" name="prompt" value={CONTINUE_MESSAGE} />
        {/* Not read by the send; it tells the page which run's card sent the message. */}
        <input type="hidden" name="runId" value={answer.runId} />
        <button type="submit" name="intent" value="send" disabled={answer.pending !== null} data-testid="continue-building">
          {sending ? "Sending…" : "Continue"}
        </button>
      </Form>
    </div>
  )
}
