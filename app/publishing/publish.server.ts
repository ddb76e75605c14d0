// Publishing an app: directly (owners and admins) or through a review request (members, or anyone
// asking for one); unpublishing; rolling back to an earlier release (as a new release).

import { can } from "#shared/auth/permissions.ts"
import type { ReleaseView, ReviewView, Visibility } from "#shared/publishing/publishing.ts"
import { requireBuildableApp } from "../apps/app-access.server.ts"
import { AppError, notFound } from "../errors.server.ts"
import type { WebServices } from "../services.server.ts"
import { teams } from "../store/collections.server.ts"
import type { WorkspaceScope } from "../workspaces/scope.server.ts"
import { appGrants, releasedIntegrations, requireIntegrationsSetUp } from "./missing-integrations.server.ts"
import { requireAudience, requirePublishableDraft, requireSomethingNew } from "./publishable-draft.server.ts"
import { auditFields, auditPublishing } from "./publishing-events.server.ts"
import { viewOfRelease } from "./publishing-views.server.ts"
import { createRelease, currentRelease, findRelease, takeDown } from "./releases.server.ts"
import { requestReview } from "./review-requests.server.ts"

export interface PublishInput {
  readonly appId: string
  readonly visibility: Visibility
  readonly teamIds: readonly string[]
  readonly note?: string | undefined
  readonly requestReview?: boolean | undefined
}

export type PublishOutcome = { readonly kind: "published"; readonly release: ReleaseView } | { readonly kind: "review"; readonly review: ReviewView }

const mayPublish = (scope: WorkspaceScope) => can(scope.membership.role, "apps:publish")

export async function publishApp(services: WebServices, scope: WorkspaceScope, input: PublishInput): Promise<PublishOutcome> {
  const app = await requireBuildableApp(services, scope, input.appId)
  const teamIds = await requireAudience(services, app.workspaceId, input.visibility, input.teamIds)
  const draft = await requirePublishableDraft(services, app)
  // The same version for other people is a new release of it (an audience change); for the same people, nothing.
  requireSomethingNew(await currentRelease(services, app), draft, input.visibility, teamIds)
  const note = input.note?.trim() || null
  // A request may be made before the integrations are set up: the reviewer (an admin) sees what
  // is missing and sets it up; approving needs it done, as publishing directly does.
  if (!mayPublish(scope) || input.requestReview) {
    return { kind: "review", review: await requestReview(services, scope, app, draft, { visibility: input.visibility, teamIds, note }) }
  }
  await requireIntegrationsSetUp(services, app)
  const { release, app: after } = await createRelease(services, app, {
    versionId: draft.version.id,
    versionNumber: draft.version.number,
    snapshotId: draft.version.snapshotId,
    ...draft.agents,
    visibility: input.visibility,
    teamIds,
    publishedByUserId: scope.user.id,
    reviewId: null,
    rolledBackFromNumber: null,
    integrations: releasedIntegrations(await appGrants(services, app)),
  })
  await auditPublishing(services, { action: "app.published", app, actorUserId: scope.user.id, after: await auditFields(services, release) })
  return { kind: "published", release: await viewOfRelease(services, release, after) }
}

export async function unpublishApp(services: WebServices, scope: WorkspaceScope, appId: string): Promise<void> {
  const app = await requireBuildableApp(services, scope, appId)
  const was = await takeDown(services, app)
  // Unpublishing what is not published changes nothing, and records nothing.
  if (!was) return
  await auditPublishing(services, { action: "app.unpublished", app, actorUserId: scope.user.id, before: await auditFields(services, was), after: null })
}

export async function rollbackToRelease(services: WebServices, scope: WorkspaceScope, appId: string, releaseId: string): Promise<ReleaseView> {
  const app = await requireBuildableApp(services, scope, appId)
  const earlier = await findRelease(services, app, releaseId)
  if (!earlier) throw notFound("Release")
  // Teams deleted since stay out; an audience of teams that are all gone would reach nobody.
  const living = new Set((await services.store.collection(teams).findMany({ workspaceId: app.workspaceId, id: { in: [...earlier.teamIds] } })).map((team) => team.id))
  const teamIds = earlier.teamIds.filter((id) => living.has(id))
  if (earlier.visibility === "teams" && teamIds.length === 0) {
    throw new AppError("CONFLICT", `The teams release ${earlier.number} was for no longer exist: publish again and choose who the app is for.`)
  }
  const { release, app: after } = await createRelease(services, app, {
    versionId: earlier.versionId,
    versionNumber: earlier.versionNumber,
    snapshotId: earlier.snapshotId,
    agentsHash: earlier.agentsHash,
    agentsPayloadJson: earlier.agentsPayloadJson,
    agentsMode: earlier.agentsMode,
    agentsApprovedByUserId: earlier.agentsApprovedByUserId,
    agentsApprovedAt: earlier.agentsApprovedAt,
    ...(earlier.agentsDeclared === undefined ? {} : { agentsDeclared: earlier.agentsDeclared }),
    visibility: earlier.visibility,
    teamIds,
    publishedByUserId: scope.user.id,
    reviewId: null,
    rolledBackFromNumber: earlier.number,
    ...(earlier.integrations ? { integrations: earlier.integrations } : {}),
  })
  await auditPublishing(services, { action: "app.rolled_back", app, actorUserId: scope.user.id, after: await auditFields(services, release) })
  return viewOfRelease(services, release, after)
}
