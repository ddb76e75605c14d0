// What the builder's Publish dialog shows, and an app's release history.

import { can } from "#shared/auth/permissions.ts"
import { currentVersion } from "../apps/versions.server.ts"
import type { PublishState, ReleaseView } from "#shared/publishing/publishing.ts"
import { requireBuildableApp } from "../apps/app-access.server.ts"
import type { WebServices } from "../services.server.ts"
import type { WorkspaceScope } from "../workspaces/scope.server.ts"
import { integrationsRequired, missingIntegrations } from "./missing-integrations.server.ts"
import { reviewRequests } from "./publishing-collections.server.ts"
import { draftAgents, draftAgentsView, releaseServesDraft } from "./publishable-draft.server.ts"
import { directoryFor, releaseView, reviewView } from "./publishing-views.server.ts"
import { currentRelease, releasesOf } from "./releases.server.ts"

export async function publishState(services: WebServices, scope: WorkspaceScope, appId: string): Promise<PublishState> {
  const app = await requireBuildableApp(services, scope, appId)
  const [release, version, agents, [latestReview], missing] = await Promise.all([
    currentRelease(services, app),
    currentVersion(services, app),
    draftAgents(services, app),
    services.store.collection(reviewRequests).findMany({ workspaceId: app.workspaceId, appId: app.id }, { sort: [["createdAt", -1]], limit: 1 }),
    missingIntegrations(services, app),
  ])
  const directory = await directoryFor(services, app.workspaceId, [...(release ? [release] : []), ...(latestReview ? [latestReview] : [])])
  // The refusal's comment is shown until something newer happens: another request, or a release after it.
  const refused =
    latestReview?.status === "changes_requested" && (!release || release.createdAt < (latestReview.decidedAt ?? latestReview.updatedAt)) ? latestReview : null
  return {
    published: release ? releaseView(release, app, directory) : null,
    pendingReview: latestReview?.status === "pending" ? reviewView(latestReview, directory) : null,
    changesRequested: refused ? reviewView(refused, directory) : null,
    canPublishDirectly: can(scope.membership.role, "apps:publish"),
    draftVersion: version ? { id: version.id, number: version.number } : null,
    draftIsPublished: version !== null && release !== null && release.versionId === version.id,
    draftMatchesRelease: releaseServesDraft(release, version, agents),
    draftAgents: await draftAgentsView(services, app, agents),
    missingIntegrations: missing,
    integrationsRequired: integrationsRequired(services),
  }
}

export async function listReleases(services: WebServices, scope: WorkspaceScope, appId: string): Promise<{ releases: ReleaseView[] }> {
  const app = await requireBuildableApp(services, scope, appId)
  const releases = await releasesOf(services, app)
  const directory = await directoryFor(services, app.workspaceId, releases)
  return { releases: releases.map((release) => releaseView(release, app, directory)) }
}
