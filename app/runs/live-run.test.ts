import { describe, expect, it } from "vitest"
import { foldEvents } from "#shared/runs/transcript.ts"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import { applyLiveRunInput, parseGapData, parseRunEventData, startLiveRun, type LiveRun, type LiveRunInput } from "./live-run.ts"

const events: RunEvent[] = [
  { type: "session.started", runtime: "claude", sessionId: "s1", model: null },
  { type: "text.delta", text: "Building " },
  { type: "text.delta", text: "it.\nDone soon." },
  { type: "tool.started", callId: "c1", name: "Write", input: null },
  { type: "tool.input", callId: "c1", delta: '{"path":' },
  { type: "tool.input", callId: "c1", delta: '"index.html"}' },
  { type: "tool.result", callId: "c1", output: "ok", isError: false },
  { type: "file.changed", path: "index.html", change: "created" },
  { type: "usage", inputTokens: 10, outputTokens: 5, cachedInputTokens: null, costUsd: 0.01 },
  { type: "turn.completed", outcome: "completed" },
]

const apply = (inputs: LiveRunInput[], state: LiveRun = startLiveRun("r1")) => inputs.reduce(applyLiveRunInput, state)

describe("a live run", () => {
  it("folds the stream into exactly what the server persists, and ends on turn.completed", () => {
    const live = apply([{ kind: "open" }, ...events.map((event) => ({ kind: "event" as const, event }))])
    expect(live.transcript).toEqual(foldEvents(events))
    expect(live.phase).toBe("ended")
  })

  it("replaces what it folded with the transcript a gap carries", () => {
    const persisted = foldEvents(events)
    const live = apply([{ kind: "event", event: events[1]! }, { kind: "gap", transcript: persisted }])
    expect(live.transcript).toEqual(persisted)
    expect(live.missedEvents).toBe(false)
  })

  it("keeps what it has and says so when a gap comes without a transcript", () => {
    const live = apply([{ kind: "event", event: events[1]! }, { kind: "gap", transcript: null }, { kind: "event", event: events[2]! }])
    expect(live.transcript).toEqual([{ kind: "text", text: "Building it.\nDone soon." }])
    expect(live.missedEvents).toBe(true)
  })

  it("ignores anything after the end (a late replay must not double the text)", () => {
    const ended = apply(events.map((event) => ({ kind: "event" as const, event })))
    expect(apply([{ kind: "event", event: events[1]! }, { kind: "open" }], ended)).toBe(ended)
  })
})

describe("parsing stream messages", () => {
  it("accepts run events and skips unknown or malformed ones", () => {
    expect(parseRunEventData(JSON.stringify(events[1]))).toEqual(events[1])
    expect(parseRunEventData('{"type":"from.the.future"}')).toBeNull()
    expect(parseRunEventData("not json")).toBeNull()
  })

  it("reads a gap's transcript, or null", () => {
    expect(parseGapData(JSON.stringify({ from: null, resumeAt: "1-0", transcript: [{ kind: "text", text: "hi" }] }))).toEqual([{ kind: "text", text: "hi" }])
    expect(parseGapData(JSON.stringify({ from: null, resumeAt: "1-0", transcript: null }))).toBeNull()
  })
})
