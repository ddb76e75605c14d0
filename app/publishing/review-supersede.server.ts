// A pending review is of one draft: the version and the agents approval as they were when it was
// requested. When the draft moves on (a new version is built or restored, the agents approval
// changes or is cleared) the review no longer describes what approving would publish, so it is
// marked superseded, visibly and once, and the requester asks again.

import { nowIso } from "../workspaces/scope.server.ts"
import type { WebServices } from "../services.server.ts"
import { apps, type AppDocument } from "../store/collections.server.ts"
import { reviewRequests, type ReviewRequestDocument } from "./publishing-collections.server.ts"
import { announceReviewChange, auditFields, auditPublishing } from "./publishing-events.server.ts"

export const findPendingReview = (services: WebServices, app: Pick<AppDocument, "id" | "workspaceId">) =>
  services.store.collection(reviewRequests).findOne({ workspaceId: app.workspaceId, appId: app.id, status: "pending" })

/**
 * Supersedes the app's pending review when `isStale` says the draft no longer matches it.
 * Compare-and-set on the status, so a review approved at the same moment stays approved.
 * Returns whether it superseded one.
 */
export async function supersedePendingReview(
  services: WebServices,
  app: Pick<AppDocument, "id" | "workspaceId">,
  isStale: (review: ReviewRequestDocument) => boolean,
  reason: string,
  actorUserId: string | null,
): Promise<boolean> {
  const review = await findPendingReview(services, app)
  if (!review || !isStale(review)) return false
  const at = nowIso()
  const superseded = await services.store
    .collection(reviewRequests)
    .updateOne({ id: review.id, workspaceId: review.workspaceId, status: "pending" }, { status: "superseded", supersededReason: reason, decidedAt: at, updatedAt: at })
  if (!superseded) return false
  const current = await services.store.collection(apps).updateOne({ id: app.id, workspaceId: app.workspaceId, pendingReviewId: review.id }, { pendingReviewId: null })
  await auditPublishing(services, {
    action: "review.superseded",
    app,
    actorUserId,
    before: { status: "pending" },
    after: { ...(await auditFields(services, superseded)), status: "superseded", reason },
  })
  const known = current ?? (await services.store.collection(apps).findOne({ id: app.id, workspaceId: app.workspaceId }))
  if (known) announceReviewChange(services, known)
  return true
}

/** Never throws: a build, a restore or an approval must not fail because a review could not be superseded. */
export const supersedePendingReviewQuietly = (...args: Parameters<typeof supersedePendingReview>) =>
  supersedePendingReview(...args).catch((error: unknown) => {
    args[0].log.warn("could not supersede the app's pending review", { appId: args[1].id, error })
    return false
  })
