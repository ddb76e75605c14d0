// Starts detached runs and keeps track of them, so shutting the worker down settles every run
// it was driving (their turns are cancelled by Sessions, and each run still reports its end).

import { Context, Effect, Layer } from "effect"
import { runCompletionPath, type RunCompletion } from "#shared/runs/internal-api.ts"
import { WorkerConfig } from "../config/WorkerConfig.ts"
import { driveRun, type DetachedRun } from "./drive-run.ts"
import { RunLive } from "./RunLive.ts"

/** How long shutdown waits for runs to write their last events and report. */
const SHUTDOWN_GRACE_MS = 3_000

export class RunDriver extends Context.Service<
  RunDriver,
  {
    /** False when this worker has nowhere to write run streams (no REDIS_URL outside the embedded process). */
    readonly available: boolean
    readonly start: (run: DetachedRun) => Effect.Effect<void>
  }
>()("worker/RunDriver") {
  static readonly layer = Layer.effect(
    RunDriver,
    Effect.gen(function* () {
      const config = yield* WorkerConfig
      const { live } = yield* RunLive
      const inFlight = new Map<Promise<void>, () => void>()

      const report = async (runId: string, completion: RunCompletion) => {
        const response = await fetch(new URL(runCompletionPath(runId), config.webUrl), {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(config.internalApiToken ? { authorization: `Bearer ${config.internalApiToken.reveal()}` } : {}),
          },
          body: JSON.stringify(completion),
          signal: AbortSignal.timeout(15_000),
        })
        // 409: the run was already settled (stopped, or failed by the reaper); nothing to retry.
        if (response.ok || response.status === 409 || response.status === 404) return
        throw new Error(`the web answered ${response.status}`)
      }

      yield* Effect.addFinalizer(() =>
        Effect.promise(() => {
          for (const cancel of inFlight.values()) cancel()
          const settled = Promise.allSettled([...inFlight.keys()])
          return Promise.race([settled, new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref())])
        }),
      )

      return RunDriver.of({
        available: live !== null,
        start: (run) =>
          Effect.sync(() => {
            if (!live) throw new Error("RunDriver.start without a live port")
            const driving = driveRun({
              live,
              ...run,
              report: (completion) => report(run.runId, completion),
              warn: (message) => console.warn(message),
            }).finally(() => inFlight.delete(driving))
            inFlight.set(driving, run.cancel)
          }),
      })
    }),
  )
}
