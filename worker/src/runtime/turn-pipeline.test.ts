import { describe, expect, it } from "vitest"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import { controlTurn, stopWhenLeft } from "./turn-control.ts"

const limits = { timeoutMs: 60_000, idleTimeoutMs: 60_000 }
const text = (value: string): RunEvent => ({ type: "text.delta", text: value })
const done: RunEvent = { type: "turn.completed", outcome: "completed" }

async function collect(events: AsyncGenerator<RunEvent>): Promise<RunEvent[]> {
  const seen: RunEvent[] = []
  for await (const event of events) seen.push(event)
  return seen
}

/** An adapter that emits some events, then waits until it is told to stop, as a hung runtime does. */
function hangingAdapter(before: RunEvent[], stoppedBy: { signal?: AbortSignal }) {
  return async function* (signal: AbortSignal) {
    stoppedBy.signal = signal
    yield* before
    if (!signal.aborted) await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }))
  }
}

describe("turn control", () => {
  it("passes a completed turn through untouched", async () => {
    const events = await collect(
      controlTurn(async function* () {
        yield text("hi")
        yield done
      }, limits, new AbortController().signal),
    )
    expect(events).toEqual([text("hi"), done])
  })

  it("stops the runtime when cancelled and ends the turn as cancelled", async () => {
    const cancel = new AbortController()
    const seen: { signal?: AbortSignal } = {}
    const events: RunEvent[] = []
    for await (const event of controlTurn(hangingAdapter([text("working")], seen), limits, cancel.signal)) {
      events.push(event)
      if (event.type === "text.delta") cancel.abort()
    }
    expect(seen.signal?.aborted).toBe(true)
    expect(events).toEqual([text("working"), { type: "turn.completed", outcome: "cancelled" }])
  })

  it("stops the runtime, and lets the adapter clean up, when its reader stops reading mid-turn", async () => {
    let signal: AbortSignal | undefined
    let cleanedUp = false
    const adapter = async function* (given: AbortSignal) {
      signal = given
      try {
        yield text("one")
        yield text("two")
        yield done
      } finally {
        cleanedUp = true
      }
    }
    for await (const event of controlTurn(adapter, limits, new AbortController().signal)) {
      if (event.type === "text.delta") break
    }
    expect(signal?.aborted).toBe(true)
    expect(cleanedUp).toBe(true)
  })

  it("stops a silent runtime at once when its reader leaves while waiting for the next event", async () => {
    const cancel = new AbortController()
    const seen: { signal?: AbortSignal } = {}
    const turn = stopWhenLeft(controlTurn(hangingAdapter([], seen), limits, cancel.signal), () => cancel.abort())
    const pending = turn.next()
    // What an interrupted HTTP response does: return() while next() is still pending.
    await turn.return(undefined)
    expect(seen.signal?.aborted).toBe(true)
    expect(await pending).toEqual({ done: false, value: { type: "turn.completed", outcome: "cancelled" } })
  })

  it("stops a runtime that falls silent, with a retryable error", async () => {
    const seen: { signal?: AbortSignal } = {}
    const events = await collect(controlTurn(hangingAdapter([text("a")], seen), { timeoutMs: 60_000, idleTimeoutMs: 50 }, new AbortController().signal))
    expect(seen.signal?.aborted).toBe(true)
    expect(events.slice(1)).toEqual([
      { type: "error", message: "The runtime said nothing for 0 s and was stopped.", retryable: true, code: "idle_timeout" },
      { type: "turn.completed", outcome: "failed" },
    ])
  })

  it("stops a turn that keeps talking past the overall deadline", async () => {
    const chatty = async function* (signal: AbortSignal) {
      while (!signal.aborted) {
        yield text(".")
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    }
    const events = await collect(controlTurn(chatty, { timeoutMs: 60, idleTimeoutMs: 60_000 }, new AbortController().signal))
    expect(events.at(-2)).toMatchObject({ type: "error", code: "turn_timeout", retryable: true })
    expect(events.at(-1)).toEqual({ type: "turn.completed", outcome: "failed" })
  })

  it("reports a runtime that ended without finishing the turn", async () => {
    const events = await collect(controlTurn(async function* () {
      yield text("partial")
    }, limits, new AbortController().signal))
    expect(events).toEqual([
      text("partial"),
      { type: "error", message: "The runtime stopped before finishing the turn.", retryable: true, code: "runtime_exited" },
      { type: "turn.completed", outcome: "failed" },
    ])
  })
})
