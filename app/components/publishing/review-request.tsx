// The head of one review: which app and version, who asked and when, for whom, their note, and —
// once decided — who decided, when and what they said (or why the request was superseded).

import { Link } from "@remix-run/react"
import type { ReviewView } from "#shared/publishing/publishing.ts"
import { Badge } from "../ui/badge.tsx"
import { RelativeTime } from "../ui/relative-time.tsx"
import { audienceText, REVIEW_STATUS_LABELS, REVIEW_STATUS_TONES } from "./publishing-text.ts"

export interface ReviewRequestProps {
  readonly review: ReviewView
  readonly workspaceName: string
  /** The app's builder page, for people who build it. */
  readonly appHref: string
}

export function ReviewRequest({ review, workspaceName, appHref }: ReviewRequestProps) {
  return (
    <section className="grid min-w-0 gap-3 rounded-xl border bg-card p-4 shadow-xs sm:p-5" aria-labelledby="review-request-title" data-testid="review-request" data-status={review.status}>
      <div className="flex min-w-0 flex-wrap items-center gap-x-3 gap-y-1">
        <h2 id="review-request-title" className="text-base font-semibold tracking-tight">
          The request
        </h2>
        <Badge variant={REVIEW_STATUS_TONES[review.status]} data-testid="review-status">
          {REVIEW_STATUS_LABELS[review.status]}
        </Badge>
      </div>
      <dl className="grid min-w-0 gap-x-4 gap-y-1.5 text-sm sm:grid-cols-[max-content_1fr]">
        <dt className="text-muted-foreground">Asked by</dt>
        <dd className="min-w-0 break-words">
          {review.requestedBy.name}, <RelativeTime iso={review.requestedAt} />
        </dd>
        <dt className="text-muted-foreground">For</dt>
        <dd className="min-w-0 break-words" data-testid="review-audience">
          {audienceText(review.audience, workspaceName)}
        </dd>
        <dt className="text-muted-foreground">Version</dt>
        <dd>
          <Link to={appHref} className="text-primary underline-offset-4 hover:underline">
            Version {review.versionNumber} of {review.appName}
          </Link>
        </dd>
      </dl>
      {review.note ? (
        <div className="grid gap-1">
          <h3 className="text-sm font-medium">Their note</h3>
          <blockquote className="border-l-2 pl-3 text-sm break-words whitespace-pre-wrap" data-testid="review-note">
            {review.note}
          </blockquote>
        </div>
      ) : null}
      {review.status !== "pending" ? <Decision review={review} /> : null}
    </section>
  )
}

function Decision({ review }: { review: ReviewView }) {
  if (review.status === "superseded") {
    return <p className="text-sm text-muted-foreground">{review.supersededReason ?? "The app changed after the request, so it no longer stands."}</p>
  }
  if (review.status === "withdrawn") {
    return (
      <p className="text-sm text-muted-foreground">
        Withdrawn{review.decidedAt ? <> <RelativeTime iso={review.decidedAt} /></> : null}.
      </p>
    )
  }
  return (
    <div className="grid gap-1 border-t pt-3" data-testid="review-decision">
      <p className="text-sm">
        {review.status === "approved" ? "Approved" : "Changes requested"} by {review.reviewer?.name ?? "a reviewer"}
        {review.decidedAt ? (
          <>
            , <RelativeTime iso={review.decidedAt} />
          </>
        ) : null}
      </p>
      {review.comment ? (
        <blockquote className="border-l-2 pl-3 text-sm break-words whitespace-pre-wrap" data-testid="review-comment">
          {review.comment}
        </blockquote>
      ) : null}
    </div>
  )
}
