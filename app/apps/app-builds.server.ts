// A successful build, as the worker reports it from done_building (POST /api/internal/app-builds):
// the claims re-checked as for a tool call, the source kept as a snapshot (dist/ included), and
// the app's next version recorded and made current. The worker retries a report whose answer it
// did not get, so the same run reporting the same source is answered with the version it made.

import type { AppBuildRecorded, AppBuildReport } from "#shared/apps/app-build.ts"
import type { AppSource } from "#shared/runs/internal-api.ts"
import { claimedTurn } from "../runs/builder-tool-calls.server.ts"
import type { WebServices } from "../services.server.ts"
import { appVersions, type AppVersionDocument } from "../store/collections.server.ts"
import { StoreDuplicateError } from "../store/store.server.ts"
import { appFiles } from "../worker-client/worker-client.server.ts"
import { captureSnapshot, hashFiles } from "./snapshots.server.ts"
import { dropUnversionedSnapshot, recordVersion, versionMessage } from "./versions.server.ts"

export type AppBuildOutcome =
  | { readonly ok: true; readonly recorded: AppBuildRecorded }
  | { readonly ok: false; readonly status: 403 | 422; readonly code: string; readonly message: string }

/** The same answer as a tool call's with stale claims: a forged or late report learns nothing about what exists. */
const claimsRejected: AppBuildOutcome = { ok: false, status: 403, code: "claims_rejected", message: "This run cannot record a build now." }

const recorded = (version: AppVersionDocument): AppBuildOutcome => ({ ok: true, recorded: { versionId: version.id, versionNumber: version.number } })

/** Why a build's source cannot be kept as a version that previews, in words the builder agent can act on; null when it can. */
export function buildSourceProblem(source: AppBuildReport["source"]): string | null {
  if ("tooLarge" in source) {
    return `The app's source is too large to keep as a version (${source.tooLarge}). Remove files the app does not need (large images, data dumps), then build again.`
  }
  if (!("dist/index.html" in source.files) && !("dist/index.html" in source.binaryFiles)) {
    return "The build wrote no dist/index.html: the app must build into dist/ (vite build's default outDir), with index.html at its top."
  }
  const leftOut = source.skipped.filter((path) => path.startsWith("dist/"))
  if (leftOut.length > 0) {
    return (
      `${leftOut.slice(0, 3).join(", ")}${leftOut.length > 3 ? ` and ${leftOut.length - 3} more` : ""} ` +
      "is over the size limit for one file, so the preview would be broken: split the bundle (dynamic import(), or build.rollupOptions.output.manualChunks) or shrink the asset, then build again."
    )
  }
  return null
}

export async function recordAppBuild(services: WebServices, report: AppBuildReport): Promise<AppBuildOutcome> {
  const turn = await claimedTurn(services, report.claims)
  if (!turn) return claimsRejected
  const { run, app } = turn
  const problem = buildSourceProblem(report.source)
  if (problem) return { ok: false, status: 422, code: "build_not_kept", message: problem }
  const source = report.source as AppSource
  const files = appFiles(source)
  const buildKey = `${run.id}:${hashFiles(files.files, files.binaryFiles, { paths: files.skipped, count: files.skippedCount })}`
  const ofApp = { appId: app.id, workspaceId: app.workspaceId }
  const retried = await services.store.collection(appVersions).findOne({ ...ofApp, buildKey })
  if (retried) return recorded(retried)

  // Null when the source is what the app holds already (a build of an unchanged app, or one with
  // nothing changed since the turn's last snapshot): the version then shares that snapshot.
  const snapshotId = (await captureSnapshot(services, app, run.id, source)) ?? app.snapshotId
  if (!snapshotId) throw new Error(`no snapshot for app ${app.id} although its source was unchanged`)
  try {
    const outcome = await recordVersion(
      services,
      app,
      {
        snapshotId,
        runId: run.id,
        requestedByUserId: run.createdByUserId,
        message: versionMessage(run.prompt),
        summary: report.summary,
        restoredFromNumber: null,
        buildKey,
      },
      { kind: "run", runId: run.id },
    )
    if ("version" in outcome) return recorded(outcome.version)
    // Refused (the run no longer holds the app): the snapshot taken for it is nobody's.
    await dropUnversionedSnapshot(services, app, snapshotId)
    return claimsRejected
  } catch (error) {
    // The same report twice at once: the other one recorded it.
    if (!(error instanceof StoreDuplicateError)) throw error
    const other = await services.store.collection(appVersions).findOne({ ...ofApp, buildKey })
    if (!other) throw error
    return recorded(other)
  }
}
