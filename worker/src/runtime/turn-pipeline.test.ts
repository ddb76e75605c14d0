// superviseTurn on scripted runtime streams, on the test clock: a completed turn passes untouched,
// a silent runtime and an overlong turn are stopped with a retryable error, a runtime that ends
// early is reported, and leaving the stream (interruption: a cancel, a reader gone) stops the
// runtime's stream, running its finalizer. endAtApprovalStop ends a turn whose approval tool
// returned, leaving the runtime's stream. delaysSchedule waits exactly the delays it is given.

import { describe, expect, it } from "@effect/vitest"
import { Clock, Deferred, Effect, Exit, Fiber, Queue, Stream } from "effect"
import { TestClock } from "effect/testing"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import { delaysSchedule, endAtApprovalStop, stopEvents, superviseTurn } from "./turn-pipeline.ts"

const limits = { timeoutMs: 60_000, idleTimeoutMs: 60_000 }
const text = (value: string): RunEvent => ({ type: "text.delta", text: value })
const done: RunEvent = { type: "turn.completed", outcome: "completed" }

/**
 * A runtime that emits some events, then says nothing until it is stopped, as a hung runtime does.
 * `silent` waits until it is being asked for an event it will never give; `state.stopped` is
 * whether its stream was left (the finalizer that stops its processes ran).
 */
function hangingRuntime(before: readonly RunEvent[]) {
  const state = { stopped: false }
  const silent = Deferred.makeUnsafe<void>()
  const events = Stream.concat(Stream.fromIterable(before), Stream.fromEffect(Effect.andThen(Deferred.succeed(silent, undefined), Effect.never))).pipe(
    Stream.ensuring(Effect.sync(() => (state.stopped = true))),
  )
  return { events, state, silent: Deferred.await(silent) }
}

describe("superviseTurn", () => {
  it.effect("passes a completed turn through untouched", () =>
    Effect.gen(function* () {
      const events = yield* Stream.runCollect(superviseTurn(Stream.make(text("hi"), done), limits))
      expect(events).toEqual([text("hi"), done])
    }))

  it.effect("stops the runtime when the turn's fiber is interrupted (a cancel) mid-turn", () =>
    Effect.gen(function* () {
      const runtime = hangingRuntime([text("working")])
      const seen: RunEvent[] = []
      const working = yield* Deferred.make<void>()
      const consumer = yield* superviseTurn(runtime.events, limits).pipe(
        Stream.runForEach((event) => Effect.andThen(Effect.sync(() => seen.push(event)), Deferred.succeed(working, undefined))),
        Effect.forkChild,
      )
      yield* Deferred.await(working)
      yield* Fiber.interrupt(consumer)
      expect(runtime.state.stopped).toBe(true)
      expect(seen).toEqual([text("working")])
      // What Sessions ends an interrupted turn with for its reader.
      expect(stopEvents("cancelled", limits)).toEqual([{ type: "turn.completed", outcome: "cancelled" }])
    }))

  it.effect("stops the runtime, and lets it clean up, when its reader stops reading mid-turn", () =>
    Effect.gen(function* () {
      let cleanedUp = false
      const runtime = Stream.make(text("one"), text("two"), done).pipe(
        Stream.concat(Stream.never),
        Stream.ensuring(Effect.sync(() => (cleanedUp = true))),
      )
      const events = yield* superviseTurn(runtime, limits).pipe(
        Stream.takeUntil((event) => event.type === "text.delta"),
        Stream.runCollect,
      )
      expect(events).toEqual([text("one")])
      expect(cleanedUp).toBe(true)
    }))

  it.effect("stops a silent runtime at once when its reader leaves while waiting for the next event", () =>
    Effect.gen(function* () {
      const runtime = hangingRuntime([])
      const reader = yield* Effect.forkChild(Stream.runCollect(superviseTurn(runtime.events, limits)))
      yield* runtime.silent
      // What an interrupted HTTP response does: the reader's fiber is interrupted while it waits.
      yield* Fiber.interrupt(reader)
      expect(runtime.state.stopped).toBe(true)
    }))

  it.effect("stops a runtime that falls silent, with a retryable error", () =>
    Effect.gen(function* () {
      const runtime = hangingRuntime([text("a")])
      const turn = yield* Effect.forkChild(Stream.runCollect(superviseTurn(runtime.events, { timeoutMs: 60_000, idleTimeoutMs: 50 })))
      yield* runtime.silent
      yield* TestClock.adjust(49)
      expect(turn.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust(1)
      const events = yield* Fiber.join(turn)
      expect(runtime.state.stopped).toBe(true)
      expect(events.slice(1)).toEqual([
        { type: "error", message: "The runtime said nothing for 0 s and was stopped.", retryable: true, code: "idle_timeout" },
        { type: "turn.completed", outcome: "failed" },
      ])
    }))

  it.effect("restarts the idle deadline with each event", () =>
    Effect.gen(function* () {
      // The runtime says something every 40 ms, five times, then falls silent: only the silence
      // lasts the 50 ms idle limit. `asked` is told each time the turn waits for the next event.
      const asked = yield* Queue.unbounded<void>()
      const said = yield* Queue.unbounded<RunEvent>()
      const runtime = Stream.fromEffectRepeat(Effect.andThen(Queue.offer(asked, undefined), Queue.take(said)))
      const turn = yield* Effect.forkChild(Stream.runCollect(superviseTurn(runtime, { timeoutMs: 60_000, idleTimeoutMs: 50 })))
      yield* Queue.take(asked)
      for (let index = 0; index < 5; index += 1) {
        yield* TestClock.adjust(40)
        yield* Queue.offer(said, text("."))
        yield* Queue.take(asked)
      }
      yield* TestClock.adjust(49)
      expect(turn.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust(1)
      const events = yield* Fiber.join(turn)
      expect(events.filter((event) => event.type === "text.delta")).toHaveLength(5)
      expect(events.slice(-2)).toEqual([
        { type: "error", message: "The runtime said nothing for 0 s and was stopped.", retryable: true, code: "idle_timeout" },
        { type: "turn.completed", outcome: "failed" },
      ])
    }))

  it.effect("stops a turn that keeps talking past the overall deadline", () =>
    Effect.gen(function* () {
      const chatty = Stream.tick("5 millis").pipe(Stream.map(() => text(".")))
      const turn = yield* Effect.forkChild(Stream.runCollect(superviseTurn(chatty, { timeoutMs: 60, idleTimeoutMs: 60_000 })))
      yield* TestClock.adjust(60)
      const events = yield* Fiber.join(turn)
      expect(events.at(-2)).toMatchObject({ type: "error", code: "turn_timeout", retryable: true })
      expect(events.at(-1)).toEqual({ type: "turn.completed", outcome: "failed" })
    }))

  it.effect("reports a runtime that ended without finishing the turn", () =>
    Effect.gen(function* () {
      const events = yield* Stream.runCollect(superviseTurn(Stream.make(text("partial")), limits))
      expect(events).toEqual([
        text("partial"),
        { type: "error", message: "The runtime stopped before finishing the turn.", retryable: true, code: "runtime_exited" },
        { type: "turn.completed", outcome: "failed" },
      ])
    }))
})

describe("endAtApprovalStop", () => {
  const started = (callId: string, name: string): RunEvent => ({ type: "tool.started", callId, name, input: null })
  const result = (callId: string, isError = false): RunEvent => ({ type: "tool.result", callId, output: isError ? "invalid plan" : "shown", isError })
  const plan = started("p1", "second.present_plan")

  /** The runtime's events, then a runtime that keeps running (as Claude's process does) until it is stopped. */
  function runningRuntime(events: readonly RunEvent[]) {
    const state = { stopped: false }
    const stream = Stream.concat(Stream.fromIterable(events), Stream.never).pipe(Stream.ensuring(Effect.sync(() => (state.stopped = true))))
    return { stream, state }
  }

  it.effect("ends the turn completed right after a present_plan that returned, and stops the runtime", () =>
    Effect.gen(function* () {
      const runtime = runningRuntime([text("Here is the plan"), plan, { type: "tool.input", callId: "p1", delta: "{}" }, result("p1"), text("I will now build it"), done])
      const events = yield* Stream.runCollect(endAtApprovalStop(runtime.stream))
      expect(events).toEqual([text("Here is the plan"), plan, { type: "tool.input", callId: "p1", delta: "{}" }, result("p1"), done])
      // Left early: the finalizer that stops the runtime's processes ran.
      expect(runtime.state.stopped).toBe(true)
    }))

  it.effect("lets a call made alongside the plan finish before the turn ends, and runs no call started after the plan", () =>
    Effect.gen(function* () {
      const named = started("n1", "second.set_app_metadata")
      const alongside = Stream.make(named, plan, result("p1"), text("naming…"), result("n1"), text("after"), done)
      expect(yield* Stream.runCollect(endAtApprovalStop(alongside))).toEqual([named, plan, result("p1"), text("naming…"), result("n1"), done])
      const after = Stream.make(named, plan, result("p1"), started("w1", "Write"), result("n1"), done)
      expect(yield* Stream.runCollect(endAtApprovalStop(after))).toEqual([named, plan, result("p1"), done])
    }))

  it.effect("stops at present_suggestions too, and emits nothing the runtime says after it", () =>
    Effect.gen(function* () {
      const source = Stream.make(started("s1", "second.present_suggestions"), result("s1"), text("one more thing"), started("b1", "Bash"), result("b1"), done)
      expect(yield* Stream.runCollect(endAtApprovalStop(source))).toEqual([started("s1", "second.present_suggestions"), result("s1"), done])
    }))

  it.effect("lets the turn go on after a present_plan that failed, and after tools that are no approval stop", () =>
    Effect.gen(function* () {
      const events = [
        plan, result("p1", true),
        started("d1", "second.done_building"), result("d1"),
        started("b1", "Bash"), result("b1"),
        // A runtime's own name for the tool is not the canonical one: protocol modules map it first.
        started("m1", "mcp__second__present_plan"), result("m1"),
        text("fixed it"), done,
      ]
      expect(yield* Stream.runCollect(endAtApprovalStop(Stream.fromIterable(events)))).toEqual(events)
    }))

  it.effect("stops only on the result of the approval call itself, when it comes", () =>
    Effect.gen(function* () {
      const source = Stream.make(plan, started("b1", "Bash"), result("b1"), text("waiting"), result("p1"), text("after"))
      expect(yield* Stream.runCollect(endAtApprovalStop(source))).toEqual([plan, started("b1", "Bash"), result("b1"), text("waiting"), result("p1"), done])
    }))

  it.effect("changes nothing once the runtime has completed the turn itself", () =>
    Effect.gen(function* () {
      const events = [plan, done, result("p1"), started("p2", "second.present_plan"), result("p2"), text("late")]
      expect(yield* Stream.runCollect(endAtApprovalStop(Stream.fromIterable(events)))).toEqual(events)
    }))

  it.effect("under superviseTurn the stopped turn ends with its one turn.completed, not as a runtime that exited", () =>
    Effect.gen(function* () {
      const runtime = runningRuntime([plan, result("p1"), text("building anyway")])
      const events = yield* Stream.runCollect(superviseTurn(endAtApprovalStop(runtime.stream), limits))
      expect(events).toEqual([plan, result("p1"), done])
      expect(runtime.state.stopped).toBe(true)
    }))
})

describe("delaysSchedule", () => {
  it.effect("waits exactly each delay in turn, then gives up", () =>
    Effect.gen(function* () {
      const attempts: number[] = []
      const attempt = Effect.andThen(
        Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.sync(() => attempts.push(now))),
        Effect.fail("still failing" as const),
      )
      const retrying = yield* Effect.forkChild(Effect.retry(attempt, delaysSchedule([250, 1000])))
      yield* TestClock.adjust(249)
      expect(attempts).toEqual([0])
      yield* TestClock.adjust(1)
      expect(attempts).toEqual([0, 250])
      yield* TestClock.adjust(999)
      expect(attempts).toEqual([0, 250])
      yield* TestClock.adjust(1)
      expect(attempts).toEqual([0, 250, 1250])
      expect(yield* Fiber.await(retrying)).toEqual(Exit.fail("still failing"))
      yield* TestClock.adjust(60_000)
      expect(attempts).toEqual([0, 250, 1250])
    }))
})
