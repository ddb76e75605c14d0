// App versions: every successful build, and every restore of an earlier build, becomes the app's
// next version, numbered 1, 2, 3… per app. The store has atomic single-document updates but no
// transactions, so a number is handed out by compare-and-set on a counter in the app document, the
// version is written, and only then does the app point at it (again by compare-and-set, so a slow
// writer never moves "current" back to an older number). A crash between the steps leaves a gap in
// the numbers at worst, never two versions with one number (a unique index stands behind the counter).

import { newId } from "#shared/ids.ts"
import { publishWorkspaceEvent } from "../events/workspace-events.server.ts"
import { supersedePendingReviewQuietly } from "../publishing/review-supersede.server.ts"
import type { WebServices } from "../services.server.ts"
import { apps, appVersions, snapshots, type AppDocument, type AppVersionDocument } from "../store/collections.server.ts"
import { nowIso } from "../workspaces/scope.server.ts"
import { appAudience } from "./app-access.server.ts"

/** The message a version shows is the person's, cut to what a list row can hold. */
export const VERSION_MESSAGE_CHARS = 500

export const versionMessage = (prompt: string) =>
  prompt.length <= VERSION_MESSAGE_CHARS ? prompt : `${prompt.slice(0, VERSION_MESSAGE_CHARS - 1)}…`

type NumberClaim = { readonly number: number } | { readonly refused: "busy" | "gone" }

/**
 * Who may take a number: a build, only while its run still holds the app (a build reported after
 * its run was stopped must not hide what came after); a restore, only while no run holds it, and
 * in the same update it marks the app so the very next turn gets the restored files (a turn
 * claimed a moment later must not start without them, nor the one after wipe its work).
 */
export type VersionHolder =
  | { readonly kind: "run"; readonly runId: string }
  | { readonly kind: "restore"; readonly snapshotId: string; readonly restoredFromNumber: number }

/** The app's next version number, taken atomically; a refusal writes nothing. */
async function takeNumber(services: WebServices, app: AppDocument, holder: VersionHolder): Promise<NumberClaim> {
  const idle = holder.kind === "restore"
  const collection = services.store.collection(apps)
  let current: AppDocument | null = app
  for (;;) {
    if (!current || current.deleting) return { refused: "gone" }
    if (idle && current.activeRunId) return { refused: "busy" }
    if (holder.kind === "run" && current.activeRunId !== holder.runId) return { refused: "busy" }
    const previous = current.lastVersionNumber ?? null
    const number = (previous ?? 0) + 1
    // Each field compared with what was read (all falsy here), so the update fails only when one changed.
    const taken = await collection.updateOne(
      {
        id: app.id,
        workspaceId: app.workspaceId,
        deleting: current.deleting ?? null,
        lastVersionNumber: previous,
        activeRunId: holder.kind === "run" ? holder.runId : null,
      },
      holder.kind === "run"
        ? { lastVersionNumber: number }
        : { lastVersionNumber: number, sourceReplaceVersion: number, sourceReplaceSnapshotId: holder.snapshotId, sourceReplaceFromNumber: holder.restoredFromNumber },
    )
    if (taken) return { number }
    // Someone else took a number (or claimed the app) in between: look again.
    current = await collection.findOne({ id: app.id, workspaceId: app.workspaceId })
  }
}

/**
 * Points the app at the version (and its source) unless a newer version is current already.
 * Returns the snapshot the app held before, when this replaced it.
 */
async function makeCurrent(services: WebServices, app: AppDocument, version: AppVersionDocument): Promise<{ readonly replacedSnapshotId: string | null } | null> {
  const collection = services.store.collection(apps)
  let current: AppDocument | null = app
  for (;;) {
    if (!current) return null
    if ((current.currentVersionNumber ?? 0) >= version.number) return { replacedSnapshotId: null }
    const updated = await collection.updateOne(
      { id: app.id, workspaceId: app.workspaceId, currentVersionNumber: current.currentVersionNumber ?? null },
      { currentVersionId: version.id, currentVersionNumber: version.number, snapshotId: version.snapshotId, updatedAt: nowIso() },
    )
    if (updated) return { replacedSnapshotId: current.snapshotId !== version.snapshotId ? current.snapshotId : null }
    current = await collection.findOne({ id: app.id, workspaceId: app.workspaceId })
  }
}

/**
 * Deletes a source snapshot nothing needs any more: not a version's, not the app's current one.
 * Versions share snapshots (an unchanged build, every restore), so a snapshot is kept while any names it.
 */
export async function dropUnversionedSnapshot(services: WebServices, app: Pick<AppDocument, "id" | "workspaceId">, snapshotId: string): Promise<void> {
  const ofApp = { appId: app.id, workspaceId: app.workspaceId }
  if ((await services.store.collection(appVersions).count({ ...ofApp, snapshotId })) > 0) return
  const current = await services.store.collection(apps).findOne({ id: app.id, workspaceId: app.workspaceId })
  if (current?.snapshotId === snapshotId) return
  await services.store.collection(snapshots).deleteMany({ ...ofApp, id: snapshotId })
}

export type NewVersion = Omit<AppVersionDocument, "id" | "workspaceId" | "appId" | "number" | "createdAt">

export type RecordedVersion = { readonly version: AppVersionDocument } | { readonly refused: "busy" | "gone" }

/** Records the app's next version for its holder (see VersionHolder) and makes it current; tells every open preview. */
export async function recordVersion(services: WebServices, app: AppDocument, fields: NewVersion, holder: VersionHolder): Promise<RecordedVersion> {
  const claim = await takeNumber(services, app, holder)
  if ("refused" in claim) return claim
  const version: AppVersionDocument = { id: newId(), workspaceId: app.workspaceId, appId: app.id, number: claim.number, ...fields, createdAt: nowIso() }
  await services.store.collection(appVersions).insert(version)
  const made = await makeCurrent(services, app, version)
  if (made?.replacedSnapshotId) {
    await dropUnversionedSnapshot(services, app, made.replacedSnapshotId).catch((error: unknown) =>
      services.log.warn("could not drop a snapshot no version needs", { appId: app.id, error }),
    )
  }
  void publishWorkspaceEvent(services.live, app.workspaceId, { type: "app.version.created", appId: app.id }, appAudience(app), services.log)
  // A review pending for an earlier version no longer describes what approving would publish.
  await supersedePendingReviewQuietly(
    services,
    app,
    (review) => review.versionId !== version.id,
    version.restoredFromNumber === null
      ? `Version ${version.number} was built after the request`
      : `Version ${version.number} (restoring version ${version.restoredFromNumber}) was made after the request`,
    version.requestedByUserId,
  )
  return { version }
}

export const findVersion = (services: WebServices, app: Pick<AppDocument, "id" | "workspaceId">, versionId: string) =>
  services.store.collection(appVersions).findOne({ id: versionId, appId: app.id, workspaceId: app.workspaceId })

/** The version previews show by default: the one the app points at, else (a crash cut a build short) the newest. */
export async function currentVersion(services: WebServices, app: AppDocument): Promise<AppVersionDocument | null> {
  const pointed = app.currentVersionId ? await findVersion(services, app, app.currentVersionId) : null
  if (pointed) return pointed
  const [newest] = await services.store
    .collection(appVersions)
    .findMany({ appId: app.id, workspaceId: app.workspaceId }, { sort: [["number", -1]], limit: 1 })
  return newest ?? null
}
