// "Published" in an app's Versions tab: what colleagues use now and every release before it
// (number, version, for whom, who published it and when, from a review or directly, a rollback of
// which release), the way to the published app, and for owners and admins Roll back to a release
// and Unpublish, each confirmed in a dialog. The forms post to the Versions route.

import { Form, Link, useNavigation } from "@remix-run/react"
import { EyeOff, Rocket, RotateCcw } from "lucide-react"
import { useEffect, useState } from "react"
import type { ReleaseView } from "#shared/publishing/publishing.ts"
import { FormMessage } from "../form-message.tsx"
import { Badge } from "../ui/badge.tsx"
import { Button } from "../ui/button.tsx"
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "../ui/dialog.tsx"
import { RelativeTime } from "../ui/relative-time.tsx"
import { audienceText, publishedAppPath, releaseAgentsText, releaseLabel, reviewPath, rollbackAgentsSentence } from "./publishing-text.ts"

export interface ReleasesSectionProps {
  readonly releases: readonly ReleaseView[]
  /** Owners and admins: roll back and unpublish. */
  readonly canPublish: boolean
  readonly workspaceId: string
  readonly workspaceName: string
  readonly appId: string
  /** The Versions route: the forms post there. */
  readonly action: string
  readonly outcome: { readonly ok: boolean; readonly intent: string; readonly message?: string } | undefined
}

export function ReleasesSection({ releases, canPublish, workspaceId, workspaceName, appId, action, outcome }: ReleasesSectionProps) {
  const current = releases.find((release) => release.current) ?? null
  const navigation = useNavigation()
  const busy = navigation.formAction === action ? String(navigation.formData?.get("intent") ?? "") : null
  return (
    <section className="grid min-w-0 content-start gap-3" aria-labelledby="releases-title" data-testid="releases">
      <div className="flex min-w-0 flex-wrap items-center gap-x-3 gap-y-2">
        <h2 id="releases-title" className="text-base font-semibold tracking-tight">
          Published
        </h2>
        {current ? (
          <Badge variant="success" data-testid="published-badge">
            release {current.number} for {audienceText(current.audience, workspaceName)}
          </Badge>
        ) : (
          <Badge variant="outline">not published</Badge>
        )}
        <span className="flex-1" />
        {current ? (
          <Button asChild variant="outline" size="sm">
            <Link to={publishedAppPath(workspaceId, appId)} data-testid="open-published-app">
              <Rocket aria-hidden />
              Open the published app
            </Link>
          </Button>
        ) : null}
        {current && canPublish ? <UnpublishDialog action={action} busy={busy === "unpublish"} outcome={outcome} /> : null}
      </div>
      <FormMessage outcome={outcome} intent="rollback" success="Rolled back: colleagues now use that release's version." />
      <FormMessage outcome={outcome} intent="unpublish" success="Unpublished: colleagues can no longer open the app." />
      {releases.length === 0 ? (
        <p className="text-sm text-muted-foreground" data-testid="releases-empty">
          Colleagues cannot open this app yet. Use Publish… at the top to choose who can.
        </p>
      ) : (
        <ol className="grid gap-2" aria-label="Releases, newest first">
          {releases.map((release) => (
            <li key={release.id} className="grid min-w-0 gap-1 rounded-xl border bg-card p-3 shadow-xs sm:p-4" data-testid="release" data-release-number={release.number} data-current={release.current}>
              <div className="flex min-w-0 flex-wrap items-center gap-x-2 gap-y-1">
                <h3 className="text-sm font-semibold">{releaseLabel(release)}</h3>
                {release.current ? <Badge variant="success">live</Badge> : null}
                {releaseAgentsText(release) ? (
                  <Badge variant={release.agentsMode === "live" ? "outline" : "warning"} data-testid="release-agents">
                    {releaseAgentsText(release)}
                  </Badge>
                ) : null}
              </div>
              <p className="text-sm break-words">For {audienceText(release.audience, workspaceName)}</p>
              <p className="text-xs text-muted-foreground">
                {release.publishedBy.name}, <RelativeTime iso={release.publishedAt} />
                {" · "}
                {release.rolledBackFromNumber !== null ? (
                  `a rollback to release ${release.rolledBackFromNumber}`
                ) : release.reviewId ? (
                  <Link to={reviewPath(workspaceId, release.reviewId)} className="text-primary underline-offset-4 hover:underline">
                    approved in a review
                  </Link>
                ) : (
                  "published directly"
                )}
              </p>
              {canPublish && !release.current ? (
                <div className="mt-1">
                  <RollbackDialog release={release} workspaceName={workspaceName} action={action} busy={busy === "rollback"} outcome={outcome} />
                </div>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}

type Outcome = ReleasesSectionProps["outcome"]

/** A confirmation that closes once its form is answered: the answer shows in the section, beside the list. */
function useClosedOnAnswer(outcome: Outcome, intent: string) {
  const [open, setOpen] = useState(false)
  useEffect(() => {
    if (outcome?.intent === intent) setOpen(false)
  }, [outcome, intent])
  return { open, onOpenChange: setOpen }
}

function RollbackDialog({ release, workspaceName, action, busy, outcome }: { release: ReleaseView; workspaceName: string; action: string; busy: boolean; outcome: Outcome }) {
  return (
    <Dialog {...useClosedOnAnswer(outcome, "rollback")}>
      <DialogTrigger asChild>
        <Button variant="outline" size="sm" data-testid="release-rollback">
          <RotateCcw aria-hidden />
          Roll back to this release…<span className="sr-only"> (release {release.number})</span>
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Roll back to release {release.number}?</DialogTitle>
          <DialogDescription>
            Colleagues get the version release {release.number} was built as (version {release.versionNumber}) again, for{" "}
            {audienceText(release.audience, workspaceName)}, as a new release. {rollbackAgentsSentence(release) ?? ""} The app's draft and its data are not changed,
            and the releases after it stay in this list.
          </DialogDescription>
        </DialogHeader>
        <Form method="post" action={action}>
          <input type="hidden" name="releaseId" value={release.id} />
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="outline">Cancel</Button>
            </DialogClose>
            <Button type="submit" name="intent" value="rollback" disabled={busy} data-testid="confirm-rollback">
              {busy ? "Rolling back…" : `Roll back to release ${release.number}`}
            </Button>
          </DialogFooter>
        </Form>
      </DialogContent>
    </Dialog>
  )
}

function UnpublishDialog({ action, busy, outcome }: { action: string; busy: boolean; outcome: Outcome }) {
  return (
    <Dialog {...useClosedOnAnswer(outcome, "unpublish")}>
      <DialogTrigger asChild>
        <Button variant="outline" size="sm" data-testid="unpublish">
          <EyeOff aria-hidden />
          Unpublish…
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Unpublish this app?</DialogTitle>
          <DialogDescription>
            Colleagues can no longer open it, from now on. The people who build it keep it, its releases stay in this list, and it can be published again.
          </DialogDescription>
        </DialogHeader>
        <Form method="post" action={action}>
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="outline">Keep it published</Button>
            </DialogClose>
            <Button type="submit" name="intent" value="unpublish" variant="destructive" disabled={busy} data-testid="confirm-unpublish">
              {busy ? "Unpublishing…" : "Unpublish"}
            </Button>
          </DialogFooter>
        </Form>
      </DialogContent>
    </Dialog>
  )
}
