// The app's source as of the end of a turn, reported by the worker with the turn's end and kept
// durably, so a new worker can be given the app back. An unchanged source is not stored again.

import { sha256 } from "@oslojs/crypto/sha2"
import { encodeHexLowerCase } from "@oslojs/encoding"
import { newId } from "#shared/ids.ts"
import type { AppSourceAnswer } from "#shared/runs/internal-api.ts"
import type { WebServices } from "../services.server.ts"
import { snapshots, type AppDocument, type SnapshotDocument } from "../store/collections.server.ts"
import { appFiles } from "../worker-client/worker-client.server.ts"
import { nowIso } from "../workspaces/scope.server.ts"

const sortedEntries = (files: Readonly<Record<string, string>>) => Object.keys(files).sort().map((path) => [path, files[path]])

/** Over the sorted paths and contents, text and binary, and what was left out: the same source hashes the same. */
export function hashFiles(
  files: Readonly<Record<string, string>>,
  binaryFiles: Readonly<Record<string, string>>,
  left: { readonly paths: readonly string[]; readonly count: number },
): string {
  const canonical = JSON.stringify([sortedEntries(files), sortedEntries(binaryFiles), [...left.paths].sort(), left.count])
  return encodeHexLowerCase(sha256(new TextEncoder().encode(canonical)))
}

export async function loadSnapshot(services: WebServices, app: AppDocument): Promise<SnapshotDocument | null> {
  if (!app.snapshotId) return null
  return services.store.collection(snapshots).findOne({ id: app.snapshotId, workspaceId: app.workspaceId })
}

/**
 * Stores the app's source as the worker reported it at the end of a turn, when it changed.
 * Returns the snapshot id to record on the app, or null to keep the current one (unchanged, too large).
 */
export async function captureSnapshot(services: WebServices, app: AppDocument, runId: string, source: AppSourceAnswer): Promise<string | null> {
  if ("tooLarge" in source) {
    services.log.warn("the app's source is too large to keep", { appId: app.id, reason: source.tooLarge })
    return null
  }
  const answer = appFiles(source)
  const hash = hashFiles(answer.files, answer.binaryFiles, { paths: answer.skipped, count: answer.skippedCount })
  const current = await loadSnapshot(services, app)
  if (current?.hash === hash) return null
  const { files, binaryFiles } = answer
  const snapshot: SnapshotDocument = {
    id: newId(),
    workspaceId: app.workspaceId,
    appId: app.id,
    runId,
    files,
    binaryFiles,
    skipped: answer.skipped,
    skippedCount: answer.skippedCount,
    fileCount: Object.keys(files).length + Object.keys(binaryFiles).length,
    sizeBytes:
      Object.values(files).reduce((total, content) => total + Buffer.byteLength(content), 0) +
      Object.values(binaryFiles).reduce((total, content) => total + Buffer.byteLength(content, "base64"), 0),
    hash,
    createdAt: nowIso(),
  }
  await services.store.collection(snapshots).insert(snapshot)
  return snapshot.id
}
