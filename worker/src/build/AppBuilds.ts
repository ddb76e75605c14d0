// AppBuilds: the build behind done_building. In the app's directory, inside the same sandbox as
// the runtimes but without network, it checks the app asks for no package the template lacks,
// then runs vite build and the typecheck side by side, each under the time limit, and requires
// dist/index.html. A build that passes is reported to the web, which keeps it as the app's next
// version. Its run sees it all as events: build.started, build.output as the steps print, and
// exactly one build.finished however it ends (passed, failed, timed out, interrupted). One build
// per app at a time: a second call waits for the first.

import { randomUUID } from "node:crypto"
import { existsSync, rmSync } from "node:fs"
import { dirname, join } from "node:path"
import { Clock, Context, Effect, Exit, Layer, Semaphore } from "effect"
import type { BuildProblem, RuntimeId } from "#shared/runtime/run-event.ts"
import { WorkerConfig } from "../config/WorkerConfig.ts"
import { readAppSource } from "../http/app-files.ts"
import { appWorkdir } from "../sandbox/app-directories.ts"
import { SandboxEnv } from "../sandbox/SandboxEnv.ts"
import { dependencyProblems } from "./build-dependencies.ts"
import { typecheckProblems, unrecognizedFailure, viteProblems } from "./build-problems.ts"
import { buildDirectories, runBuildStep, stepCommand, type StepName, type StepResult } from "./build-step.ts"
import { BuildProgress, type BuildEvent } from "./BuildProgress.ts"
import { recordBuild, type RecordOutcome } from "./record-build.ts"
import { linkNodeModules } from "./scaffold.ts"

export interface BuildRequest {
  readonly appId: string
  readonly runId: string
  /** Null for a run started without a workspace: the build runs, but the web cannot record it. */
  readonly workspaceId: string | null
  readonly runtime: RuntimeId
  /** done_building's summary of what changed. */
  readonly summary: string
}

/** How a build ended: what its build.finished event said. */
export type BuildOutcome = Omit<Extract<BuildEvent, { type: "build.finished" }>, "type">

const STEP_NAMES: { readonly [K in StepName]: string } = { build: "vite build", typecheck: "The typecheck (tsc --noEmit)" }

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

/** What a finished step found wrong. */
function stepProblems(result: StepResult, workdir: string, timeoutMs: number): BuildProblem[] {
  if (result.outcome === "passed") return []
  if (result.outcome === "timed_out") return [unrecognizedFailure(result.step, [], `${STEP_NAMES[result.step]} took longer than ${seconds(timeoutMs)} and was stopped.`)]
  const parsed = result.step === "build" ? viteProblems(result.lines, workdir) : typecheckProblems(result.lines, workdir)
  return parsed.length > 0 ? parsed : [unrecognizedFailure(result.step, result.lines, `${STEP_NAMES[result.step]} failed without saying why.`)]
}

function failureMessage(problems: readonly BuildProblem[]): string {
  const first = problems[0]
  if (problems.length === 1 && first && first.file === null) return `The build failed: ${first.message}`
  return `The build failed with ${problems.length} problem${problems.length === 1 ? "" : "s"}.`
}

export class AppBuilds extends Context.Service<
  AppBuilds,
  {
    /** Builds the app for the run, publishing its events to the run; never fails: the outcome says what happened. */
    readonly build: (request: BuildRequest) => Effect.Effect<BuildOutcome>
  }
>()("worker/AppBuilds") {
  static readonly layer = Layer.effect(
    AppBuilds,
    Effect.gen(function* () {
      const config = yield* WorkerConfig
      const sandbox = yield* SandboxEnv
      const progress = yield* BuildProgress
      const locks = new Map<string, Semaphore.Semaphore>()
      const lockFor = (appId: string) => {
        const existing = locks.get(appId)
        if (existing) return existing
        const created = Semaphore.makeUnsafe(1)
        locks.set(appId, created)
        return created
      }

      const runStep = (request: BuildRequest, workdir: string, buildId: string, step: StepName) =>
        Effect.gen(function* () {
          const dirs = yield* Effect.sync(() => buildDirectories(config.workspacesDir, workdir, request.appId))
          const spec = sandbox.command({
            dirs,
            ...stepCommand(process.execPath, step),
            variables: {},
            installation: [dirname(process.execPath)],
            offline: true,
          })
          return yield* runBuildStep({
            step,
            spec,
            timeoutMs: config.buildTimeoutMs,
            onOutput: (text) => progress.publish(request.runId, { type: "build.output", buildId, step, text }),
          })
        }).pipe(
          Effect.catchTag("ProcessStartError", (error) =>
            Effect.succeed<StepResult>({ step, outcome: "failed", lines: [`${STEP_NAMES[step]} could not start: ${error.reason}`] }),
          ),
        )

      /** The problems of both steps, run side by side (none when the app built and typechecked), and a step that ran out of time. */
      const compile = (request: BuildRequest, workdir: string, buildId: string) =>
        Effect.gen(function* () {
          // A stale dist/ must not pass for this build's output.
          yield* Effect.sync(() => rmSync(join(workdir, "dist"), { recursive: true, force: true }))
          const results = yield* Effect.all(
            [runStep(request, workdir, buildId, "build"), runStep(request, workdir, buildId, "typecheck")],
            { concurrency: "unbounded" },
          )
          const problems = results.flatMap((result) => stepProblems(result, workdir, config.buildTimeoutMs))
          const built = results[0].outcome === "passed"
          if (built && !existsSync(join(workdir, "dist", "index.html"))) {
            problems.unshift({
              step: "build",
              file: null,
              line: null,
              column: null,
              message: "vite build wrote no dist/index.html: keep index.html at the app's root and build into dist/ (vite's outDir).",
            })
          }
          const timedOut = results.find((result) => result.outcome === "timed_out")
          return { problems, timedOut: timedOut ? `${STEP_NAMES[timedOut.step]} took longer than ${seconds(config.buildTimeoutMs)} and was stopped.` : null }
        })

      const record = (request: BuildRequest, workdir: string, durationMs: number): Effect.Effect<RecordOutcome> =>
        Effect.gen(function* () {
          if (request.workspaceId === null) return { kind: "not_recorded", reason: "this run was started without a workspace" } as const
          const source = yield* Effect.sync(() => readAppSource(workdir))
          const claims = { workspaceId: request.workspaceId, appId: request.appId, runId: request.runId, runtime: request.runtime }
          return yield* recordBuild(config, { claims, summary: request.summary, durationMs, source })
        })

      const run = (request: BuildRequest, workdir: string) =>
        Effect.gen(function* () {
          const buildId = randomUUID()
          const startedAt = yield* Clock.currentTimeMillis
          const elapsed = Effect.map(Clock.currentTimeMillis, (now) => now - startedAt)
          /** Set once build.finished is published: there is exactly one. */
          let finished: BuildOutcome | null = null
          const finish = (result: Omit<BuildOutcome, "buildId" | "durationMs">) =>
            Effect.gen(function* () {
              const outcome: BuildOutcome = { buildId, durationMs: yield* elapsed, ...result }
              finished = outcome
              yield* progress.publish(request.runId, { type: "build.finished", ...outcome })
              return outcome
            })
          const failed = (problems: readonly BuildProblem[], message = failureMessage(problems)) =>
            finish({ ok: false, message, problems, versionNumber: null })

          yield* progress.publish(request.runId, { type: "build.started", buildId })
          return yield* Effect.gen(function* () {
            yield* Effect.sync(() => linkNodeModules(workdir, config.appTemplateDir))
            const missing = dependencyProblems(workdir, config.appTemplateDir)
            if (missing.length > 0) {
              const text = `${missing.map((problem) => problem.message).join("\n")}\n`
              yield* progress.publish(request.runId, { type: "build.output", buildId, step: "dependencies", text })
              return yield* failed(missing)
            }
            const { problems, timedOut } = yield* compile(request, workdir, buildId)
            if (problems.length > 0) return yield* failed(problems, timedOut ?? undefined)
            const took = seconds(yield* elapsed)
            const recorded = yield* record(request, workdir, yield* elapsed)
            switch (recorded.kind) {
              case "recorded":
                return yield* finish({ ok: true, message: `Built in ${took}: version ${recorded.versionNumber}.`, problems: [], versionNumber: recorded.versionNumber })
              case "not_recorded":
                return yield* finish({ ok: true, message: `Built in ${took}, but not saved as a version: ${recorded.reason}.`, problems: [], versionNumber: null })
              case "rejected":
                return yield* failed([{ step: "build", file: null, line: null, column: null, message: recorded.reason }])
            }
          }).pipe(
            // A bug, or a directory this worker cannot write: logged, and the agent is told the build did not run.
            Effect.catchDefect((defect) =>
              Effect.andThen(
                Effect.logError(`the build of app ${request.appId} failed unexpectedly`, defect),
                Effect.suspend(() => (finished ? Effect.succeed(finished) : failed([], "The build failed on Second's side, not because of the app; call done_building again."))),
              ),
            ),
            // Interrupted with the tool call: its run still hears, once, that the build ended.
            Effect.onExit((exit) => (finished || !Exit.hasInterrupts(exit) ? Effect.void : Effect.asVoid(failed([], "The build was stopped before it finished.")))),
          )
        })

      return AppBuilds.of({
        build: Effect.fn("AppBuilds.build")(function* (request) {
          const workdir = appWorkdir(config.workspacesDir, request.appId)
          return yield* Semaphore.withPermit(lockFor(request.appId), run(request, workdir))
        }),
      })
    }),
  )
}
