// Settles runs nobody is driving any more. A run's lease is refreshed by its worker every quarter
// of its length; when it has stayed missing for a whole lease length, either the turn ended but its report never arrived (the
// stream has the terminal event: settle from it), or the worker died mid-turn (fail the run as
// retryable and end its stream, so every watching browser sees it end). Every web process runs a
// reaper; the atomic settle makes sure each run is settled once.

import { runLeaseKey } from "#shared/runs/run-stream.ts"
import { sweepAgentRuns } from "../agents/agent-run-reaper.server.ts"
import type { WebServices } from "../services.server.ts"
import { runs, type RunDocument } from "../store/collections.server.ts"
import { readRunStream } from "./run-stream-reader.server.ts"
import { closingEvents, endingFromStream, settleRun, workerLostError } from "./run-settlement.server.ts"

/** Set when a sweep first finds a run without its lease; holds when that was (ms since epoch). */
const suspectKey = (runId: string) => `run:${runId}:lease-missing-since`

/**
 * A missing lease alone does not mean the worker died: after a Redis outage longer than the lease,
 * the key is gone until the worker's next heartbeat. So a run is reaped only when its lease has
 * been missing for a whole lease length, across sweeps.
 */
export async function leaseLostForLong(services: WebServices, runId: string): Promise<boolean> {
  const { live, config } = services
  if ((await live.getKey(runLeaseKey(runId))) !== null) {
    await live.deleteKey(suspectKey(runId))
    return false
  }
  const now = Date.now()
  if (await live.setKey(suspectKey(runId), String(now), { ttlMs: config.runLeaseMs * 3, onlyIfAbsent: true })) return false
  const since = Number(await live.getKey(suspectKey(runId)))
  return Number.isFinite(since) && now - since >= config.runLeaseMs
}

export async function reapRun(services: WebServices, run: RunDocument): Promise<boolean> {
  if (!(await leaseLostForLong(services, run.id))) return false
  const { transcript, terminal } = await readRunStream(services.live, run.id)
  if (terminal) {
    const settled = await settleRun(services, run, { ...endingFromStream(terminal, transcript), transcript, source: null })
    return settled !== null
  }
  const settled = await settleRun(services, run, {
    status: "failed",
    error: workerLostError,
    transcript: [...transcript, { kind: "error", ...workerLostError }],
    closeStreamWith: closingEvents("failed", workerLostError),
    source: null,
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
    // App agent runs ride the same leases; they may be restarted rather than failed.
    return reaped + (await sweepAgentRuns(services))
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
