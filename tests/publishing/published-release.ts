// Releases for tests outside publishing whose apps have agents but no build (no version to
// publish): a release carrying the draft's agents approval, switched to through the real release
// path (so the published agents slot follows as it does in production), or stored as is.

import { newId } from "#shared/ids.ts"
import type { AgentsApprovalMode } from "#app/agents/agent-approval-collections.server.ts"
import { draftAgents } from "#app/publishing/publishable-draft.server.ts"
import { appReleases, type AppReleaseDocument } from "#app/publishing/publishing-collections.server.ts"
import { createRelease } from "#app/publishing/releases.server.ts"
import type { WebServices } from "#app/services.server.ts"
import { apps, type AppDocument } from "#app/store/collections.server.ts"
import type { DurableStore } from "#app/store/store.server.ts"

/** Publishes the app's draft agents approval (whatever counts now; none clears the published agents) to the whole workspace. */
export async function releaseDraftAgents(services: WebServices, app: AppDocument, publisherUserId: string): Promise<AppReleaseDocument> {
  const { release } = await createRelease(services, app, {
    versionId: newId(),
    versionNumber: 1,
    snapshotId: app.snapshotId ?? newId(),
    ...(await draftAgents(services, app)),
    visibility: "workspace",
    teamIds: [],
    publishedByUserId: publisherUserId,
    reviewId: null,
    rolledBackFromNumber: null,
  })
  return release
}

/** A current release with these agents, written straight to the store (for tests that write the published slot themselves). */
export async function storeReleaseWithAgents(
  store: DurableStore,
  app: Pick<AppDocument, "id" | "workspaceId">,
  agents: { readonly hash: string; readonly payloadJson: string; readonly mode: AgentsApprovalMode; readonly approvedByUserId: string },
): Promise<AppReleaseDocument> {
  const at = new Date().toISOString()
  const release: AppReleaseDocument = {
    id: newId(),
    workspaceId: app.workspaceId,
    appId: app.id,
    number: 1,
    versionId: newId(),
    versionNumber: 1,
    snapshotId: newId(),
    agentsHash: agents.hash,
    agentsPayloadJson: agents.payloadJson,
    agentsMode: agents.mode,
    agentsApprovedByUserId: agents.approvedByUserId,
    agentsApprovedAt: at,
    visibility: "workspace",
    teamIds: [],
    publishedByUserId: agents.approvedByUserId,
    reviewId: null,
    rolledBackFromNumber: null,
    createdAt: at,
  }
  await store.collection(appReleases).insert(release)
  await store.collection(apps).updateOne({ id: app.id, workspaceId: app.workspaceId }, { publishedReleaseId: release.id, visibility: "workspace", visibleTeamIds: [], lastReleaseNumber: 1 })
  return release
}
