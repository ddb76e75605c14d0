import { describe, expect, it } from "vitest"
import { decodeRunEvent } from "./run-event.ts"

describe("the run event schema", () => {
  it("accepts each kind of event as JSON carries it", () => {
    const events = [
      { type: "session.started", runtime: "claude", sessionId: "s1", model: null },
      { type: "text.delta", text: "Hel" },
      { type: "tool.started", callId: "c1", name: "Write", input: { file_path: "a.txt" } },
      { type: "tool.result", callId: "c1", output: "ok", isError: false },
      { type: "file.changed", path: "a.txt", change: "created" },
      { type: "usage", inputTokens: 10, outputTokens: 5, cachedInputTokens: null, costUsd: 0.001 },
      { type: "turn.completed", outcome: "completed" },
      { type: "error", message: "model overloaded", retryable: true, code: "model_error" },
      { type: "raw", runtime: "codex", payload: { anything: [1, 2] } },
    ]
    for (const event of events) expect(decodeRunEvent(JSON.parse(JSON.stringify(event)))).toEqual(event)
  })

  it("refuses events that are not in the schema", () => {
    expect(() => decodeRunEvent({ type: "text.delta" })).toThrow()
    expect(() => decodeRunEvent({ type: "tool.result", callId: "c", output: "x", isError: "no" })).toThrow()
    expect(() => decodeRunEvent({ type: "session.started", runtime: "gpt", sessionId: "s", model: null })).toThrow()
    expect(() => decodeRunEvent({ type: "mystery" })).toThrow()
  })
})
