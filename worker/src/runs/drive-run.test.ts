// driveRun on the in-process live adapter, against the web's own endRunStream: each event lands
// once even when a write's reply is lost, and a run the web has already ended (its stream closed
// in the worker's place) stops the turn instead of writing past the end. The heartbeat runs on
// the test clock; the adapter's own calls are real promises.

import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Fiber, Queue, Stream } from "effect"
import { TestClock } from "effect/testing"
import { STREAM_START, type LiveCoordination } from "#shared/live/live.server.ts"
import { createMemoryLive } from "#shared/live/memory-live.server.ts"
import type { RunCompletion } from "#shared/runs/internal-api.ts"
import { decodeRunStreamRecord, runLeaseKey, runStreamKey } from "#shared/runs/run-stream.ts"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import { endRunStream } from "#app/runs/run-stream-reader.server.ts"
import { eventually } from "#tests/fixtures/eventually.ts"
import { driveRun } from "./drive-run.ts"

const streamEvents = (live: LiveCoordination, runId: string) =>
  Effect.promise(async () => (await live.read(runStreamKey(runId), { after: STREAM_START, limit: 100 })).map((entry) => decodeRunStreamRecord(entry.data).event))

/** A live adapter for one test, closed when the test ends. */
const memoryLive = Effect.acquireRelease(Effect.sync(createMemoryLive), (live) => Effect.promise(() => live.close()))

/**
 * A turn whose events are released one at a time by the test. Like Sessions: cancelling ends it
 * with turn.completed (cancelled), and once its reader has left it, it is gone and a cancel does
 * nothing.
 */
const controlledTurn = Effect.gen(function* () {
  const queue = yield* Queue.unbounded<RunEvent, Cause.Done>()
  let cancelled = false
  let closed = false
  return {
    events: Stream.fromQueue(queue).pipe(Stream.ensuring(Effect.sync(() => (closed = true)))),
    emit: (event: RunEvent) => Queue.offer(queue, event),
    cancel: Effect.suspend(() => {
      if (closed) return Effect.void
      cancelled = true
      return Effect.andThen(Queue.offer(queue, { type: "turn.completed", outcome: "cancelled" }), Queue.end(queue))
    }),
    /** Whether a cancel reached the turn while it was still running. */
    stoppedByCancel: () => cancelled,
    /** Whether its reader has left it (stopping the turn, as Sessions does). */
    closed: () => closed,
  }
})

const turnOf = (events: readonly RunEvent[]) => Stream.fromIterable(events)
const recordTo = <A>(into: A[]) => (value: A) => Effect.sync(() => void into.push(value))

const base = { appId: "app", runtime: "claude" as const, leaseMs: 60_000, retryDelaysMs: [0, 0, 0], warn: () => Effect.void, cancel: Effect.void }

describe("driveRun", () => {
  it.effect("writes an event once when the store applied it but the reply was lost", () =>
    Effect.gen(function* () {
      const memory = yield* memoryLive
      let failNext = true
      // The first append is applied, then fails as a dropped connection would.
      const live: LiveCoordination = {
        ...memory,
        async append(stream, data, options) {
          const id = await memory.append(stream, data, options)
          if (failNext && data.includes("Hello")) {
            failNext = false
            throw new Error("connection reset")
          }
          return id
        },
      }
      const reports: RunCompletion[] = []
      const events: RunEvent[] = [
        { type: "text.delta", text: "Hello" },
        { type: "turn.completed", outcome: "completed" },
      ]
      yield* driveRun({ ...base, live, runId: "lost-reply", events: turnOf(events), report: recordTo(reports) })
      expect(yield* streamEvents(memory, "lost-reply")).toEqual(events)
      expect(reports.map((report) => report.outcome)).toEqual(["completed"])
    }))

  it.effect.each([
    ["when its next event is refused", true],
    ["while the runtime is silent, at the next heartbeat", false],
  ] as const)("stops the turn and writes and reports nothing more once the web has ended the run, %s", ([, speaksAgain]) =>
    Effect.gen(function* () {
      const live = yield* memoryLive
      const turn = yield* controlledTurn
      const reports: RunCompletion[] = []
      const warnings: string[] = []
      const runId = speaksAgain ? "refused" : "silent"
      const leaseMs = 1_000
      const driving = yield* Effect.forkChild(
        driveRun({ ...base, leaseMs, live, runId, events: turn.events, cancel: turn.cancel, report: recordTo(reports), warn: recordTo(warnings) }),
      )
      yield* turn.emit({ type: "text.delta", text: "Working" })
      yield* Effect.promise(() => eventually(async () => (await live.read(runStreamKey(runId), { after: STREAM_START, limit: 100 })).length === 1))

      // The web gives up on the worker (its lease lapsed) and ends the stream in its place.
      yield* Effect.promise(() => endRunStream(live, runId, [{ type: "turn.completed", outcome: "failed" }]))
      if (speaksAgain) yield* turn.emit({ type: "text.delta", text: "Still working" })
      // The heartbeat comes every quarter of the lease.
      else yield* TestClock.adjust(leaseMs / 4)
      yield* Fiber.join(driving)

      expect(turn.stoppedByCancel()).toBe(true)
      expect(yield* streamEvents(live, runId)).toEqual([
        { type: "text.delta", text: "Working" },
        { type: "turn.completed", outcome: "failed" },
      ])
      expect(reports).toEqual([])
      expect(warnings).toEqual([`run ${runId}: the web has already ended this run; stopping its turn`])
      expect(yield* Effect.promise(() => live.getKey(runLeaseKey(runId)))).toBeNull()
    }))

  it.effect("stops the turn and reports a retryable failure when the stream cannot be written, or the turn's own outcome if only its end was lost", () =>
    Effect.gen(function* () {
      const memory = yield* memoryLive
      // The live store goes away: every append of a matching record fails, even after retries.
      const failing = (match: string): LiveCoordination => ({
        ...memory,
        append: async (stream, data, options) => {
          if (data.includes(match)) throw new Error("connect ECONNREFUSED")
          return memory.append(stream, data, options)
        },
      })
      const reports: RunCompletion[] = []
      const report = recordTo(reports)

      const turn = yield* controlledTurn
      const driving = yield* Effect.forkChild(driveRun({ ...base, live: failing("Working"), runId: "unwritable", events: turn.events, cancel: turn.cancel, report }))
      yield* turn.emit({ type: "text.delta", text: "Working" })
      yield* Fiber.join(driving)
      expect(turn.closed()).toBe(true)
      expect(reports).toEqual([expect.objectContaining({ outcome: "failed", error: expect.objectContaining({ code: "run_stream_unavailable", retryable: true }) })])

      const events: RunEvent[] = [
        { type: "text.delta", text: "Done" },
        { type: "turn.completed", outcome: "completed" },
      ]
      yield* driveRun({ ...base, live: failing("turn.completed"), runId: "unended", events: turnOf(events), report })
      expect(reports.at(-1)).toMatchObject({ outcome: "completed", error: null })
      expect(yield* streamEvents(memory, "unended")).toEqual([{ type: "text.delta", text: "Done" }])
    }))

  it.effect("does not end a stream twice: the web leaves a stream the worker has ended alone", () =>
    Effect.gen(function* () {
      const live = yield* memoryLive
      const events: RunEvent[] = [{ type: "turn.completed", outcome: "completed" }]
      yield* driveRun({ ...base, live, runId: "done", events: turnOf(events), report: () => Effect.void })
      yield* Effect.promise(() => endRunStream(live, "done", [{ type: "turn.completed", outcome: "failed" }]))
      expect(yield* streamEvents(live, "done")).toEqual(events)
    }))
})
