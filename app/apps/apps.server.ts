// Apps: created from a prompt (the first builder message), listed, renamed, deleted. Deleting an
// app removes everything that hangs off it — its runs, their live streams, its versions, its
// source snapshots and its worker session — so nothing is left orphaned.

import { can } from "#shared/auth/permissions.ts"
import { newId } from "#shared/ids.ts"
import { runStreamKey } from "#shared/runs/run-stream.ts"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { stopAgentRunsWithoutAccess } from "../agents/agent-run-access.server.ts"
import { deleteAgentRuns } from "../agents/agent-runs.server.ts"
import { deleteAgentsApprovals } from "../agents/approvals.server.ts"
import { deletePublishing } from "../publishing/releases.server.ts"
import { recordAudit } from "../audit/audit.server.ts"
import { deleteAppData } from "../app-data/app-data.server.ts"
import { AppError } from "../errors.server.ts"
import { publishWorkspaceEvent } from "../events/workspace-events.server.ts"
import { deleteAppGrants } from "../integrations/grants/sync-grants.server.ts"
import type { WebServices } from "../services.server.ts"
import { apps, appVersions, memberships, runs, snapshots, type AppDocument } from "../store/collections.server.ts"
import { appNameFromPrompt } from "../text/names.ts"
import { nowIso, type WorkspaceScope } from "../workspaces/scope.server.ts"
import { appAudience, canBuildApp, requireBuildableApp } from "./app-access.server.ts"
import { loadSnapshot } from "./snapshots.server.ts"

export interface AppSummary {
  readonly id: string
  readonly name: string
  /** One line saying what the app is for (the builder agent writes it); null until it does. */
  readonly description: string | null
  readonly createdByUserId: string
  readonly collaboratorUserIds: readonly string[]
  readonly runtime: RuntimeId
  readonly model: string | null
  readonly running: boolean
  readonly createdAt: string
  readonly updatedAt: string
}

export const summarizeApp = (app: AppDocument): AppSummary => ({
  id: app.id,
  name: shownName(app),
  description: app.description ?? null,
  createdByUserId: app.createdByUserId,
  collaboratorUserIds: app.collaboratorUserIds,
  runtime: app.runtime,
  model: app.model,
  running: Boolean(app.activeRunId),
  createdAt: app.createdAt,
  updatedAt: app.updatedAt,
})

/** A first name from the prompt (app/text/names.ts); the agent or the person names the app later. */
export const nameFromPrompt = appNameFromPrompt

/**
 * Apps named before names from prompts read well were named "the prompt cut off with …": until
 * the agent or a person names one, it is shown with the name its prompt gives it today.
 */
function shownName(app: AppDocument): string {
  const fromPrompt = (app.nameSetBy ?? "prompt") === "prompt"
  return fromPrompt && app.name.endsWith("…") ? appNameFromPrompt(app.prompt) : app.name
}

export async function listApps(services: WebServices, scope: WorkspaceScope): Promise<AppSummary[]> {
  // Visibility depends on per-app collaborator lists, so it is decided here rather than in the query.
  const all = await services.store.collection(apps).findMany({ workspaceId: scope.workspace.id }, { sort: [["updatedAt", -1]] })
  return all.filter((app) => canBuildApp(app, scope)).map(summarizeApp)
}

export interface NewApp {
  readonly prompt: string
  readonly runtime: RuntimeId
  readonly model: string | null
  readonly name?: string | undefined
}

export async function createApp(services: WebServices, scope: WorkspaceScope, input: NewApp): Promise<AppDocument> {
  const at = nowIso()
  const given = input.name?.trim()
  const app: AppDocument = {
    id: newId(),
    workspaceId: scope.workspace.id,
    name: given || nameFromPrompt(input.prompt),
    // A name the person gave is theirs: the builder agent's suggestion does not replace it.
    nameSetBy: given ? "user" : "prompt",
    description: null,
    prompt: input.prompt,
    createdByUserId: scope.user.id,
    collaboratorUserIds: [],
    runtime: input.runtime,
    model: input.model,
    activeRunId: null,
    runtimeSessions: {},
    snapshotId: null,
    createdAt: at,
    updatedAt: at,
  }
  await services.store.collection(apps).insert(app)
  await recordAudit(services.store, {
    workspaceId: app.workspaceId,
    actorUserId: scope.user.id,
    action: "app.created",
    target: { type: "app", id: app.id },
    after: { name: app.name, runtime: app.runtime },
  })
  void publishWorkspaceEvent(services.live, app.workspaceId, { type: "app.created", appId: app.id }, appAudience(app), services.log)
  return app
}

export async function renameApp(services: WebServices, scope: WorkspaceScope, appId: string, name: string): Promise<AppSummary> {
  const app = await requireBuildableApp(services, scope, appId)
  const renamed = await services.store
    .collection(apps)
    .updateOne({ id: app.id, workspaceId: app.workspaceId }, { name, nameSetBy: "user", updatedAt: nowIso() })
  if (!renamed) throw new AppError("NOT_FOUND", "App not found.")
  await recordAudit(services.store, {
    workspaceId: app.workspaceId,
    actorUserId: scope.user.id,
    action: "app.renamed",
    target: { type: "app", id: app.id },
    before: { name: app.name },
    after: { name },
  })
  void publishWorkspaceEvent(services.live, app.workspaceId, { type: "app.updated", appId: app.id }, appAudience(app), services.log)
  return summarizeApp(renamed)
}

const mayManage = (app: AppDocument, scope: WorkspaceScope) =>
  app.createdByUserId === scope.user.id || can(scope.membership.role, "apps:manage-all")

/** The creator and admins may delete an app; collaborators may build in it but not delete it. */
export async function deleteApp(services: WebServices, scope: WorkspaceScope, appId: string): Promise<void> {
  const app = await requireBuildableApp(services, scope, appId)
  if (!mayManage(app, scope)) throw new AppError("FORBIDDEN", "Only the app's creator or a workspace admin can delete it.")
  // No new turn may start from here on; a send already on its way cleans the worker up itself.
  await services.store.collection(apps).updateOne({ id: app.id, workspaceId: app.workspaceId }, { deleting: true })
  // The worker next: if it cannot be reached, the app stays (marked) and the person can try again.
  await services.worker.destroy(app.id).catch(async (error: unknown) => {
    await services.store.collection(apps).updateOne({ id: app.id, workspaceId: app.workspaceId }, { deleting: null })
    throw error
  })
  const appRuns = await services.store.collection(runs).findMany({ appId: app.id, workspaceId: app.workspaceId })
  await Promise.all(appRuns.map((run) => services.live.deleteKey(runStreamKey(run.id))))
  await deleteAppData(services.store, app.workspaceId, app.id)
  await deleteAgentsApprovals(services, app)
  await deleteAgentRuns(services, app)
  await deleteAppGrants(services, app)
  await deletePublishing(services, app)
  await services.store.collection(appVersions).deleteMany({ appId: app.id, workspaceId: app.workspaceId })
  await services.store.collection(snapshots).deleteMany({ appId: app.id, workspaceId: app.workspaceId })
  await services.store.collection(runs).deleteMany({ appId: app.id, workspaceId: app.workspaceId })
  await services.store.collection(apps).deleteMany({ id: app.id, workspaceId: app.workspaceId })
  await recordAudit(services.store, {
    workspaceId: app.workspaceId,
    actorUserId: scope.user.id,
    action: "app.deleted",
    target: { type: "app", id: app.id },
    before: { name: app.name },
  })
  void publishWorkspaceEvent(services.live, app.workspaceId, { type: "app.deleted", appId: app.id }, appAudience(app), services.log)
}

/**
 * Adds or removes a collaborator: someone who sees the app and builds in it with its creator.
 * Only the creator and admins decide; a collaborator must be a member of the workspace.
 */
export async function setCollaborator(
  services: WebServices,
  scope: WorkspaceScope,
  appId: string,
  userId: string,
  collaborating: boolean,
): Promise<AppSummary> {
  const app = await requireBuildableApp(services, scope, appId)
  if (!mayManage(app, scope)) throw new AppError("FORBIDDEN", "Only the app's creator or a workspace admin can choose its collaborators.")
  if (userId === app.createdByUserId) throw new AppError("BAD_REQUEST", "The app's creator always sees it; choose someone else.")
  if (collaborating && !(await services.store.collection(memberships).findOne({ workspaceId: app.workspaceId, userId }))) {
    throw new AppError("NOT_FOUND", "Member not found in this workspace.")
  }
  const others = app.collaboratorUserIds.filter((id) => id !== userId)
  const collaboratorUserIds = collaborating ? [...others, userId] : others
  const updated = await services.store
    .collection(apps)
    .updateOne({ id: app.id, workspaceId: app.workspaceId }, { collaboratorUserIds, updatedAt: nowIso() })
  if (!updated) throw new AppError("NOT_FOUND", "App not found.")
  if (collaboratorUserIds.length !== app.collaboratorUserIds.length) {
    await recordAudit(services.store, {
      workspaceId: app.workspaceId,
      actorUserId: scope.user.id,
      action: collaborating ? "app.collaborator_added" : "app.collaborator_removed",
      target: { type: "app", id: app.id },
      after: { userId },
    })
    // Only those who see the app now hear of it.
    void publishWorkspaceEvent(services.live, app.workspaceId, { type: "app.updated", appId: app.id }, appAudience(updated), services.log)
  }
  // Their agent runs act as them: those on apps they no longer see stop now (an admin still sees every app).
  if (!collaborating) await stopAgentRunsWithoutAccess(services, { workspaceId: app.workspaceId, userId, byUserId: scope.user.id })
  return summarizeApp(updated)
}

export interface AppFiles {
  /**
   * "worker": the live working copy; "snapshot": the last saved source; "restored": a restored
   * version, which the worker gets with the next message; "none": nothing yet.
   */
  readonly source: "worker" | "snapshot" | "restored" | "none"
  readonly files: Readonly<Record<string, string>>
  /** Files of that copy that are not text (images, fonts): path → size in bytes. Kept in snapshots, not shown. */
  readonly binaryFiles: Readonly<Record<string, number>>
  /** Files of that copy that are not shown, and not kept in snapshots (over the per-file size limit): the first paths, and how many. */
  readonly skipped: readonly string[]
  readonly skippedCount: number
  /** Why the live copy is not shown although the worker has one (it is too large to keep). */
  readonly liveProblem: string | null
}

/** Sizes, not contents: the page names binary files, and nothing reads them from here. */
const binarySizes = (files: Readonly<Record<string, string>>) =>
  Object.fromEntries(Object.entries(files).map(([path, base64]) => [path, Buffer.byteLength(base64, "base64")]))

/** The app's current source: the worker's live copy when it has one, else the last snapshot. */
export async function getAppFiles(services: WebServices, scope: WorkspaceScope, appId: string): Promise<AppFiles> {
  const app = await requireBuildableApp(services, scope, appId)
  // A version was restored and the worker has not been handed it yet (the next turn does that):
  // the app's source is the restored snapshot, not what the worker still holds.
  const restorePending = app.sourceReplaceVersion !== undefined && app.sourceReplaceVersion !== null
  const live = restorePending ? null : await services.worker.files(app.id).catch(() => null)
  if (live && "files" in live && Object.keys(live.files).length + Object.keys(live.binaryFiles).length + live.skippedCount > 0) {
    return { source: "worker", files: live.files, binaryFiles: binarySizes(live.binaryFiles), skipped: live.skipped, skippedCount: live.skippedCount, liveProblem: null }
  }
  const liveProblem = live && "tooLarge" in live ? live.tooLarge : null
  const snapshot = await loadSnapshot(services, app)
  return snapshot
    ? {
        source: restorePending ? "restored" : "snapshot",
        files: snapshot.files,
        binaryFiles: binarySizes(snapshot.binaryFiles ?? {}),
        skipped: snapshot.skipped ?? [],
        skippedCount: snapshot.skippedCount ?? snapshot.skipped?.length ?? 0,
        liveProblem,
      }
    : { source: "none", files: {}, binaryFiles: {}, skipped: [], skippedCount: 0, liveProblem }
}
