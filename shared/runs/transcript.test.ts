import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import type { RunEvent } from "../runtime/run-event.ts"
import { closeOpenToolCalls, foldEvents, TranscriptPartSchema, TranscriptSchema, type Transcript } from "./transcript.ts"

const started = (callId: string, name = "Bash"): RunEvent => ({ type: "tool.started", callId, name, input: { command: "npm test" } })
const result = (callId: string): RunEvent => ({ type: "tool.result", callId, output: "ok", isError: false })
const ended = (outcome: "completed" | "cancelled" | "failed"): RunEvent => ({ type: "turn.completed", outcome })

const toolStates = (transcript: Transcript) =>
  transcript.flatMap((part) => (part.kind === "tool" ? [{ callId: part.callId, output: part.output, cutShort: part.cutShort ?? null }] : []))

describe("the end of a turn", () => {
  it("closes every tool call still running as stopped when the run is stopped, and leaves finished ones alone", () => {
    const transcript = foldEvents([started("c1"), result("c1"), started("c2"), started("c3", "Write"), ended("cancelled")])
    expect(toolStates(transcript)).toEqual([
      { callId: "c1", output: "ok", cutShort: null },
      { callId: "c2", output: null, cutShort: "stopped" },
      { callId: "c3", output: null, cutShort: "stopped" },
    ])
  })

  it("closes them as failed when the turn failed, and as stopped when it completed without their result", () => {
    expect(toolStates(foldEvents([started("c1"), ended("failed")]))).toEqual([{ callId: "c1", output: null, cutShort: "failed" }])
    expect(toolStates(foldEvents([started("c1"), ended("completed")]))).toEqual([{ callId: "c1", output: null, cutShort: "stopped" }])
  })

  it("closes what a stream without its end left open (a run the web settles itself)", () => {
    const unfinished = foldEvents([started("c1"), { type: "text.delta", text: "Running the tests" }])
    expect(toolStates(closeOpenToolCalls(unfinished, "stopped"))).toEqual([{ callId: "c1", output: null, cutShort: "stopped" }])
    // Closing twice changes nothing: a call keeps the first way it ended.
    const closed = closeOpenToolCalls(unfinished, "failed")
    expect(closeOpenToolCalls(closed, "stopped")).toBe(closed)
  })
})

describe("the transcript schema", () => {
  const decode = Schema.decodeUnknownSync(TranscriptSchema)

  it("accepts what the fold produces, closed tool calls included", () => {
    const transcript = foldEvents([
      { type: "text.delta", text: "Hi" },
      { type: "reasoning.delta", text: "hmm" },
      started("c1"),
      { type: "tool.input", callId: "c1", delta: "{}" },
      result("c1"),
      started("c2"),
      { type: "file.changed", path: "index.html", change: "created" },
      { type: "usage", inputTokens: 1, outputTokens: 2, cachedInputTokens: null, costUsd: null },
      { type: "error", message: "Boom", code: "x", retryable: false },
      ended("failed"),
    ])
    expect(decode(JSON.parse(JSON.stringify(transcript)))).toEqual(transcript)
  })

  it("accepts a tool call persisted before calls could be cut short", () => {
    const old = { kind: "tool", callId: "c1", name: "Bash", input: null, inputText: "", output: null, isError: false }
    expect(Schema.decodeUnknownSync(TranscriptPartSchema)(old)).toEqual(old)
  })

  it("accepts a tool call whose input the runtime left undefined, once it went through JSON", () => {
    const [tool] = foldEvents([{ type: "tool.started", callId: "c1", name: "Bash", input: undefined }])
    expect(decode(JSON.parse(JSON.stringify([tool])))).toEqual([{ kind: "tool", callId: "c1", name: "Bash", inputText: "", output: null, isError: false }])
  })

  it("refuses parts of unknown kinds or shapes", () => {
    expect(() => decode([{ kind: "video", url: "x" }])).toThrow()
    expect(() => decode([{ kind: "text" }])).toThrow()
    expect(() => decode([{ kind: "tool", callId: "c1", name: "Bash", input: null, inputText: "", output: null, isError: false, cutShort: "paused" }])).toThrow()
  })
})
