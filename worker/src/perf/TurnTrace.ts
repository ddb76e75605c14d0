// SECOND_PERF_TRACE=1 in the worker: one line per phase of a turn, read off the turn's own events
// as they pass (nothing is added to or held back from the stream): the runtime's session started
// (the session set up and the runtime spawned), its first model output, each build, the turn's end
// (with its tool calls), and the run settled (its events written and its end reported). Each line
// holds the run id, the runtime, timings, counts, and the worker's CPU and memory: never a prompt,
// model text, tool input or output, source, or a secret (shared/perf/perf-line.ts drops the rest).

import { Clock, Effect, Stream } from "effect"
import { perfLine, processFields, type ProcessSample } from "#shared/perf/perf-line.ts"
import type { RunEvent, RuntimeId } from "#shared/runtime/run-event.ts"

export type TurnPhase = "session_started" | "first_model_event" | "build" | "turn_completed" | "settled"

export interface TracedRun {
  readonly runId: string
  readonly runtime: RuntimeId
}

export interface TurnTrace {
  /** The turn's events, unchanged, with a line written at each phase they reveal. */
  readonly observe: <E, R>(events: Stream.Stream<RunEvent, E, R>) => Stream.Stream<RunEvent, E, R>
  /** Writes the last line: the run's events are written and its end reported. */
  readonly settled: Effect.Effect<void>
}

const sampleProcess = Effect.sync((): ProcessSample => {
  const memory = process.memoryUsage()
  return { cpu: process.cpuUsage(), rssBytes: memory.rss, heapUsedBytes: memory.heapUsed }
})

export const writeStdout = (line: string) => Effect.sync(() => void process.stdout.write(`${line}\n`))

const MODEL_OUTPUT: ReadonlySet<RunEvent["type"]> = new Set(["text.delta", "reasoning.delta", "tool.started"])

/** Starts timing a run's turn now (by the Clock, so TestClock drives it in tests). */
export const makeTurnTrace = Effect.fn("TurnTrace.make")(function* (run: TracedRun, write: (line: string) => Effect.Effect<void> = writeStdout) {
  const startedAt = yield* Clock.currentTimeMillis
  const cpuAtStart = (yield* sampleProcess).cpu
  const counts = { events: 0, toolCalls: 0, builds: 0 }
  const seen = { session: false, modelOutput: false }
  const buildStarts = new Map<string, number>()
  // elapsedMs is each phase's own time: since the phase before it (a build: the build itself).
  let lastPhaseAt = startedAt
  let completed = false

  const line = (phase: TurnPhase, elapsedMs: number, fields: Readonly<Record<string, unknown>> = {}) =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      if (phase !== "build") lastPhaseAt = now
      const sample = yield* sampleProcess
      yield* write(
        perfLine("turn", {
          phase,
          runId: run.runId,
          runtime: run.runtime,
          elapsedMs,
          sinceStartMs: now - startedAt,
          ...counts,
          ...fields,
          ...processFields(cpuAtStart, sample),
        }),
      )
    })

  const onEvent = (event: RunEvent) =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      counts.events += 1
      if (event.type === "session.started" && !seen.session) {
        seen.session = true
        yield* line("session_started", now - lastPhaseAt)
      }
      if (MODEL_OUTPUT.has(event.type) && !seen.modelOutput) {
        seen.modelOutput = true
        yield* line("first_model_event", now - lastPhaseAt)
      }
      if (event.type === "tool.started") counts.toolCalls += 1
      if (event.type === "build.started") buildStarts.set(event.buildId, now)
      if (event.type === "build.finished") {
        counts.builds += 1
        const began = buildStarts.get(event.buildId)
        yield* line("build", began === undefined ? event.durationMs : now - began, { buildOk: event.ok })
      }
      if (event.type === "turn.completed" && !completed) {
        completed = true
        yield* line("turn_completed", now - lastPhaseAt, { outcome: event.outcome })
      }
    })

  return {
    observe: (events) => Stream.tap(events, onEvent),
    settled: Effect.suspend(() =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => line("settled", now - lastPhaseAt)),
    ),
  } satisfies TurnTrace
})
