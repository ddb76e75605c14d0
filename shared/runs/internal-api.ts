// The contracts between web and worker, one schema per request and answer: each is encoded by
// its sender and decoded by its receiver, on both sides. For builder runs, the web claims a run,
// then asks the worker to drive it in one call; the worker writes the run's stream itself (so a
// web restart does not stop a run), keeps the run's lease alive, and reports the end of the turn
// — with the app's source — to any web instance.

import { Schema } from "effect"
import { MODEL_NAME_PATTERN, RUNTIME_SESSION_ID_PATTERN } from "../runtime/cli-arguments.ts"
import { RuntimeId } from "../runtime/run-event.ts"
import { TranscriptSchema } from "./transcript.ts"

export const RUN_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

/**
 * Source files sent to a worker that lost an app's directory; paths relative to the app. Text
 * files as text (`sourceFiles`), the others base64-encoded (`sourceBinaryFiles`).
 */
export const SourceFiles = Schema.Record(Schema.String, Schema.String)
export type SourceFiles = typeof SourceFiles.Type

/** What turns a worker message request into a detached run written to the live stream. */
export const RunDelivery = Schema.Struct({
  /** How long the lease lasts without a heartbeat; the worker refreshes it at a quarter of that. */
  leaseMs: Schema.Int.check(Schema.isBetween({ minimum: 1_000, maximum: 600_000 })),
})
export type RunDelivery = typeof RunDelivery.Type

export const RunErrorInfo = Schema.Struct({
  message: Schema.String,
  code: Schema.String,
  retryable: Schema.Boolean,
})
export type RunErrorInfo = typeof RunErrorInfo.Type

/** The app's source as the worker reads it (text as text, the rest base64; files over the per-file limit named in `skipped`). */
export const AppSource = Schema.Struct({
  files: SourceFiles,
  binaryFiles: SourceFiles,
  skipped: Schema.Array(Schema.String),
})
export type AppSource = typeof AppSource.Type

/** The source is over the size limits, and why. */
export const AppSourceTooLarge = Schema.Struct({ tooLarge: Schema.String })

/** GET /sessions/:appId/files: the app's source, or why it is too large to send. */
export const AppSourceAnswer = Schema.Union([AppSource, AppSourceTooLarge])
export type AppSourceAnswer = typeof AppSourceAnswer.Type

/** POST /sessions/:appId/messages: one message to the app's agent. */
export const StartTurnRequest = Schema.Struct({
  prompt: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(200_000)),
  runtime: RuntimeId,
  runId: Schema.String.check(Schema.isPattern(RUN_ID_PATTERN)),
  /**
   * The app's workspace, bound into the run's MCP token so the web can re-check a tool call's
   * claims. Optional for callers that use no web-answered tool (tests driving the worker alone).
   */
  workspaceId: Schema.optional(Schema.NullOr(Schema.String.check(Schema.isPattern(RUN_ID_PATTERN)))),
  model: Schema.optional(Schema.NullOr(Schema.String.check(Schema.isPattern(MODEL_NAME_PATTERN)))),
  systemPrompt: Schema.optional(Schema.NullOr(Schema.String.check(Schema.isMaxLength(200_000)))),
  /** The runtime's own session to resume when the worker has none open for this runtime. */
  resumeSessionId: Schema.optional(Schema.NullOr(Schema.String.check(Schema.isPattern(RUNTIME_SESSION_ID_PATTERN)))),
  /** The prompt with the conversation so far as text, for a session that has not seen it. */
  handoffPrompt: Schema.optional(Schema.NullOr(Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(400_000)))),
  /**
   * The web holds a snapshot of the app's source. A worker that has no source for the app then
   * answers 409 source_needed instead of starting, and the web sends the snapshot.
   */
  snapshotAvailable: Schema.optional(Schema.Boolean),
  /** Present: run detached, writing the run's live stream, and answer 202 at once. Absent: stream NDJSON back. */
  delivery: Schema.optional(RunDelivery),
  sourceFiles: Schema.optional(Schema.NullOr(SourceFiles)),
  sourceBinaryFiles: Schema.optional(Schema.NullOr(SourceFiles)),
  /**
   * The person restored an earlier version: the source files REPLACE the working directory's
   * (everything but dot-entries and node_modules), where otherwise they only fill an empty one.
   */
  replaceSource: Schema.optional(Schema.Boolean),
  /**
   * The fence of the app's session lease the web routed this turn by (shared/workers/session-lease.ts).
   * A worker that last served the app under another fence (or under none, while it holds leftover
   * source) closes its session first: the app may have changed on another worker since. Then
   * `sourceFiles` REPLACE its working directory; without them it answers 409 source_needed when
   * `snapshotAvailable`, and starts clean when there is no snapshot. Absent: no lease in play.
   */
  sessionFence: Schema.optional(Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))),
})
export type StartTurnRequest = typeof StartTurnRequest.Type

/** 202 to a detached StartTurnRequest. */
export const StartTurnAccepted = Schema.Struct({ accepted: Schema.Literal(true) })

/** Every refusal the worker answers: a stable code to act on and a message for people. */
export const WorkerProblem = Schema.Struct({
  error: Schema.Struct({ code: Schema.String, message: Schema.String }),
})
export type WorkerProblem = typeof WorkerProblem.Type

/**
 * The worker's refusals to take a turn (builder or app agent) that another worker may take: 503
 * with these WorkerProblem codes, retryable. busy: it runs SECOND_WORKER_CONCURRENCY turns
 * already; draining: it is shutting down (SIGTERM) and finishes only the turns it has.
 */
export const WORKER_BUSY = "worker_busy"
export const WORKER_DRAINING = "worker_draining"
export const WorkerRefusalCode = Schema.Literals([WORKER_BUSY, WORKER_DRAINING])
export type WorkerRefusalCode = typeof WorkerRefusalCode.Type

/**
 * How a builder turn stopped by its worker's shutdown ends (the drain deadline passed): failed,
 * retryable, with this error code; the web sends the message again to another worker.
 */
export const WORKER_RESTARTING = "worker_restarting"

/** GET /health (authenticated): the worker is up, and its load. */
export const WorkerHealthReport = Schema.Struct({
  status: Schema.Literal("ok"),
  uptimeSeconds: Schema.Int,
  /** The worker's registry id (SECOND_WORKER_NAME + "-" + random, new on every start). */
  id: Schema.String,
  activeTurns: Schema.Int,
  capacity: Schema.Int,
  draining: Schema.Boolean,
})
export type WorkerHealthReport = typeof WorkerHealthReport.Type

/** GET /sessions/:appId/status. */
export const WorkerSessionStatus = Schema.Struct({
  exists: Schema.Boolean,
  busy: Schema.Boolean,
  runtime: Schema.NullOr(RuntimeId),
  /** The runtime's own session id, for resuming in a later process. */
  nativeSessionId: Schema.NullOr(Schema.String),
  lastActiveAt: Schema.NullOr(Schema.String),
  /** Whether this worker holds the app's source (false on a new worker: send the snapshot). */
  hasSource: Schema.Boolean,
})
export type WorkerSessionStatus = typeof WorkerSessionStatus.Type

/** POST /sessions/:appId/cancel[?runId=]. */
export const CancelAnswer = Schema.Struct({ cancelled: Schema.Boolean })

const ModelId = Schema.String.check(Schema.isPattern(MODEL_NAME_PATTERN))

/** A model a runtime offers: the id its CLI is given, and what a person reads. */
export const RuntimeModelOffer = Schema.Struct({
  id: ModelId,
  label: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(200)),
})
export type RuntimeModelOffer = typeof RuntimeModelOffer.Type

/**
 * The reason an installed OpenCode is unusable when it lacks `run --format json` (the only output
 * the adapter reads): one text, so `npm run doctor` can recognise it in a worker's report.
 */
export const OPENCODE_WITHOUT_JSON_REASON = "this OpenCode does not support `run --format json`; upgrade it."

/** GET /runtimes: what each runtime can do here, the models it offers, and the sandbox. */
export const RuntimesReport = Schema.Struct({
  runtimes: Schema.Array(
    Schema.Struct({
      id: RuntimeId,
      usable: Schema.Boolean,
      reason: Schema.NullOr(Schema.String),
      version: Schema.NullOr(Schema.String),
      credentialsConfigured: Schema.Boolean,
      /** Empty when the worker could not find out (then the web lets any well-formed id through). */
      models: Schema.Array(RuntimeModelOffer).check(Schema.isMaxLength(1_000)),
      /** The model used when none is picked; null: the CLI's own choice. */
      defaultModel: Schema.NullOr(ModelId),
    }),
  ),
  sandbox: Schema.Struct({ mode: Schema.Literals(["bubblewrap", "none"]), missingProtections: Schema.Array(Schema.String) }),
})
export type RuntimesReport = typeof RuntimesReport.Type

/** The worker's report at the end of a turn: POST {WEB_URL}/api/internal/runs/:runId/complete. */
export const RunCompletion = Schema.Struct({
  appId: Schema.String,
  outcome: Schema.Literals(["completed", "cancelled", "failed"]),
  /** The first error the turn reported, if any. */
  error: Schema.NullOr(RunErrorInfo),
  runtime: RuntimeId,
  /** The runtime's own session id, to resume the conversation later. */
  nativeSessionId: Schema.NullOr(Schema.String),
  /** The turn's events folded by shared/runs/transcript.ts. */
  transcript: TranscriptSchema,
  /** The app's source at the end of the turn, so settling never asks the worker again; null when it could not be read. */
  source: Schema.optional(Schema.NullOr(AppSourceAnswer)),
})
export type RunCompletion = typeof RunCompletion.Type

export const runCompletionPath = (runId: string) => `/api/internal/runs/${encodeURIComponent(runId)}/complete`
