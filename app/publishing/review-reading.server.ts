// Reading review requests: the Reviews page's list, and one review with the diff a reviewer reads
// (against the release colleagues see now, or against nothing at first publish).

import type { AgentsConfig } from "#shared/agents/agents-config.ts"
import { can } from "#shared/auth/permissions.ts"
import type { MissingIntegration, ReviewDiff, ReviewView } from "#shared/publishing/publishing.ts"
import { effectiveAgentsApproval } from "../agents/approvals.server.ts"
import { canBuildApp } from "../apps/app-access.server.ts"
import { notFound } from "../errors.server.ts"
import type { WebServices } from "../services.server.ts"
import { apps, snapshots, type AppDocument } from "../store/collections.server.ts"
import type { Filter } from "../store/store.server.ts"
import type { WorkspaceScope } from "../workspaces/scope.server.ts"
import { appGrants, missingIntegrations, releasedIntegrations } from "./missing-integrations.server.ts"
import { diffAgents, diffIntegrations } from "./policy-diff.ts"
import { reviewRequests, type AppReleaseDocument, type ReviewRequestDocument } from "./publishing-collections.server.ts"
import { directoryFor, reviewView, viewOfReview } from "./publishing-views.server.ts"
import { currentRelease, findRelease } from "./releases.server.ts"
import { diffSources } from "./source-diff.ts"

/** The Reviews page lists this many, newest first. */
export const REVIEWS_LISTED = 200

export interface ReviewDetail {
  readonly review: ReviewView
  readonly diff: ReviewDiff
  readonly missingIntegrations: readonly MissingIntegration[]
  readonly canDecide: boolean
}

const DECIDED = ["approved", "changes_requested", "superseded", "withdrawn"] as const

export async function listReviews(services: WebServices, scope: WorkspaceScope, status: "pending" | "decided" | undefined): Promise<{ reviews: ReviewView[] }> {
  const filter: Filter<ReviewRequestDocument> = {
    workspaceId: scope.workspace.id,
    ...(status === "pending" ? { status: "pending" as const } : status === "decided" ? { status: { in: [...DECIDED] } } : {}),
  }
  const found = await services.store.collection(reviewRequests).findMany(filter, { sort: [["createdAt", -1]], limit: REVIEWS_LISTED })
  const appIds = [...new Set(found.map((review) => review.appId))]
  const appList = appIds.length > 0 ? await services.store.collection(apps).findMany({ workspaceId: scope.workspace.id, id: { in: appIds } }) : []
  // Members see reviews of the apps they build; owners and admins build every app.
  const visible = new Set(appList.filter((app) => !app.deleting && canBuildApp(app, scope)).map((app) => app.id))
  const reviews = found.filter((review) => visible.has(review.appId))
  const directory = await directoryFor(services, scope.workspace.id, reviews)
  return { reviews: reviews.map((review) => reviewView(review, directory)) }
}

const snapshotOf = (services: WebServices, app: Pick<AppDocument, "id" | "workspaceId">, snapshotId: string) =>
  services.store.collection(snapshots).findOne({ id: snapshotId, appId: app.id, workspaceId: app.workspaceId })

function parsedPayload(payloadJson: string | null): AgentsConfig | null {
  if (payloadJson === null) return null
  try {
    return JSON.parse(payloadJson) as AgentsConfig
  } catch {
    return null
  }
}

/** The agents the review would publish: the release it made, else the draft's approval while it is still the one reviewed. */
async function reviewedAgents(services: WebServices, app: AppDocument, review: ReviewRequestDocument): Promise<AgentsConfig | null> {
  if (review.releaseId) return parsedPayload((await findRelease(services, app, review.releaseId))?.agentsPayloadJson ?? null)
  if (review.agentsHash === null) return null
  const draft = await effectiveAgentsApproval(services, app, "draft")
  return draft && draft.hash === review.agentsHash ? draft.config : null
}

async function reviewDiff(services: WebServices, app: AppDocument, review: ReviewRequestDocument): Promise<ReviewDiff> {
  // An approved review is read against the release before the one it made; a pending one against the current release.
  const base: AppReleaseDocument | null =
    review.status === "approved" && review.baseReleaseId ? await findRelease(services, app, review.baseReleaseId) : review.status === "approved" ? null : await currentRelease(services, app)
  const [before, after, agents, grants] = await Promise.all([
    base ? snapshotOf(services, app, base.snapshotId) : null,
    snapshotOf(services, app, review.snapshotId),
    reviewedAgents(services, app, review),
    appGrants(services, app),
  ])
  const { files, filesNotShown } = diffSources(before, after)
  return {
    base: base ? { releaseNumber: base.number, versionNumber: base.versionNumber } : null,
    files,
    filesNotShown,
    agents: diffAgents(base ? parsedPayload(base.agentsPayloadJson) : null, agents),
    // A release written before releases kept their keys counts as having none: every key shows as added.
    integrations: diffIntegrations(base?.integrations ?? [], releasedIntegrations(grants)),
  }
}

export async function getReview(services: WebServices, scope: WorkspaceScope, reviewId: string): Promise<ReviewDetail> {
  const review = await services.store.collection(reviewRequests).findOne({ id: reviewId, workspaceId: scope.workspace.id })
  const app = review ? await services.store.collection(apps).findOne({ id: review.appId, workspaceId: scope.workspace.id }) : null
  if (!review || !app || app.deleting || !canBuildApp(app, scope)) throw notFound("Review")
  const [view, diff, missing] = await Promise.all([viewOfReview(services, review), reviewDiff(services, app, review), missingIntegrations(services, app)])
  return { review: view, diff, missingIntegrations: missing, canDecide: review.status === "pending" && can(scope.membership.role, "apps:publish") }
}
