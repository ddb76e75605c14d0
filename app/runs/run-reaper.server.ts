// Settles runs nobody is driving any more. A run's lease is refreshed by its worker every quarter
// of its length; when it has run out, either the turn ended but its report never arrived (the
// stream has the terminal event: settle from it), or the worker died mid-turn (fail the run as
// retryable and end its stream, so every watching browser sees it end). Every web process runs a
// reaper; the atomic settle makes sure each run is settled once.

import { runLeaseKey } from "#shared/runs/run-stream.ts"
import type { WebServices } from "../services.server.ts"
import { runs, type RunDocument } from "../store/collections.server.ts"
import { readRunStream } from "./run-stream-reader.server.ts"
import { closingEvents, settleRun, workerLostError } from "./run-settlement.server.ts"

const STATUS_FOR_OUTCOME = { completed: "completed", cancelled: "stopped", failed: "failed" } as const

export async function reapRun(services: WebServices, run: RunDocument): Promise<boolean> {
  if ((await services.live.getKey(runLeaseKey(run.id))) !== null) return false
  const { transcript, terminal } = await readRunStream(services.live, run.id)
  if (terminal) {
    const error = transcript.findLast((part) => part.kind === "error")
    const settled = await settleRun(services, run, {
      status: STATUS_FOR_OUTCOME[terminal.outcome],
      error: terminal.outcome === "failed" && error?.kind === "error" ? { message: error.message, code: error.code, retryable: error.retryable } : null,
      transcript,
      takeSnapshot: true,
    })
    return settled !== null
  }
  const settled = await settleRun(services, run, {
    status: "failed",
    error: workerLostError,
    transcript: [...transcript, { kind: "error", ...workerLostError }],
    closeStreamWith: closingEvents("failed", workerLostError),
    takeSnapshot: false,
  })
  return settled !== null
}

export interface RunReaper {
  /** One pass over the running runs (tests call it directly). */
  sweep(): Promise<number>
  stop(): void
}

export function startRunReaper(services: WebServices, intervalMs = Math.max(500, services.config.runLeaseMs / 4)): RunReaper {
  let sweeping: Promise<number> | null = null
  const sweep = async () => {
    const running = await services.store.collection(runs).findMany({ status: "running" }, { limit: 500 })
    let reaped = 0
    for (const run of running) {
      if (await reapRun(services, run).catch(() => false)) reaped += 1
    }
    return reaped
  }
  const tick = () => {
    if (sweeping) return
    sweeping = sweep()
      .catch((error: unknown) => {
        services.log.warn("the run reaper could not finish a pass", { error })
        return 0
      })
      .finally(() => (sweeping = null))
  }
  const timer = setInterval(tick, intervalMs)
  timer.unref()
  return { sweep, stop: () => clearInterval(timer) }
}
