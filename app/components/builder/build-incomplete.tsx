// Said under the latest run when its turn changed the app's files but the agent never called
// done_building: the app may be half-built, and one click asks the agent to finish.

import { Form } from "@remix-run/react"
import { Play } from "lucide-react"
import { Button } from "../ui/button.tsx"
import { Notice } from "../ui/notice.tsx"
import type { RunAnswer } from "./builder-run.ts"

export const CONTINUE_MESSAGE = "Continue where you left off and finish building the app."

export function BuildIncomplete({ answer }: { answer: RunAnswer }) {
  const sending = answer.pending === "send"
  return (
    <div className="grid gap-2" data-testid="build-incomplete">
      <Notice tone="warning" title="The app may be half-built">
        The agent changed files but did not say the app is ready. Continue asks it to finish the job.
      </Notice>
      <Form method="post" className="flex">
        <input type="hidden" name="prompt" value={CONTINUE_MESSAGE} />
        {/* Not read by the send; it tells the page which run's card sent the message. */}
        <input type="hidden" name="runId" value={answer.runId} />
        <Button type="submit" name="intent" value="send" variant="outline" size="sm" disabled={answer.pending !== null} data-testid="continue-building">
          <Play aria-hidden />
          {sending ? "Sending…" : "Continue"}
        </Button>
      </Form>
    </div>
  )
}
