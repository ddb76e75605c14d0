// Starts detached runs and keeps their fibers, so shutting the worker down settles every run it
// was driving: their turns are interrupted, and each run still writes its last events and
// reports its end, within a deadline.

import { Duration, Effect, Fiber, FiberSet, Layer, Context, Schema } from "effect"
import { RunCompletion, runCompletionPath } from "#shared/runs/internal-api.ts"
import { WorkerConfig } from "../config/WorkerConfig.ts"
import { postToWeb } from "../http/post-to-web.ts"
import { readAppSource } from "../http/app-files.ts"
import { makeTurnTrace } from "../perf/TurnTrace.ts"
import { appWorkdir } from "../sandbox/app-directories.ts"
import { driveRun, RunReportError, type DetachedRun } from "./drive-run.ts"
import { RunLive } from "./RunLive.ts"

/**
 * How long shutdown waits for runs to write their last events and report: longer than stopping a
 * turn can take (Codex's interrupt 1.5 s, then SIGTERM's grace 1.5 s and SIGKILL's wait 2 s).
 */
const SHUTDOWN_GRACE = Duration.seconds(6)
/** How long one report may take before it is tried again. */
const REPORT_TIMEOUT = Duration.seconds(15)

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
      const runs = yield* FiberSet.make<void>()
      const cancels = new Map<Fiber.Fiber<void>, Effect.Effect<void>>()
      const encodeCompletion = Schema.encodeSync(RunCompletion)

      const report = (runId: string, completion: RunCompletion) =>
        Effect.try({
          try: () => JSON.stringify(encodeCompletion(completion)),
          catch: () => new RunReportError({ reason: "the report does not match its schema", permanent: true }),
        }).pipe(
          Effect.flatMap((body) =>
            Effect.tryPromise({
              try: (signal) => postToWeb(config, new URL(runCompletionPath(runId), config.webUrl), body, signal),
              catch: () => new RunReportError({ reason: "the web was unreachable", permanent: false }),
            }),
          ),
          Effect.timeoutOrElse({ duration: REPORT_TIMEOUT, orElse: () => Effect.fail(new RunReportError({ reason: "no answer in time", permanent: false })) }),
          Effect.flatMap((response) =>
            // 409: the run was already settled (stopped, or failed by the reaper); nothing to retry.
            response.ok || response.status === 409 || response.status === 404
              ? Effect.void
              : Effect.fail(new RunReportError({ reason: `the web answered ${response.status}`, permanent: false })),
          ),
        )

      // Shutdown: stop every turn, give the runs a moment to write their ends and report, then
      // the set's own scope interrupts whatever is left.
      yield* Effect.addFinalizer(() =>
        Effect.gen(function* () {
          yield* Effect.forEach([...cancels.values()], (cancel) => cancel, { discard: true })
          yield* FiberSet.awaitEmpty(runs).pipe(Effect.timeoutOption(SHUTDOWN_GRACE))
        }),
      )

      // Read once the turn is over, so settling the run never has to ask this worker again.
      const readSource = (appId: string) =>
        Effect.try({
          try: () => readAppSource(appWorkdir(config.workspacesDir, appId)),
          catch: (error) => error,
        }).pipe(
          Effect.catch(() => Effect.as(Effect.logWarning(`app ${appId}: could not read its source for the run's report`), null)),
        )

      return RunDriver.of({
        available: live !== null,
        start: (run) =>
          Effect.gen(function* () {
            if (!live) return yield* Effect.die(new Error("RunDriver.start without a live port"))
            // SECOND_PERF_TRACE=1: a line per phase of the turn (see worker/src/perf/TurnTrace.ts).
            const trace = config.perfTrace ? yield* makeTurnTrace(run) : null
            const fiber = yield* FiberSet.run(
              runs,
              driveRun({
                live,
                ...run,
                events: trace ? trace.observe(run.events) : run.events,
                report: (completion) => report(run.runId, completion),
                warn: (message) => Effect.logWarning(message),
                ...(run.reportsSource === false ? {} : { readSource: readSource(run.appId) }),
              }).pipe(Effect.ensuring(trace ? trace.settled : Effect.void)),
            )
            cancels.set(fiber, run.cancel)
            fiber.addObserver(() => cancels.delete(fiber))
          }),
      })
    }),
  )
}
