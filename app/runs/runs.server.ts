// Builder runs: each message to an app's builder is one run (one agent turn). Sending claims the
// app atomically (a double click or a second tab gets "already running", never a second turn),
// prepares the worker's session (resume, hand-over, or restore from the last snapshot), and asks
// the worker to drive the turn; the worker writes the run's live stream and reports the end.

import { newId } from "#shared/ids.ts"
import { runLeaseKey, runStreamHasEnded } from "#shared/runs/run-stream.ts"
import type { RunErrorInfo } from "#shared/runs/internal-api.ts"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { appAudience, canBuildApp, requireBuildableApp } from "../apps/app-access.server.ts"
import { loadSnapshot } from "../apps/snapshots.server.ts"
import { clearSourceReplacement, pendingSourceReplacement, restoredNote } from "../apps/version-restore.server.ts"
import { AppError, notFound } from "../errors.server.ts"
import { publishWorkspaceEvent } from "../events/workspace-events.server.ts"
import type { WebServices } from "../services.server.ts"
import { apps, runs, type AppDocument, type RunApproval, type RunDocument } from "../store/collections.server.ts"
import { WorkerUnavailableError, type StartRunRequest, type StartRunResult } from "../worker-client/worker-client.server.ts"
import { nowIso, type WorkspaceScope } from "../workspaces/scope.server.ts"
import { findWorkspaceMembership } from "../workspaces/workspaces.server.ts"
import type { RunBuild } from "./build-outcome.ts"
import { BUILDER_SYSTEM_PROMPT } from "./builder-system-prompt.server.ts"
import { HANDOFF_TURNS, withHandoff } from "./conversation-handoff.server.ts"
import { readRunStream } from "./run-stream-reader.server.ts"
import { RUNS_PAGE } from "./run-pages.ts"
import { closingEvents, endingFromStream, settleRun } from "./run-settlement.server.ts"

export interface SendInput {
  readonly prompt: string
  /** Defaults to the app's last runtime and model. */
  readonly runtime?: RuntimeId | undefined
  readonly model?: string | null | undefined
}

const busy = () =>
  new AppError("CONFLICT", "This app's agent is already working on a message. Wait for it to finish, or stop it first.")

/** How long a send waits for a run whose stream has ended but whose end is still being recorded. */
const SETTLING_WAIT_MS = 3_000

/** How long a claim may outlive its run before another send takes it over (longer than settling takes). */
const STALE_CLAIM_MS = 60_000

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Whether the app's claim is held by a run that is no longer being settled (a crash cut it short). */
async function isStaleClaim(services: WebServices, app: AppDocument, holderId: string): Promise<boolean> {
  const holder = await services.store.collection(runs).findOne({ id: holderId, workspaceId: app.workspaceId })
  const now = Date.now()
  // No run yet: its sender may still be inserting it, so only an old claim counts as abandoned.
  if (!holder) return now - Date.parse(app.updatedAt) > STALE_CLAIM_MS
  return holder.status !== "running" && holder.endedAt !== null && now - Date.parse(holder.endedAt) > STALE_CLAIM_MS
}

async function claimApp(services: WebServices, app: AppDocument, runId: string, changes: Pick<AppDocument, "runtime" | "model">) {
  const claim = () =>
    services.store
      .collection(apps)
      .updateOne(
        { id: app.id, workspaceId: app.workspaceId, activeRunId: null, deleting: null },
        { activeRunId: runId, ...changes, updatedAt: nowIso() },
      )
  const deadline = Date.now() + SETTLING_WAIT_MS
  for (;;) {
    const claimed = await claim()
    if (claimed) return claimed
    const current = await services.store.collection(apps).findOne({ id: app.id, workspaceId: app.workspaceId })
    if (!current || current.deleting) throw notFound("App")
    if (Date.now() > deadline) return null
    if (!current.activeRunId) continue
    if (await isStaleClaim(services, current, current.activeRunId)) {
      await services.store.collection(apps).updateOne({ id: app.id, workspaceId: app.workspaceId, activeRunId: current.activeRunId }, { activeRunId: null })
      continue
    }
    // The previous turn may have just ended: its end is recorded within moments, so wait for
    // that rather than tell the person the agent is busy when it visibly is not.
    if (!(await runStreamHasEnded(services.live, current.activeRunId))) return null
    await pause(100)
  }
}

export async function sendMessage(services: WebServices, scope: WorkspaceScope, appId: string, input: SendInput, retryOf: string | null = null) {
  const app = await requireBuildableApp(services, scope, appId)
  const runtime = input.runtime ?? app.runtime
  const model = input.model !== undefined ? input.model : app.runtime === runtime ? app.model : null
  const runId = newId()
  // The lease exists before the run does, so the reaper never sees this run without one.
  await services.live.setKey(runLeaseKey(runId), "web", { ttlMs: services.config.runLeaseMs })
  const claimed = await claimApp(services, app, runId, { runtime, model })
  if (!claimed) {
    await services.live.deleteKey(runLeaseKey(runId))
    throw busy()
  }
  const run: RunDocument = {
    id: runId,
    workspaceId: app.workspaceId,
    appId: app.id,
    createdByUserId: scope.user.id,
    prompt: input.prompt,
    runtime,
    model,
    status: "running",
    error: null,
    transcript: [],
    retryOf,
    createdAt: nowIso(),
    endedAt: null,
  }
  try {
    await services.store.collection(runs).insert(run)
  } catch (error) {
    await services.store.collection(apps).updateOne({ id: app.id, workspaceId: app.workspaceId, activeRunId: runId }, { activeRunId: null })
    throw error
  }
  void publishWorkspaceEvent(services.live, app.workspaceId, { type: "run.started", appId: app.id, runId }, appAudience(app), services.log)

  const result = await startOnWorker(services, claimed, run).catch((error: unknown): StartRunResult => {
    if (error instanceof WorkerUnavailableError) return { started: false, code: "worker_unavailable", message: error.message, retryable: true }
    services.log.error("could not start a run", { runId, error })
    return { started: false, code: "start_failed", message: "The run could not be started.", retryable: true }
  })
  if (result.started) {
    // Deleted while the worker was being asked: make sure nothing of it stays on the worker.
    const current = await services.store.collection(apps).findOne({ id: app.id, workspaceId: app.workspaceId })
    if (!current || current.deleting) await services.worker.destroy(app.id).catch(() => undefined)
  } else {
    // The worker may have taken the turn after all (the answer timed out): stop it first.
    if (result.code === "worker_unavailable") await services.worker.cancel(app.id, runId).catch(() => undefined)
    const failure: RunErrorInfo = { message: result.message, code: result.code, retryable: result.retryable }
    await settleRun(services, run, {
      status: "failed",
      error: failure,
      transcript: [{ kind: "error", ...failure }],
      closeStreamWith: closingEvents("failed", failure),
      source: null,
    })
  }
  return toRunView((await services.store.collection(runs).findOne({ id: runId, workspaceId: app.workspaceId })) ?? run)
}

/** A conversation's order, newest first: by creation, then id for runs of the same millisecond. */
export const NEWEST_FIRST = [["createdAt", -1], ["id", -1]] as const

/**
 * Asks the worker to drive the run, in one call. The worker continues its open session when it
 * has one for the runtime; otherwise it resumes the runtime's own session when that has seen the
 * whole conversation, or starts one handed the conversation as text. A worker without the app's
 * source answers `source_needed` and gets the snapshot (and the handover) in a second call.
 */
async function startOnWorker(services: WebServices, app: AppDocument, run: RunDocument): Promise<StartRunResult> {
  const appRuns = services.store.collection(runs)
  const scopeOfApp = { appId: app.id, workspaceId: app.workspaceId }
  // Only the previous run decides whether the runtime's own session has seen everything; two
  // runs of the same millisecond are told apart by id, as everywhere else in the conversation.
  const last = (await appRuns.findMany(scopeOfApp, { sort: NEWEST_FIRST, limit: 2 })).find((other) => other.id !== run.id)
  const native = app.runtimeSessions[run.runtime]
  const resumable = native !== undefined && native.throughRunId === last?.id
  // After a restore, the worker's files are replaced with the restored ones, and the agent is told.
  const replacement = await pendingSourceReplacement(services, app)
  const turnPrompt = replacement ? `${restoredNote(replacement.restoredFromNumber)}\n\n${run.prompt}` : run.prompt
  // The conversation is read only when it has to be handed over, and only its newest turns: the
  // handover keeps the last HANDOFF_TURNS at most, and the agent has the files for the rest.
  const handoff = async () => {
    const newest = await appRuns.findMany(scopeOfApp, { sort: NEWEST_FIRST, limit: HANDOFF_TURNS + 1 })
    const prompt = withHandoff(turnPrompt, newest.reverse().filter((other) => other.id !== run.id && other.status !== "running"))
    return prompt === turnPrompt ? null : prompt
  }
  const request: StartRunRequest = {
    prompt: turnPrompt,
    runtime: run.runtime,
    model: run.model,
    runId: run.id,
    // Bound into the run's tool token, so the web can re-check each tool call against this run.
    workspaceId: app.workspaceId,
    systemPrompt: BUILDER_SYSTEM_PROMPT,
    resumeSessionId: resumable ? native.sessionId : null,
    handoffPrompt: resumable ? null : await handoff(),
    snapshotAvailable: app.snapshotId !== null,
    delivery: { leaseMs: services.config.runLeaseMs },
    ...(replacement
      ? { replaceSource: true, sourceFiles: replacement.snapshot.files, sourceBinaryFiles: replacement.snapshot.binaryFiles ?? null }
      : {}),
  }
  const started = await services.worker.startRun(app.id, request)
  if (started.started && replacement) await clearSourceReplacement(services, app, replacement.versionNumber)
  if (started.started || started.code !== "source_needed") return started
  // A new worker, or one that lost the app: it gets the source, and the conversation as text.
  const snapshot = await loadSnapshot(services, app)
  return services.worker.startRun(app.id, {
    ...request,
    resumeSessionId: null,
    handoffPrompt: await handoff(),
    snapshotAvailable: false,
    sourceFiles: snapshot ? snapshot.files : null,
    sourceBinaryFiles: snapshot?.binaryFiles ?? null,
  })
}

export async function requireVisibleRun(services: WebServices, scope: WorkspaceScope, runId: string): Promise<RunDocument> {
  const run = await services.store.collection(runs).findOne({ id: runId, workspaceId: scope.workspace.id })
  if (!run) throw notFound("Run")
  await requireBuildableApp(services, scope, run.appId).catch(() => {
    throw notFound("Run")
  })
  return run
}

/** How long a stop waits for the worker to confirm before ending the run itself. */
const STOP_CONFIRM_MS = 1_500

export async function stopRun(services: WebServices, scope: WorkspaceScope, runId: string) {
  const run = await requireVisibleRun(services, scope, runId)
  if (run.status !== "running") return toRunView(run)
  const cancelled = await services.worker.cancel(run.appId, run.id).then(
    (answer) => answer.cancelled,
    () => false,
  )
  if (cancelled) {
    const deadline = Date.now() + STOP_CONFIRM_MS
    while (Date.now() < deadline) {
      const current = await services.store.collection(runs).findOne({ id: run.id, workspaceId: run.workspaceId })
      if (current && current.status !== "running") return toRunView(current)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  const { transcript, terminal } = await readRunStream(services.live, run.id)
  // The turn may have ended on its own just before the stop: record how it really ended.
  await settleRun(services, run, {
    ...(terminal ? endingFromStream(terminal, transcript) : { status: "stopped" as const, error: null, closeStreamWith: closingEvents("stopped", null) }),
    transcript,
    // The worker did not confirm in time; its own report, if it comes, finds the run settled.
    source: null,
  })
  return toRunView((await services.store.collection(runs).findOne({ id: run.id, workspaceId: run.workspaceId })) ?? run)
}

export async function retryRun(services: WebServices, scope: WorkspaceScope, runId: string) {
  const run = await requireVisibleRun(services, scope, runId)
  if (run.status !== "failed" || !run.error?.retryable) {
    throw new AppError("BAD_REQUEST", "Only a run that failed with a retryable error can be retried; send a new message instead.")
  }
  return sendMessage(services, scope, run.appId, { prompt: run.prompt, runtime: run.runtime, model: run.model }, run.id)
}

export interface RunView {
  readonly id: string
  readonly appId: string
  readonly createdByUserId: string
  readonly prompt: string
  readonly runtime: RuntimeId
  readonly model: string | null
  readonly status: RunDocument["status"]
  readonly error: RunErrorInfo | null
  readonly transcript: RunDocument["transcript"]
  readonly retryOf: string | null
  readonly createdAt: string
  readonly endedAt: string | null
  /** "built" (with done_building's summary), "incomplete" (files changed, never built), or null. */
  readonly build: RunBuild | null
  /** Who approved the plan this run ended with, when, and the run that builds it; null until approved. */
  readonly approval: RunApproval | null
}

export const toRunView = (run: RunDocument): RunView => ({
  id: run.id,
  appId: run.appId,
  createdByUserId: run.createdByUserId,
  prompt: run.prompt,
  runtime: run.runtime,
  model: run.model,
  status: run.status,
  error: run.error,
  transcript: run.transcript,
  retryOf: run.retryOf,
  createdAt: run.createdAt,
  endedAt: run.endedAt,
  build: run.build ?? null,
  approval: run.approval ?? null,
})

export interface RunList {
  /** The latest runs, oldest first (the order of the conversation). */
  readonly runs: RunView[]
  /** Whether the app has older runs than these. */
  readonly hasEarlier: boolean
}

export interface ListRunsOptions {
  /** How many runs (default RUNS_PAGE.size). */
  readonly limit?: number
  /** A run of the app: list the runs before it (the next page back), instead of the latest. */
  readonly before?: string
}

/**
 * The app's latest runs, or those before a given one: a long conversation is read a page at a
 * time, transcripts and all. The order is (createdAt, id), so runs created in the same
 * millisecond still page without loss or repeats.
 */
export async function listRuns(services: WebServices, scope: WorkspaceScope, appId: string, options: ListRunsOptions = {}): Promise<RunList> {
  const app = await requireBuildableApp(services, scope, appId)
  const limit = options.limit ?? RUNS_PAGE.size
  const appRuns = services.store.collection(runs)
  const ofApp = { appId: app.id, workspaceId: app.workspaceId }
  const newestFirst = { sort: NEWEST_FIRST, limit: limit + 1 }
  let page: RunDocument[]
  if (options.before === undefined) {
    page = await appRuns.findMany(ofApp, newestFirst)
  } else {
    const anchor = await appRuns.findOne({ ...ofApp, id: options.before })
    if (!anchor) throw new AppError("BAD_REQUEST", "`before` names no run of this app: pass the id of a run runs.list returned.")
    const [sameMoment, older] = await Promise.all([
      appRuns.findMany({ ...ofApp, createdAt: anchor.createdAt, id: { lt: anchor.id } }, newestFirst),
      appRuns.findMany({ ...ofApp, createdAt: { lt: anchor.createdAt } }, newestFirst),
    ])
    page = [...sameMoment, ...older].slice(0, limit + 1)
  }
  return { runs: page.slice(0, limit).reverse().map(toRunView), hasEarlier: page.length > limit }
}

/** The run, if the user may see its app (member of its workspace and the app visible to them). */
export async function findRunForUser(services: WebServices, user: WorkspaceScope["user"], runId: string): Promise<RunDocument | null> {
  const run = await services.store.collection(runs).findOne({ id: runId })
  if (!run) return null
  const found = await findWorkspaceMembership(services, run.workspaceId, user.id)
  if (!found) return null
  const app = await services.store.collection(apps).findOne({ id: run.appId, workspaceId: run.workspaceId })
  return app && canBuildApp(app, { user, membership: found.membership }) ? run : null
}
