// What a decision on a review came to, at the top of its page: published (with the way to the
// published app), changes asked for, or refused — a stale request in words a person understands
// (the app changed since, so the request was superseded), anything else as the server said it.
// A refused comment shows under its field instead (review-decision-forms.tsx).

import { Link } from "@remix-run/react"
import type { AudienceView } from "#shared/publishing/publishing.ts"
import { Notice } from "../ui/notice.tsx"
import { audienceText, publishedAppPath } from "./publishing-text.ts"

export type ReviewActionOutcome =
  | { readonly ok: true; readonly intent: string; readonly data: unknown }
  | { readonly ok: false; readonly intent: string; readonly message: string; readonly reasonCode?: string | null }

export interface ReviewOutcomeProps {
  readonly outcome: ReviewActionOutcome | undefined
  readonly stale: boolean
  readonly workspaceId: string
  readonly workspaceName: string
  readonly appId: string
  /** The app's builder page. */
  readonly appHref: string
}

const linkClass = "font-medium text-primary underline-offset-4 hover:underline"

interface ApprovedRelease {
  readonly number: number
  readonly versionNumber: number
  readonly audience: AudienceView
}

export function ReviewOutcome({ outcome, stale, workspaceId, workspaceName, appId, appHref }: ReviewOutcomeProps) {
  if (!outcome) return null
  if (stale) {
    return (
      <Notice tone="warning" title="Not published: the app changed since this request" data-testid="review-stale">
        <p>The app was changed after the request was made (or the request was decided meanwhile), so this request was superseded and nothing was published.</p>
        <p className="mt-1">
          <Link to={appHref} className={linkClass}>
            Open the app
          </Link>{" "}
          to see its current version; its builder can ask again.
        </p>
      </Notice>
    )
  }
  if (!outcome.ok) {
    // A refused comment is shown under its field, by the form.
    if (outcome.intent === "request-changes") return null
    return (
      <Notice tone="error" data-testid="review-problem">
        {outcome.message}
      </Notice>
    )
  }
  if (outcome.intent === "approve") {
    const release = outcome.data as ApprovedRelease
    return (
      <Notice tone="success" title={`Published: release ${release.number}`} data-testid="review-approved">
        <p>
          Release {release.number} (built as version {release.versionNumber}) is now what {audienceText(release.audience, workspaceName)} can open and use.
        </p>
        <p className="mt-1">
          <Link to={publishedAppPath(workspaceId, appId)} className={linkClass} data-testid="open-published-app">
            Open the published app
          </Link>
        </p>
      </Notice>
    )
  }
  return (
    <Notice tone="success" title="Changes requested" data-testid="review-changes-sent">
      The person who asked sees your comment in the app's Publish dialog.
    </Notice>
  )
}
