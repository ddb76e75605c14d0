// Ending a run, whoever notices the end first: the worker's report, a stop that the worker did
// not confirm in time, or the reaper finding a run whose worker stopped heartbeating. The run's
// status changes only from "running", in one atomic update, so exactly one of them settles it;
// only that one appends to the stream, takes the source snapshot, releases the app, and last of
// all tells the stream's watchers (run.settled) that the run as stored is final.

import type { AppSourceAnswer, RunErrorInfo } from "#shared/runs/internal-api.ts"
import { closeOpenToolCalls, type Transcript } from "#shared/runs/transcript.ts"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import { clearChangedDraftApprovalQuietly } from "../agents/approvals.server.ts"
import { appAudience } from "../apps/app-access.server.ts"
import { captureSnapshot } from "../apps/snapshots.server.ts"
import { dropUnversionedSnapshot } from "../apps/versions.server.ts"
import { publishWorkspaceEvent } from "../events/workspace-events.server.ts"
import type { WebServices } from "../services.server.ts"
import { apps, runs, type AppDocument, type RunDocument, type RunStatus } from "../store/collections.server.ts"
import { recordRunUsage } from "../usage/record-usage.server.ts"
import { nowIso } from "../workspaces/scope.server.ts"
import { buildOutcome } from "./build-outcome.ts"
import { endRunStream, markRunSettled } from "./run-stream-reader.server.ts"

export interface RunEnding {
  readonly status: Exclude<RunStatus, "running">
  readonly error: RunErrorInfo | null
  readonly transcript: Transcript
  /** The runtime's session id reported by the worker, to resume the conversation next turn. */
  readonly nativeSessionId?: string | null
  /** Events to end the stream with, unless it has ended (the worker is gone, did not stop, or could not write). */
  readonly closeStreamWith?: readonly RunEvent[]
  /** The app's source as the worker reported it with the turn's end; null keeps the app's current snapshot. */
  readonly source: AppSourceAnswer | null
}

/** How a turn's terminal outcome maps onto the run's status. */
export const STATUS_FOR_OUTCOME = { completed: "completed", cancelled: "stopped", failed: "failed" } as const

/**
 * How a run ends when its stream already holds the terminal event: its outcome, and for a failed
 * turn the last error it reported.
 */
export function endingFromStream(terminal: Extract<RunEvent, { type: "turn.completed" }>, transcript: Transcript) {
  const status = STATUS_FOR_OUTCOME[terminal.outcome]
  const error = transcript.findLast((part) => part.kind === "error")
  return {
    status,
    error: status === "failed" && error?.kind === "error" ? { message: error.message, code: error.code, retryable: error.retryable } : null,
  }
}

const EVENT_FOR_STATUS = { completed: "run.completed", failed: "run.failed", stopped: "run.stopped" } as const

/** Settles the run once; returns null when something else already had. */
export async function settleRun(services: WebServices, run: RunDocument, ending: RunEnding): Promise<RunDocument | null> {
  // A stream cut short (stopped, reaped) was folded without the turn's end: no tool call of it
  // may stay "running" in the stored transcript.
  const transcript = closeOpenToolCalls(ending.transcript, ending.status === "failed" ? "failed" : "stopped")
  const settled = await services.store
    .collection(runs)
    .updateOne(
      { id: run.id, workspaceId: run.workspaceId, status: "running" },
      { status: ending.status, error: ending.error, transcript, endedAt: nowIso(), build: buildOutcome(ending.status, transcript) },
    )
  if (!settled) return null
  // Before run.settled, so whoever reads the settled run finds its usage counted.
  await recordRunUsage(services, {
    runKind: "builder",
    runId: run.id,
    workspaceId: run.workspaceId,
    appId: run.appId,
    userId: run.createdByUserId,
    runtime: run.runtime,
    model: run.model,
    endedAt: settled.endedAt ?? nowIso(),
    transcript,
  })

  if (ending.closeStreamWith) {
    await endRunStream(services.live, run.id, ending.closeStreamWith).catch((error: unknown) =>
      services.log.warn("could not end the run's stream", { runId: run.id, error }),
    )
  }
  try {
    await recordTurnOnApp(services, run, ending)
  } finally {
    // Watchers reload the run once on this, so it comes after everything they would read.
    await markRunSettled(services.live, run.id, ending.status).catch((error: unknown) =>
      services.log.warn("could not mark the run's stream settled", { runId: run.id, error }),
    )
  }
  return settled
}

/** Stores what the turn left on its app (snapshot, runtime session), releases it and tells the workspace. */
async function recordTurnOnApp(services: WebServices, run: RunDocument, ending: RunEnding): Promise<void> {
  const app = await services.store.collection(apps).findOne({ id: run.appId, workspaceId: run.workspaceId })
  if (!app) return

  // Read by the worker once the turn was over, before it reported: no later turn had changed them.
  const snapshotId = ending.source
    ? await captureSnapshot(services, app, run.id, ending.source).catch((error: unknown) => {
        services.log.warn("could not store the app's source snapshot", { appId: app.id, error })
        return null
      })
    : null
  const runtimeSessions =
    ending.nativeSessionId && ending.status !== "failed"
      ? { ...app.runtimeSessions, [run.runtime]: { sessionId: ending.nativeSessionId, throughRunId: run.id } }
      : app.runtimeSessions
  // What this turn produced is recorded whoever holds the app now; the claim is released only if
  // it is still this run's.
  const recorded = await services.store
    .collection(apps)
    .updateOne({ id: app.id, workspaceId: app.workspaceId }, { runtimeSessions, updatedAt: nowIso(), ...(snapshotId ? { snapshotId } : {}) })
  await services.store.collection(apps).updateOne({ id: app.id, workspaceId: app.workspaceId, activeRunId: run.id }, { activeRunId: null })
  if (snapshotId && recorded && app.snapshotId && app.snapshotId !== snapshotId) await dropSnapshot(services, app, app.snapshotId)
  // Whether or not this settlement kept a new snapshot (a build during the turn may have): an
  // approval of agents.json the turn changed stops counting here, visibly.
  if (recorded) await clearChangedDraftApprovalQuietly(services, app, { kind: "run", runId: run.id, actorUserId: run.createdByUserId })
  void publishWorkspaceEvent(
    services.live,
    run.workspaceId,
    { type: EVENT_FOR_STATUS[ending.status], appId: run.appId, runId: run.id },
    appAudience(app),
    services.log,
  )
}

// A version's snapshot stays as long as the version does (app/apps/versions.server.ts).
const dropSnapshot = (services: WebServices, app: AppDocument, snapshotId: string) => dropUnversionedSnapshot(services, app, snapshotId)

export const workerLostError: RunErrorInfo = {
  message: "The agent's worker stopped responding (it may have restarted). Send the message again to continue.",
  code: "worker_lost",
  retryable: true,
}

/** The stream's closing events when the web ends a run in the worker's place. */
export function closingEvents(status: RunEnding["status"], error: RunErrorInfo | null): RunEvent[] {
  const outcome = status === "stopped" ? "cancelled" : status
  return [...(error ? [{ type: "error" as const, ...error }] : []), { type: "turn.completed", outcome }]
}
