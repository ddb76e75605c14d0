// Asking for a review: one pending request per app (claimed on the app's pendingReviewId by
// compare-and-set, so two requests at once cannot both be pending), describing the draft exactly
// as it is — its version, its source and the hash of its agents approval.

import { newId } from "#shared/ids.ts"
import { PUBLISH_REFUSALS, type ReviewView, type Visibility } from "#shared/publishing/publishing.ts"
import { AppError } from "../errors.server.ts"
import type { WebServices } from "../services.server.ts"
import { apps, type AppDocument } from "../store/collections.server.ts"
import { nowIso, type WorkspaceScope } from "../workspaces/scope.server.ts"
import type { PublishableDraft } from "./publishable-draft.server.ts"
import { reviewRequests, type ReviewRequestDocument } from "./publishing-collections.server.ts"
import { announceReviewChange, auditFields, auditPublishing } from "./publishing-events.server.ts"
import { viewOfReview } from "./publishing-views.server.ts"
import { supersedePendingReview } from "./review-supersede.server.ts"

const alreadyPending = () =>
  new AppError("CONFLICT", "A review of this app is pending already: wait for its decision, or withdraw it and ask again.", PUBLISH_REFUSALS.reviewPending)

/** Claims the app's one pending-review place for `reviewId`; a place held by a review no longer pending (a crash) is taken over. */
async function claimPendingPlace(services: WebServices, app: AppDocument, reviewId: string): Promise<void> {
  const collection = services.store.collection(apps)
  let current: AppDocument | null = app
  for (;;) {
    if (!current || current.deleting) throw new AppError("NOT_FOUND", "App not found.")
    const holder = current.pendingReviewId ?? null
    if (holder) {
      const held = await services.store.collection(reviewRequests).findOne({ id: holder, workspaceId: app.workspaceId })
      if (held?.status === "pending") throw alreadyPending()
    }
    const claimed = await collection.updateOne({ id: app.id, workspaceId: app.workspaceId, pendingReviewId: holder }, { pendingReviewId: reviewId })
    if (claimed) return
    current = await collection.findOne({ id: app.id, workspaceId: app.workspaceId })
  }
}

export interface ReviewAsk {
  readonly visibility: Visibility
  readonly teamIds: readonly string[]
  readonly note: string | null
}

export async function requestReview(services: WebServices, scope: WorkspaceScope, app: AppDocument, draft: PublishableDraft, ask: ReviewAsk): Promise<ReviewView> {
  const id = newId()
  await claimPendingPlace(services, app, id)
  const at = nowIso()
  const review: ReviewRequestDocument = {
    id,
    workspaceId: app.workspaceId,
    appId: app.id,
    status: "pending",
    requestedByUserId: scope.user.id,
    visibility: ask.visibility,
    teamIds: [...ask.teamIds],
    note: ask.note,
    versionId: draft.version.id,
    versionNumber: draft.version.number,
    snapshotId: draft.version.snapshotId,
    agentsHash: draft.agents.agentsHash,
    baseReleaseId: app.publishedReleaseId ?? null,
    reviewerUserId: null,
    comment: null,
    decidedAt: null,
    releaseId: null,
    supersededReason: null,
    createdAt: at,
    updatedAt: at,
  }
  try {
    await services.store.collection(reviewRequests).insert(review)
  } catch (error) {
    await services.store.collection(apps).updateOne({ id: app.id, workspaceId: app.workspaceId, pendingReviewId: id }, { pendingReviewId: null })
    throw error
  }
  await auditPublishing(services, { action: "review.requested", app, actorUserId: scope.user.id, after: await auditFields(services, review) })
  announceReviewChange(services, app)
  // A build recorded while this request was being written found no pending review to supersede.
  const now = await services.store.collection(apps).findOne({ id: app.id, workspaceId: app.workspaceId })
  if (now && now.currentVersionId && now.currentVersionId !== draft.version.id) {
    await supersedePendingReview(services, app, (pending) => pending.id === id, `Version ${now.currentVersionNumber ?? "?"} was built after the request`, null)
    return viewOfReview(services, (await services.store.collection(reviewRequests).findOne({ id }))!)
  }
  return viewOfReview(services, review)
}
