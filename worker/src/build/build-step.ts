// One step of an app's build (vite build, or tsc's typecheck) as a sandboxed process: stdout and
// stderr merged and read line by line, streamed out in small chunks as they come (bounded, so a
// runaway printer cannot flood the run), kept (bounded) for reading problems, and stopped with its
// whole tree when the time limit passes or the caller is interrupted: the process is a resource
// of the step's scope.

import { chmodSync, mkdirSync } from "node:fs"
import { join } from "node:path"
import { Effect, Stream } from "effect"
import type { AppDirectories } from "../sandbox/app-directories.ts"
import { spawnProcess, type ProcessSpec, type ProcessStartError } from "../runtime/process/RuntimeProcess.ts"
import { STACK_FRAME } from "./build-problems.ts"

export type StepName = "build" | "typecheck"

/** What each step runs with node, from the app's directory (the template's packages are in ../node_modules). */
export const STEP_ARGS: { readonly [K in StepName]: readonly string[] } = {
  // NOTE: Vite's default config loader writes a bundled copy of vite.config.ts into
  // node_modules/.vite-temp, which is read-only here; the runner loader evaluates it in memory.
  build: ["../node_modules/vite/bin/vite.js", "build", "--configLoader", "runner"],
  typecheck: ["../node_modules/typescript/bin/tsc", "--noEmit", "--pretty", "false"],
}

/** The command line of a step for `node`: stderr joined to stdout, so one reader sees it all in order. */
export const stepCommand = (node: string, step: StepName) => ({
  command: "/bin/sh",
  args: ["-c", 'exec "$0" "$@" 2>&1', node, ...STEP_ARGS[step]],
})

/** Output streamed per step; the rest is only kept for problems (and summed up in one line). */
export const STREAMED_BYTES = 64 * 1024
/** Output kept per step for reading problems. */
const KEPT_BYTES = 256 * 1024
const MAX_LINE = 2_000
const CHUNK_LINES = 64

export interface StepResult {
  readonly step: StepName
  readonly outcome: "passed" | "failed" | "timed_out"
  /** What it printed (bounded), stack frames included. */
  readonly lines: readonly string[]
}

export interface StepRun {
  readonly step: StepName
  /** The sandboxed command (SandboxEnv.command). */
  readonly spec: ProcessSpec
  readonly timeoutMs: number
  readonly onOutput: (text: string) => Effect.Effect<void>
}

/**
 * The HOME a build runs with: a private directory of the app's, apart from the runtimes' homes
 * (their configuration is nothing a build should read).
 */
export function buildDirectories(workspacesDir: string, workdir: string, appId: string): AppDirectories {
  const home = join(workspacesDir, "homes", appId, "build")
  for (const path of [home, join(home, "tmp")]) {
    mkdirSync(path, { recursive: true, mode: 0o700 })
    chmodSync(path, 0o700)
  }
  return { workdir, home, shellHome: home }
}

export const runBuildStep = (run: StepRun): Effect.Effect<StepResult, ProcessStartError> => {
  const kept: string[] = []
  let keptBytes = 0
  let streamedBytes = 0
  const keep = (line: string) => {
    if (keptBytes > KEPT_BYTES) return
    kept.push(line)
    keptBytes += line.length + 1
  }
  /** The part of a chunk still within the streaming bound, and one notice when it runs out. */
  const streamable = (lines: readonly string[]) => {
    if (streamedBytes >= STREAMED_BYTES) return ""
    const text = `${lines.join("\n")}\n`
    streamedBytes += text.length
    return streamedBytes < STREAMED_BYTES ? text : `${text}… (the rest of this step's output is not shown)\n`
  }

  return Effect.gen(function* () {
    const child = yield* spawnProcess(run.spec)
    yield* Stream.fromEffectRepeat(child.nextLine).pipe(
      Stream.takeWhile((line) => line !== null),
      Stream.map((line) => (line!.length > MAX_LINE ? `${line!.slice(0, MAX_LINE)}…` : line!)),
      Stream.tap((line) => Effect.sync(() => keep(line))),
      Stream.filter((line) => !STACK_FRAME.test(line)),
      Stream.groupedWithin(CHUNK_LINES, "100 millis"),
      Stream.runForEach((lines) => {
        const text = streamable(lines)
        return text === "" ? Effect.void : run.onOutput(text)
      }),
    )
    const exit = yield* child.exited
    return { step: run.step, outcome: exit.code === 0 ? "passed" : "failed", lines: kept } satisfies StepResult
  }).pipe(
    Effect.scoped,
    // Leaving the scope on the deadline stops the step's whole tree.
    Effect.timeout(run.timeoutMs),
    Effect.catchTag("TimeoutError", () => Effect.succeed<StepResult>({ step: run.step, outcome: "timed_out", lines: kept })),
  )
}
