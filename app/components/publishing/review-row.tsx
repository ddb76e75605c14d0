// One review request in the Reviews list: the app, where the request stands, who asked to publish
// which version for whom and when, the start of their note, the reviewer's comment once decided,
// and the way to the whole request.

import { Link } from "@remix-run/react"
import type { ReviewView } from "#shared/publishing/publishing.ts"
import { Badge } from "../ui/badge.tsx"
import { RelativeTime } from "../ui/relative-time.tsx"
import { audienceText, REVIEW_STATUS_LABELS, REVIEW_STATUS_TONES, reviewPath } from "./publishing-text.ts"

export function ReviewRow({ review, workspaceId, workspaceName }: { review: ReviewView; workspaceId: string; workspaceName: string }) {
  return (
    <li className="relative grid min-w-0 gap-1.5 rounded-xl border bg-card p-3 shadow-xs hover:bg-accent/40 sm:p-4" data-testid="review-row" data-status={review.status}>
      <div className="flex min-w-0 flex-wrap items-center gap-x-2 gap-y-1">
        <h3 className="min-w-0 text-sm font-semibold break-words">
          {/* The whole card is the link's target; the name is its text. */}
          <Link to={reviewPath(workspaceId, review.id)} className="after:absolute after:inset-0 after:rounded-xl" data-testid="review-link">
            {review.appName}
          </Link>
        </h3>
        <Badge variant={REVIEW_STATUS_TONES[review.status]}>{REVIEW_STATUS_LABELS[review.status]}</Badge>
      </div>
      <p className="text-sm text-muted-foreground">
        {review.requestedBy.name} asked <RelativeTime iso={review.requestedAt} /> to publish version {review.versionNumber} for{" "}
        {audienceText(review.audience, workspaceName)}
        {review.reviewer && review.decidedAt ? (
          <>
            {" "}
            · {review.status === "approved" ? "approved" : "answered"} by {review.reviewer.name} <RelativeTime iso={review.decidedAt} />
          </>
        ) : null}
      </p>
      {review.note ? (
        <p className="line-clamp-2 text-sm break-words whitespace-pre-wrap" title={review.note}>
          {review.note}
        </p>
      ) : null}
      {review.comment && review.reviewer ? (
        <blockquote className="line-clamp-3 border-l-2 pl-3 text-sm break-words whitespace-pre-wrap" title={review.comment} data-testid="review-row-comment">
          <span className="font-medium">{review.reviewer.name}:</span> {review.comment}
        </blockquote>
      ) : null}
    </li>
  )
}
