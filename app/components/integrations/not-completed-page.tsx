// The page the OAuth callback sends a browser to when it could not trust the connect attempt
// (routes/oauth.not-completed.tsx), in the error pages' look (components/error-page.tsx): why, in a
// sentence of our own for a code the callback sends (the query is anyone's to write, so nothing
// from it is shown), and the way back.

import { ArrowLeft, Unplug } from "lucide-react"
import { isCallbackPageRefusal, PAGE_REFUSALS } from "../../integrations/oauth/callback-refusals.ts"
import { MessagePage } from "../error-page.tsx"
import { Button } from "../ui/button.tsx"

export const NOT_COMPLETED_TITLE = "Connection not completed"
const GENERIC_SENTENCE = "This connection attempt could not be completed. Start again from Settings → Connected apps."

/** The sentence for a ?reason= code: its own for a code the callback sends, else a generic one. */
export const notCompletedSentence = (reason: string | null) => (isCallbackPageRefusal(reason) ? PAGE_REFUSALS[reason] : GENERIC_SENTENCE)

/** `connectedApps`: the signed-in person's Connected apps page, null when there is none to go to. */
export function NotCompletedPage({ sentence, connectedApps }: { sentence: string; connectedApps: string | null }) {
  return (
    <MessagePage icon={Unplug} title={NOT_COMPLETED_TITLE} detail={sentence} note="Nothing was connected or stored.">
      <Button asChild>
        <a href={connectedApps ?? "/"} data-testid="go-connected-apps">
          Go to Connected apps
        </a>
      </Button>
      <Button asChild variant="outline">
        <a href="/">
          <ArrowLeft aria-hidden />
          Back to Second
        </a>
      </Button>
    </MessagePage>
  )
}
