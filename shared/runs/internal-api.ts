// The contracts between web and worker for builder runs. The web claims a run, then asks the
// worker to drive it; the worker writes the run's stream itself (so a web restart does not stop
// a run), keeps the run's lease alive, and reports the end of the turn to any web instance.

import { Schema } from "effect"
import { RuntimeId } from "../runtime/run-event.ts"

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
  transcript: Schema.Array(Schema.Unknown),
})
export type RunCompletion = typeof RunCompletion.Type

export const runCompletionPath = (runId: string) => `/api/internal/runs/${encodeURIComponent(runId)}/complete`
