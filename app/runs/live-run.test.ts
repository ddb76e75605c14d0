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

const settled = (status: "completed" | "failed" | "stopped"): LiveRunInput => ({ kind: "event", event: { type: "run.settled", status } })

describe("a live run", () => {
  it("folds the stream into exactly what the server persists, finishes on turn.completed and ends on run.settled", () => {
    const live = apply([{ kind: "open" }, ...events.map((event) => ({ kind: "event" as const, event }))])
    expect(live.transcript).toEqual(foldEvents(events))
    expect(live.phase).toBe("finishing")
    // The connection may come and go while the web records the run: it is still finishing.
    expect(apply([{ kind: "reconnecting" }, { kind: "open" }], live)).toBe(live)
    const ended = apply([settled("completed")], live)
    expect(ended).toEqual({ ...live, phase: "ended" })
  })

  it("ends when the server says the stream is over, with or without the turn's end", () => {
    expect(apply([{ kind: "open" }, { kind: "event", event: events[1]! }, { kind: "end" }]).phase).toBe("ended")
  })

  it("shows a tool that was running when the run was stopped as stopped, not running", () => {
    const live = apply([
      { kind: "open" },
      { kind: "event", event: { type: "tool.started", callId: "c1", name: "Bash", input: { command: "npm test" } } },
      { kind: "event", event: { type: "turn.completed", outcome: "cancelled" } },
    ])
    expect(live.transcript).toEqual([
      { kind: "tool", callId: "c1", name: "Bash", input: { command: "npm test" }, inputText: "", output: null, isError: false, cutShort: "stopped" },
    ])
    const failed = apply([
      { kind: "event", event: { type: "tool.started", callId: "c1", name: "Bash", input: null } },
      { kind: "event", event: { type: "turn.completed", outcome: "failed" } },
    ])
    expect(failed.transcript[0]).toMatchObject({ kind: "tool", output: null, cutShort: "failed" })
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

  it("ignores anything after the turn's end but the settle, and anything at all after that (a late replay must not double the text)", () => {
    const finishing = apply(events.map((event) => ({ kind: "event" as const, event })))
    expect(apply([{ kind: "event", event: events[1]! }, { kind: "open" }], finishing)).toBe(finishing)
    const ended = apply([settled("completed")], finishing)
    expect(apply([{ kind: "event", event: events[1]! }, { kind: "open" }, settled("failed")], ended)).toBe(ended)
  })
})

describe("parsing stream messages", () => {
  it("accepts run events and the settle, and skips unknown or malformed ones", () => {
    expect(parseRunEventData(JSON.stringify(events[1]))).toEqual(events[1])
    expect(parseRunEventData('{"type":"run.settled","status":"stopped"}')).toEqual({ type: "run.settled", status: "stopped" })
    expect(parseRunEventData('{"type":"from.the.future"}')).toBeNull()
    expect(parseRunEventData("not json")).toBeNull()
  })

  it("reads a gap's transcript, or null", () => {
    expect(parseGapData(JSON.stringify({ from: null, resumeAt: "1-0", transcript: [{ kind: "text", text: "hi" }] }))).toEqual([{ kind: "text", text: "hi" }])
    expect(parseGapData(JSON.stringify({ from: null, resumeAt: "1-0", transcript: null }))).toBeNull()
  })
})
