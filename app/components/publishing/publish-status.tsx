// Where an app's publishing stands, at the top of the Publish dialog: what colleagues use now (the
// current release, to whom), a pending review (who asked, when; withdrawable by its requester or an
// admin), or the reviewer's comment when changes were asked for.

import { Link } from "@remix-run/react"
import { ExternalLink } from "lucide-react"
import type { PublishState } from "#shared/publishing/publishing.ts"
import { Button } from "../ui/button.tsx"
import { Notice } from "../ui/notice.tsx"
import { RelativeTime } from "../ui/relative-time.tsx"
import { audienceText, publishedAppPath, releaseLabel, reviewPath } from "./publishing-text.ts"

export interface PublishStatusProps {
  readonly state: PublishState
  readonly workspaceId: string
  readonly workspaceName: string
  readonly appId: string
  /** The pending review may be withdrawn by this viewer (its requester, or an admin). */
  readonly canWithdraw: boolean
  readonly withdrawing: boolean
  readonly onWithdraw: () => void
  /** The viewer: "You asked…" on their own request. */
  readonly viewerId?: string | null
}

export function PublishStatus({ state, workspaceId, workspaceName, appId, canWithdraw, withdrawing, onWithdraw, viewerId = null }: PublishStatusProps) {
  const { published, pendingReview, changesRequested } = state
  return (
    <div className="grid gap-3" data-testid="publish-status">
      {published ? (
        <div className="grid gap-1 rounded-lg border px-3 py-2.5 text-sm" data-testid="publish-current">
          <p>
            <span className="font-medium">Published:</span> {releaseLabel(published)}, for{" "}
            <span className="font-medium">{audienceText(published.audience, workspaceName)}</span>
          </p>
          <p className="text-xs text-muted-foreground">
            by {published.publishedBy.name}, <RelativeTime iso={published.publishedAt} />
          </p>
          <Link
            to={publishedAppPath(workspaceId, appId)}
            className="inline-flex w-fit items-center gap-1 text-sm font-medium text-primary underline-offset-4 hover:underline"
          >
            <ExternalLink className="size-3.5" aria-hidden />
            Open the published app
          </Link>
        </div>
      ) : (
        <p className="text-sm text-muted-foreground" data-testid="publish-current">
          Not published: only the people who build it can open it.
        </p>
      )}
      {pendingReview ? (
        <Notice tone="info" title="Waiting for review" data-testid="publish-pending-review">
          <p>
            {pendingReview.requestedBy.id === viewerId ? "You" : pendingReview.requestedBy.name} asked <RelativeTime iso={pendingReview.requestedAt} /> to publish
            version {pendingReview.versionNumber} for {audienceText(pendingReview.audience, workspaceName)}.
          </p>
          {pendingReview.note ? (
            <blockquote className="mt-1 border-l-2 pl-3 break-words whitespace-pre-wrap text-foreground" data-testid="publish-pending-note">
              {pendingReview.note}
            </blockquote>
          ) : null}
          <div className="mt-1.5 flex flex-wrap items-center gap-2">
            <Link to={reviewPath(workspaceId, pendingReview.id)} className="font-medium text-primary underline-offset-4 hover:underline">
              See the request
            </Link>
            {canWithdraw ? (
              <Button variant="outline" size="sm" onClick={onWithdraw} disabled={withdrawing} data-testid="withdraw-review">
                {withdrawing ? "Withdrawing…" : "Withdraw the request"}
              </Button>
            ) : null}
          </div>
        </Notice>
      ) : null}
      {!pendingReview && changesRequested ? (
        <Notice tone="warning" title="Changes requested" data-testid="publish-changes-requested">
          <p>
            {changesRequested.reviewer?.name ?? "A reviewer"} asked for changes
            {changesRequested.decidedAt ? (
              <>
                {" "}
                <RelativeTime iso={changesRequested.decidedAt} />
              </>
            ) : null}
            :
          </p>
          {changesRequested.comment ? <blockquote className="mt-1 border-l-2 pl-3 break-words whitespace-pre-wrap text-foreground">{changesRequested.comment}</blockquote> : null}
        </Notice>
      ) : null}
    </div>
  )
}
