// `health`: whether this web process, its store, its live coordination and the worker answer.
// Coarse states only: no versions, hosts or error text (those stay in the server log).

import { publicProcedure } from "../init.server.ts"

export type ComponentState = "ok" | "unavailable"

const settle = (check: Promise<unknown>): Promise<ComponentState> =>
  check.then(
    () => "ok" as const,
    () => "unavailable" as const,
  )

export const healthProcedure = publicProcedure.query(async ({ ctx }) => {
  const { store, live, worker } = ctx.services
  const [storeState, liveState, workerState] = await Promise.all([settle(store.ping()), settle(live.ping()), worker.health()])
  const healthy = storeState === "ok" && liveState === "ok" && workerState === "ok"
  return {
    status: healthy ? ("ok" as const) : ("degraded" as const),
    web: "ok" as const,
    store: storeState,
    live: liveState,
    worker: workerState,
  }
})
