// What the Reviews entry of the workspace's navigation counts for a member: their own requests
// that came back with changes requested and that they have not asked again about (the app's newest
// request is still that refusal). Owners and admins count the requests waiting for them instead.

import type { ReviewView } from "#shared/publishing/publishing.ts"

/** Among `reviews` (any order), how many apps' newest request is the viewer's, sent back for changes. */
export function changesAskedOf(reviews: readonly Pick<ReviewView, "appId" | "status" | "requestedBy" | "requestedAt">[], viewerId: string): number {
  const newest = new Map<string, (typeof reviews)[number]>()
  for (const review of reviews) {
    const seen = newest.get(review.appId)
    if (!seen || seen.requestedAt < review.requestedAt) newest.set(review.appId, review)
  }
  return [...newest.values()].filter((review) => review.status === "changes_requested" && review.requestedBy.id === viewerId).length
}
