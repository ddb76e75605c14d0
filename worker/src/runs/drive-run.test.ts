// driveRun on the in-process live adapter, against the web's own endRunStream: each event lands
// once even when a write's reply is lost, and a run the web has already ended (its stream closed
// in the worker's place) stops the turn instead of writing past the end.

import { describe, expect, it } from "vitest"
import { STREAM_START, type LiveCoordination } from "#shared/live/live.server.ts"
import { createMemoryLive } from "#shared/live/memory-live.server.ts"
import type { RunCompletion } from "#shared/runs/internal-api.ts"
import { decodeRunStreamRecord, runLeaseKey, runStreamKey } from "#shared/runs/run-stream.ts"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import { endRunStream } from "#app/runs/run-stream-reader.server.ts"
import { eventually } from "#tests/fixtures/eventually.ts"
import { driveRun } from "./drive-run.ts"

const streamEvents = async (live: LiveCoordination, runId: string) =>
  (await live.read(runStreamKey(runId), { after: STREAM_START, limit: 100 })).map((entry) => decodeRunStreamRecord(entry.data).event)

/**
 * A turn whose events are released one at a time by the test. Like Sessions: cancelling ends it
 * with turn.completed (cancelled), and once its reader has closed it, it is gone and a cancel
 * does nothing.
 */
function controlledTurn() {
  const queued: RunEvent[] = []
  let wake: (() => void) | null = null
  let cancelled = false
  let closed = false
  async function* events(): AsyncGenerator<RunEvent> {
    try {
      for (;;) {
        while (queued.length > 0) yield queued.shift()!
        if (cancelled) {
          yield { type: "turn.completed", outcome: "cancelled" }
          return
        }
        await new Promise<void>((resolve) => (wake = resolve))
      }
    } finally {
      closed = true
    }
  }
  return {
    events: events(),
    emit(event: RunEvent) {
      queued.push(event)
      wake?.()
    },
    cancel() {
      if (closed) return
      cancelled = true
      wake?.()
    },
    /** Whether a cancel reached the turn while it was still running. */
    stoppedByCancel: () => cancelled,
    /** Whether its reader has closed it (stopping the turn, as Sessions does). */
    closed: () => closed,
  }
}

const base = { appId: "app", runtime: "claude" as const, leaseMs: 60_000, retryDelaysMs: [0, 0, 0], warn: () => undefined }

describe("driveRun", () => {
  it("writes an event once when the store applied it but the reply was lost", async () => {
    const memory = createMemoryLive()
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
    await driveRun({ ...base, live, runId: "lost-reply", events: turnOf(events), cancel: () => undefined, report: async (c) => void reports.push(c) })
    expect(await streamEvents(memory, "lost-reply")).toEqual(events)
    expect(reports.map((report) => report.outcome)).toEqual(["completed"])
    await memory.close()
  })

  it.each([
    ["when its next event is refused", true],
    ["while the runtime is silent, at the next heartbeat", false],
  ])("stops the turn and writes and reports nothing more once the web has ended the run, %s", async (_, speaksAgain) => {
    const live = createMemoryLive()
    const turn = controlledTurn()
    const reports: RunCompletion[] = []
    const warnings: string[] = []
    const runId = speaksAgain ? "refused" : "silent"
    const driving = driveRun({
      ...base,
      // Short, so the heartbeat (a quarter of it) comes soon.
      leaseMs: 1_000,
      live,
      runId,
      events: turn.events,
      cancel: turn.cancel,
      report: async (completion) => void reports.push(completion),
      warn: (message) => void warnings.push(message),
    })
    turn.emit({ type: "text.delta", text: "Working" })
    await eventually(async () => (await streamEvents(live, runId)).length === 1)

    // The web gives up on the worker (its lease lapsed) and ends the stream in its place.
    await endRunStream(live, runId, [{ type: "turn.completed", outcome: "failed" }])
    if (speaksAgain) turn.emit({ type: "text.delta", text: "Still working" })
    await driving

    expect(turn.stoppedByCancel()).toBe(true)
    expect(await streamEvents(live, runId)).toEqual([
      { type: "text.delta", text: "Working" },
      { type: "turn.completed", outcome: "failed" },
    ])
    expect(reports).toEqual([])
    expect(warnings).toEqual([`run ${runId}: the web has already ended this run; stopping its turn`])
    expect(await live.getKey(runLeaseKey(runId))).toBeNull()
    await live.close()
  })

  it("stops the turn and reports a retryable failure when the stream cannot be written, or the turn's own outcome if only its end was lost", async () => {
    const memory = createMemoryLive()
    // The live store goes away: every append of a matching record fails, even after retries.
    const failing = (match: string): LiveCoordination => ({
      ...memory,
      append: async (stream, data, options) => {
        if (data.includes(match)) throw new Error("connect ECONNREFUSED")
        return memory.append(stream, data, options)
      },
    })
    const reports: RunCompletion[] = []
    const report = async (completion: RunCompletion) => void reports.push(completion)

    const turn = controlledTurn()
    const driving = driveRun({ ...base, live: failing("Working"), runId: "unwritable", events: turn.events, cancel: turn.cancel, report })
    turn.emit({ type: "text.delta", text: "Working" })
    await driving
    expect(turn.closed()).toBe(true)
    expect(reports).toEqual([expect.objectContaining({ outcome: "failed", error: expect.objectContaining({ code: "run_stream_unavailable", retryable: true }) })])

    const events: RunEvent[] = [
      { type: "text.delta", text: "Done" },
      { type: "turn.completed", outcome: "completed" },
    ]
    await driveRun({ ...base, live: failing("turn.completed"), runId: "unended", events: turnOf(events), cancel: () => undefined, report })
    expect(reports.at(-1)).toMatchObject({ outcome: "completed", error: null })
    expect(await streamEvents(memory, "unended")).toEqual([{ type: "text.delta", text: "Done" }])
    await memory.close()
  })

  it("does not end a stream twice: the web leaves a stream the worker has ended alone", async () => {
    const live = createMemoryLive()
    const events: RunEvent[] = [{ type: "turn.completed", outcome: "completed" }]
    await driveRun({ ...base, live, runId: "done", events: turnOf(events), cancel: () => undefined, report: async () => undefined })
    await endRunStream(live, "done", [{ type: "turn.completed", outcome: "failed" }])
    expect(await streamEvents(live, "done")).toEqual(events)
    await live.close()
  })
})

async function* turnOf(events: readonly RunEvent[]): AsyncGenerator<RunEvent> {
  yield* events
}
