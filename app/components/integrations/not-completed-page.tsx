// The page the OAuth callback sends a browser to when it could not trust the connect attempt
// (routes/oauth.not-completed.tsx), in the error pages' look (components/error-page.tsx): why, in a
// sentence of our own for a code the callback sends (the query is anyone's to write, so nothing
// from it is shown), and the way back.

import { ArrowLeft, Unplug } from "lucide-react"
import { isCallbackPageRefusal, PAGE_REFUSALS } from "../../integrations/oauth/callback-refusals.ts"
import { Button } from "../ui/button.tsx"
import { Logo } from "../ui/logo.tsx"

export const NOT_COMPLETED_TITLE = "Connection not completed"
const GENERIC_SENTENCE = "This connection attempt could not be completed. Start again from Settings → Connected apps."

/** The sentence for a ?reason= code: its own for a code the callback sends, else a generic one. */
export const notCompletedSentence = (reason: string | null) => (isCallbackPageRefusal(reason) ? PAGE_REFUSALS[reason] : GENERIC_SENTENCE)

/** `connectedApps`: the signed-in person's Connected apps page, null when there is none to go to. */
export function NotCompletedPage({ sentence, connectedApps }: { sentence: string; connectedApps: string | null }) {
  return (
    <main className="mx-auto grid min-h-dvh w-full max-w-md content-center gap-6 px-4 py-10">
      <Logo />
      <div className="grid gap-3">
        <Unplug className="size-8 text-muted-foreground" aria-hidden />
        <h1 className="text-2xl font-semibold tracking-tight">{NOT_COMPLETED_TITLE}</h1>
        <p className="text-pretty" data-testid="error-detail">
          {sentence}
        </p>
        <p className="text-muted-foreground text-pretty">Nothing was connected or stored.</p>
      </div>
      <div className="flex flex-wrap gap-2">
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
      </div>
    </main>
  )
}
