// Restoring an earlier version: its source becomes the app's current one as a NEW version (n+1,
// "restored from" the old number), so nothing is lost — every later version stays listed and
// previewable. The worker's working directory still holds the newer files, so the app records that
// the next turn must replace them; that turn carries the restored files (replaceSource) and tells
// the agent what happened, and the mark is cleared once a worker has accepted such a turn.

import { clearChangedDraftApprovalQuietly } from "../agents/approvals.server.ts"
import { recordAudit } from "../audit/audit.server.ts"
import { AppError, notFound } from "../errors.server.ts"
import type { WebServices } from "../services.server.ts"
import { apps, snapshots, type AppDocument, type AppVersionDocument, type SnapshotDocument } from "../store/collections.server.ts"
import type { WorkspaceScope } from "../workspaces/scope.server.ts"
import { requireBuildableApp } from "./app-access.server.ts"
import { findVersion, recordVersion } from "./versions.server.ts"

const busy = () =>
  new AppError("CONFLICT", "The app's agent is working on a message: wait for it to finish (or stop it), then restore the version.")

export async function restoreVersion(services: WebServices, scope: WorkspaceScope, appId: string, versionId: string): Promise<AppVersionDocument> {
  const app = await requireBuildableApp(services, scope, appId)
  const target = await findVersion(services, app, versionId)
  if (!target) throw notFound("Version")
  if (app.activeRunId) throw busy()
  const outcome = await recordVersion(
    services,
    app,
    {
      snapshotId: target.snapshotId,
      runId: null,
      requestedByUserId: scope.user.id,
      message: null,
      summary: target.summary,
      restoredFromNumber: target.number,
    },
    { kind: "restore", snapshotId: target.snapshotId, restoredFromNumber: target.number },
  )
  if ("refused" in outcome) throw outcome.refused === "busy" ? busy() : notFound("App")
  await recordAudit(services.store, {
    workspaceId: app.workspaceId,
    actorUserId: scope.user.id,
    action: "app.version_restored",
    target: { type: "app", id: app.id },
    before: { versionNumber: app.currentVersionNumber ?? null },
    after: { versionNumber: outcome.version.number, restoredFromNumber: target.number },
  })
  await clearChangedDraftApprovalQuietly(services, app, { kind: "restore", restoredFromNumber: target.number, actorUserId: scope.user.id })
  return outcome.version
}

/** The line the agent reads before the person's message on the turn after a restore. */
export const restoredNote = (number: number) => `The person restored version ${number}; the app's files are now as they were in that version.`

export interface SourceReplacement {
  /** The restore's version number, to clear the mark with once a worker accepted the turn. */
  readonly versionNumber: number
  /** The version the files come from, as the person knows it. */
  readonly restoredFromNumber: number
  readonly snapshot: SnapshotDocument
}

/** What the app's next turn must put in the worker's working directory, if a restore is waiting for one. */
export async function pendingSourceReplacement(services: WebServices, app: AppDocument): Promise<SourceReplacement | null> {
  const versionNumber = app.sourceReplaceVersion
  if (versionNumber === undefined || versionNumber === null) return null
  const ofApp = { appId: app.id, workspaceId: app.workspaceId }
  const snapshot = app.sourceReplaceSnapshotId ? await services.store.collection(snapshots).findOne({ ...ofApp, id: app.sourceReplaceSnapshotId }) : null
  if (!snapshot) {
    // Nothing to hand over (a mark from before the snapshot was recorded with it, or a snapshot
    // gone with its versions): the worker keeps what it has, and the mark is not left to wipe a later turn.
    await clearSourceReplacement(services, app, versionNumber)
    return null
  }
  return { versionNumber, restoredFromNumber: app.sourceReplaceFromNumber ?? versionNumber, snapshot }
}

/** Clears the mark, unless another restore set a newer one meanwhile (that one's turn is still to come). */
export async function clearSourceReplacement(services: WebServices, app: AppDocument, versionNumber: number): Promise<void> {
  await services.store
    .collection(apps)
    .updateOne(
      { id: app.id, workspaceId: app.workspaceId, sourceReplaceVersion: versionNumber },
      { sourceReplaceVersion: null, sourceReplaceSnapshotId: null, sourceReplaceFromNumber: null },
    )
}
