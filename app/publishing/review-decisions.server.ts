// Deciding review requests: approving promotes exactly the reviewed draft (its version, source and
// agents approval) to a release; requesting changes refuses it with a comment; the requester (or
// an admin) may withdraw it. Every decision is a compare-and-set of the status from "pending", so
// two reviewers deciding at once cannot both win.

import { can } from "#shared/auth/permissions.ts"
import { PUBLISH_REFUSALS, type ReleaseView, type ReviewStatus, type ReviewView } from "#shared/publishing/publishing.ts"
import { requireBuildableApp } from "../apps/app-access.server.ts"
import { AppError, notFound } from "../errors.server.ts"
import type { WebServices } from "../services.server.ts"
import { apps, teams, type AppDocument } from "../store/collections.server.ts"
import { nowIso, type WorkspaceScope } from "../workspaces/scope.server.ts"
import { appGrants, releasedIntegrations, requireIntegrationsSetUp } from "./missing-integrations.server.ts"
import { requirePublishableDraft } from "./publishable-draft.server.ts"
import { reviewRequests, type ReviewRequestDocument } from "./publishing-collections.server.ts"
import { announceReviewChange, auditFields, auditPublishing } from "./publishing-events.server.ts"
import { viewOfRelease, viewOfReview } from "./publishing-views.server.ts"
import { createRelease } from "./releases.server.ts"
import { findPendingReview, supersedePendingReview } from "./review-supersede.server.ts"

const STATUS_WORDS: Record<ReviewStatus, string> = {
  pending: "is pending",
  approved: "was approved already",
  changes_requested: "was sent back for changes already",
  superseded: "was superseded by a later change to the app",
  withdrawn: "was withdrawn by its requester",
}

const stale = (message: string) => new AppError("CONFLICT", message, PUBLISH_REFUSALS.reviewStale)

/** The review and its app, for someone who may build the app (admins build every app); 404 otherwise. */
async function requireReview(services: WebServices, scope: WorkspaceScope, reviewId: string): Promise<{ review: ReviewRequestDocument; app: AppDocument }> {
  const review = await services.store.collection(reviewRequests).findOne({ id: reviewId, workspaceId: scope.workspace.id })
  if (!review) throw notFound("Review")
  const app = await requireBuildableApp(services, scope, review.appId).catch(() => {
    throw notFound("Review")
  })
  return { review, app }
}

function requirePending(review: ReviewRequestDocument): void {
  if (review.status !== "pending") throw stale(`This review ${STATUS_WORDS[review.status]}; reload the Reviews page.`)
}

/** Moves the review from pending to `status`; refused (review_stale) when someone decided it meanwhile. */
async function decide(services: WebServices, review: ReviewRequestDocument, changes: Partial<ReviewRequestDocument> & { status: ReviewStatus }): Promise<ReviewRequestDocument> {
  const at = nowIso()
  const decided = await services.store
    .collection(reviewRequests)
    .updateOne({ id: review.id, workspaceId: review.workspaceId, status: "pending" }, { ...changes, decidedAt: at, updatedAt: at })
  if (!decided) throw stale("Someone decided this review at the same moment; reload the Reviews page.")
  await services.store.collection(apps).updateOne({ id: review.appId, workspaceId: review.workspaceId, pendingReviewId: review.id }, { pendingReviewId: null })
  return decided
}

/** The draft still is what was reviewed: the same current version and the same agents approval; else the review is superseded now. */
async function requireUnchangedDraft(services: WebServices, app: AppDocument, review: ReviewRequestDocument) {
  const draft = await requirePublishableDraft(services, app)
  let reason: string | null = null
  if (draft.version.id !== review.versionId) reason = `Version ${draft.version.number} was built after the request`
  else if (draft.agents.agentsHash !== review.agentsHash) reason = "The agents' approval changed after the request"
  if (reason) {
    await supersedePendingReview(services, app, (pending) => pending.id === review.id, reason, null)
    throw stale(`${reason}: this review no longer shows what approving would publish. The requester can ask for a review again.`)
  }
  return draft
}

export async function approveReview(services: WebServices, scope: WorkspaceScope, reviewId: string): Promise<ReleaseView> {
  const { review, app } = await requireReview(services, scope, reviewId)
  requirePending(review)
  const draft = await requireUnchangedDraft(services, app, review)
  await requireIntegrationsSetUp(services, app)
  const living = new Set((await services.store.collection(teams).findMany({ workspaceId: app.workspaceId, id: { in: [...review.teamIds] } })).map((team) => team.id))
  const teamIds = review.teamIds.filter((id) => living.has(id))
  if (review.visibility === "teams" && teamIds.length === 0) {
    throw new AppError("CONFLICT", "Every team this review asks to publish to has been deleted: request changes so the requester chooses again.")
  }
  const approved = await decide(services, review, { status: "approved", reviewerUserId: scope.user.id })
  let made: Awaited<ReturnType<typeof createRelease>>
  try {
    made = await createRelease(services, app, {
      versionId: review.versionId,
      versionNumber: review.versionNumber,
      snapshotId: review.snapshotId,
      // The payload read with the check above: the one whose hash the reviewer saw.
      ...draft.agents,
      visibility: review.visibility,
      teamIds,
      publishedByUserId: scope.user.id,
      reviewId: review.id,
      rolledBackFromNumber: null,
      integrations: releasedIntegrations(await appGrants(services, app)),
    })
  } catch (error) {
    // Nothing was released: the review is pending again (and the app's pending one) for another try.
    const reopened = await services.store
      .collection(reviewRequests)
      .updateOne({ id: review.id, status: "approved", releaseId: null }, { status: "pending", reviewerUserId: null, decidedAt: null })
    if (reopened) await services.store.collection(apps).updateOne({ id: app.id, workspaceId: app.workspaceId, pendingReviewId: null }, { pendingReviewId: review.id })
    throw error
  }
  await services.store.collection(reviewRequests).updateOne({ id: review.id, workspaceId: review.workspaceId }, { releaseId: made.release.id })
  await auditPublishing(services, { action: "review.approved", app, actorUserId: scope.user.id, before: { status: "pending" }, after: { ...(await auditFields(services, approved)), status: "approved" } })
  await auditPublishing(services, { action: "app.published", app, actorUserId: scope.user.id, after: await auditFields(services, made.release) })
  announceReviewChange(services, made.app)
  return viewOfRelease(services, made.release, made.app)
}

export async function requestChanges(services: WebServices, scope: WorkspaceScope, reviewId: string, comment: string): Promise<ReviewView> {
  const { review, app } = await requireReview(services, scope, reviewId)
  requirePending(review)
  const decided = await decide(services, review, { status: "changes_requested", reviewerUserId: scope.user.id, comment })
  await auditPublishing(services, {
    action: "review.changes_requested",
    app,
    actorUserId: scope.user.id,
    before: { status: "pending" },
    after: { ...(await auditFields(services, decided)), status: "changes_requested" },
  })
  announceReviewChange(services, app)
  return viewOfReview(services, decided)
}

/** The app's pending review, taken back by its requester or an owner or admin. */
export async function withdrawReview(services: WebServices, scope: WorkspaceScope, appId: string): Promise<ReviewView> {
  const app = await requireBuildableApp(services, scope, appId)
  const review = await findPendingReview(services, app)
  if (!review) throw new AppError("CONFLICT", "No review of this app is pending, so there is nothing to withdraw.", PUBLISH_REFUSALS.reviewStale)
  if (review.requestedByUserId !== scope.user.id && !can(scope.membership.role, "apps:manage-all")) {
    throw new AppError("FORBIDDEN", "Only the person who asked for this review (or a workspace admin) can withdraw it.")
  }
  const withdrawn = await decide(services, review, { status: "withdrawn" })
  await auditPublishing(services, {
    action: "review.withdrawn",
    app,
    actorUserId: scope.user.id,
    before: { status: "pending" },
    after: { ...(await auditFields(services, withdrawn)), status: "withdrawn" },
  })
  announceReviewChange(services, app)
  return viewOfReview(services, withdrawn)
}
