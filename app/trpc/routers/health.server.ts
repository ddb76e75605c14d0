// `health`: whether this web process, its store, its live coordination and the worker answer, and
// whether the worker can run any agent at all (a worker that answers but has no usable runtime
// cannot build anything). Coarse states only: no versions, hosts, paths or error text (those
// stay in the server log and, for members, on the Apps page).

import { publicProcedure } from "../init.server.ts"

export type ComponentState = "ok" | "unavailable"
/** "no-runtime": the worker answers, but none of its runtimes can be used (no CLI or no provider key). */
export type WorkerState = "ok" | "unreachable" | "unauthorized" | "no-runtime"

const settle = (check: Promise<unknown>): Promise<ComponentState> =>
  check.then(
    () => "ok" as const,
    () => "unavailable" as const,
  )

async function runtimeState(worker: { runtimes(): Promise<readonly { usable: boolean }[]> }): Promise<WorkerState> {
  const runtimes = await worker.runtimes().catch(() => null)
  if (runtimes === null) return "unreachable"
  return runtimes.some((runtime) => runtime.usable) ? "ok" : "no-runtime"
}

export const healthProcedure = publicProcedure.query(async ({ ctx }) => {
  const { store, live, worker } = ctx.services
  const [storeState, liveState, workerAnswer] = await Promise.all([settle(store.ping()), settle(live.ping()), worker.health()])
  const workerState: WorkerState = workerAnswer === "ok" ? await runtimeState(worker) : workerAnswer
  const healthy = storeState === "ok" && liveState === "ok" && workerState === "ok"
  return {
    status: healthy ? ("ok" as const) : ("degraded" as const),
    web: "ok" as const,
    store: storeState,
    live: liveState,
    worker: workerState,
  }
})
