// The worker's end-of-turn report (POST /api/internal/runs/:runId/complete): the turn's outcome,
// its folded transcript and the runtime's session id. Any web instance may receive it.

import type { RunCompletion } from "#shared/runs/internal-api.ts"
import type { WebServices } from "../services.server.ts"
import { runs } from "../store/collections.server.ts"
import { closingEvents, settleRun, STATUS_FOR_OUTCOME } from "./run-settlement.server.ts"

export type CompletionResult = "settled" | "already-settled" | "unknown-run"

export async function completeRun(services: WebServices, runId: string, completion: RunCompletion): Promise<CompletionResult> {
  const run = await services.store.collection(runs).findOne({ id: runId })
  if (!run || run.appId !== completion.appId) return "unknown-run"
  if (run.status !== "running") return "already-settled"
  const status = STATUS_FOR_OUTCOME[completion.outcome]
  const error = completion.outcome === "failed" ? completion.error : null
  const settled = await settleRun(services, run, {
    status,
    error,
    // The worker ends the stream itself; when it could not (its store was unreachable for a
    // while), this ends it for whoever watches. A stream that has ended is left alone.
    closeStreamWith: closingEvents(status, error),
    // Folded by the worker with shared/runs/transcript.ts, and decoded by its schema on arrival.
    transcript: completion.transcript,
    nativeSessionId: completion.nativeSessionId,
    source: completion.source ?? null,
  })
  return settled ? "settled" : "already-settled"
}
