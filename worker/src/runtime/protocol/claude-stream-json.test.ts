// The Claude Code stream-json parser against real recorded output (with and without
// --include-partial-messages, one and two turns) and against the shapes the recordings lack:
// thinking, edits, failed tools, API errors, interruption, garbage.

import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { decodeRunEvent, type RunEvent } from "#shared/runtime/run-event.ts"
import { claudeUserMessage, createClaudeStreamParser } from "./claude-stream-json.ts"
import type { ParsedLine } from "./parsed-line.ts"

const SAMPLES = fileURLToPath(new URL("../../../../tests/fixtures/fake-model/samples/", import.meta.url))
const WORKDIR = "/workspace" // the recordings' working directory, after path scrubbing

const sampleLines = (name: string): string[] => readFileSync(`${SAMPLES}${name}.jsonl`, "utf8").split("\n").filter((line) => line !== "")

function parseLines(lines: readonly string[], workdir = WORKDIR): ParsedLine[] {
  const parser = createClaudeStreamParser({ workdir })
  return lines.map((line) => parser.parse(line))
}
const eventsOf = (parsed: readonly ParsedLine[]): RunEvent[] => parsed.flatMap((line) => line.events)
/** What a user sees: everything but raw passthrough. */
const visible = (parsed: readonly ParsedLine[]) => eventsOf(parsed).filter((event) => event.type !== "raw")
const textOf = (events: readonly RunEvent[]) => events.flatMap((event) => (event.type === "text.delta" ? [event.text] : [])).join("")
const line = (value: unknown) => JSON.stringify(value)

const ALL_SAMPLES = ["claude-text", "claude-tool", "claude-multiturn", "claude-partial-text", "claude-partial-tool"]

describe("Claude stream-json samples", () => {
  it.each(ALL_SAMPLES)("%s: every event fits the RunEvent schema and the turn ends only on result lines", (name) => {
    const lines = sampleLines(name)
    const parsed = parseLines(lines)
    for (const event of eventsOf(parsed)) expect(() => decodeRunEvent(event)).not.toThrow()
    expect(parsed.map((result) => result.turnEnded)).toEqual(lines.map((text) => JSON.parse(text).type === "result"))
  })

  it.each(ALL_SAMPLES)("%s: the text a user reads is the final result, exactly once", (name) => {
    const lines = sampleLines(name)
    const results = lines.map((text) => JSON.parse(text)).filter((value) => value.type === "result").map((value) => value.result)
    expect(textOf(visible(parseLines(lines)))).toBe(results.join(""))
  })

  it("streams a text turn delta by delta with partial messages on, without repeating the assistant line", () => {
    const parsed = parseLines(sampleLines("claude-partial-text"))
    expect(visible(parsed)).toEqual([
      { type: "session.started", runtime: "claude", sessionId: "9bfd3b4f-71f7-4946-ae06-307280bdaf30", model: "claude-opus-4-8[1m]" },
      { type: "text.delta", text: "Hello " },
      { type: "text.delta", text: "from the " },
      { type: "text.delta", text: "fake model" },
      { type: "usage", inputTokens: 10, outputTokens: 5, cachedInputTokens: 0, costUsd: 0.000175 },
      { type: "turn.completed", outcome: "completed" },
    ])
    expect(parsed[0]!.sessionId).toBe("9bfd3b4f-71f7-4946-ae06-307280bdaf30")
    // The status line is kept, not dropped.
    expect(eventsOf(parsed)).toContainEqual({ type: "raw", runtime: "claude", payload: expect.objectContaining({ subtype: "status" }) })
  })

  it("takes the text from assistant lines when nothing was streamed", () => {
    expect(visible(parseLines(sampleLines("claude-text")))).toEqual([
      { type: "session.started", runtime: "claude", sessionId: "b5d39c0a-7030-4870-b2bc-2eb9538bbfc1", model: "claude-opus-4-8[1m]" },
      { type: "text.delta", text: "Hello from the fake model" },
      { type: "usage", inputTokens: 10, outputTokens: 5, cachedInputTokens: 0, costUsd: 0.000175 },
      { type: "turn.completed", outcome: "completed" },
    ])
  })

  it("streams a tool turn: each tool started once, its input as deltas, its result, the file it created", () => {
    const events = visible(parseLines(sampleLines("claude-partial-tool")))
    const write = "toolu_fake3mwzrobo2"
    const bash = "toolu_fake5mwzroboy"
    expect(events.map((event) => event.type)).toEqual([
      "session.started",
      "tool.started", "tool.input", "tool.result", "file.changed",
      "tool.started", "tool.input", "tool.result",
      "text.delta", "usage", "turn.completed",
    ])
    expect(events.filter((event) => event.type === "tool.started")).toEqual([
      { type: "tool.started", callId: write, name: "Write", input: null },
      { type: "tool.started", callId: bash, name: "Bash", input: null },
    ])
    const inputOf = (callId: string) =>
      JSON.parse(events.flatMap((event) => (event.type === "tool.input" && event.callId === callId ? [event.delta] : [])).join(""))
    expect(inputOf(write)).toEqual({ file_path: "/workspace/hello.txt", content: "hello from the fake model\n" })
    expect(inputOf(bash)).toEqual({ command: "echo canary > out.txt", description: "Run the scripted command" })
    expect(events.filter((event) => event.type === "tool.result")).toEqual([
      { type: "tool.result", callId: write, output: expect.stringMatching(/^File created successfully at: \/workspace\/hello\.txt/), isError: false },
      { type: "tool.result", callId: bash, output: "(Bash completed with no output)", isError: false },
    ])
    expect(events.filter((event) => event.type === "file.changed")).toEqual([{ type: "file.changed", path: "hello.txt", change: "created" }])
  })

  it("pairs every tool.result with exactly one earlier tool.started of the same callId", () => {
    for (const name of ["claude-tool", "claude-partial-tool"]) {
      const events = visible(parseLines(sampleLines(name)))
      const started = events.flatMap((event, index) => (event.type === "tool.started" ? [[event.callId, index] as const] : []))
      const results = events.flatMap((event, index) => (event.type === "tool.result" ? [[event.callId, index] as const] : []))
      expect(new Set(started.map(([callId]) => callId)).size).toBe(started.length)
      expect(results.map(([callId]) => callId).sort()).toEqual(started.map(([callId]) => callId).sort())
      for (const [callId, at] of results) expect(started.find(([id]) => id === callId)![1]).toBeLessThan(at)
    }
  })

  it("gives tool.started the complete input when the tool call was not streamed", () => {
    const events = visible(parseLines(sampleLines("claude-tool")))
    expect(events.filter((event) => event.type === "tool.started")).toEqual([
      { type: "tool.started", callId: "toolu_fake3mwzrhy77", name: "Write", input: { file_path: "/workspace/hello.txt", content: "hello from the fake model\n" } },
      { type: "tool.started", callId: "toolu_fake5mwzrhy8h", name: "Bash", input: { command: "echo canary > out.txt", description: "Run the scripted command" } },
    ])
    expect(events.some((event) => event.type === "tool.input")).toBe(false)
    expect(events.filter((event) => event.type === "file.changed")).toEqual([{ type: "file.changed", path: "hello.txt", change: "created" }])
  })

  it("splits a two-turn session into two turns, each with its own start, text and share of the cost", () => {
    const parsed = parseLines(sampleLines("claude-multiturn"))
    const turns: RunEvent[][] = [[]]
    for (const result of parsed) {
      turns.at(-1)!.push(...result.events.filter((event) => event.type !== "raw"))
      if (result.turnEnded) turns.push([])
    }
    expect(turns.pop()).toEqual([])
    expect(turns.map((turn) => turn.map((event) => event.type))).toEqual([
      ["session.started", "text.delta", "usage", "turn.completed"],
      ["session.started", "text.delta", "usage", "turn.completed"],
    ])
    expect(turns.map((turn) => textOf(turn))).toEqual(["First answer", "Second answer"])
    // Claude's total_cost_usd grows over the process (0.000175, then 0.00035): usage carries each turn's part.
    expect(turns.map((turn) => turn.flatMap((event) => (event.type === "usage" ? [event.costUsd] : [])))).toEqual([[0.000175], [0.000175]])
  })
})

const SESSION = { session_id: "s-1", parent_tool_use_id: null }
const stream = (event: unknown) => line({ type: "stream_event", event, ...SESSION })
const assistantLine = (id: string, content: unknown[], extra: object = {}) =>
  line({ type: "assistant", message: { id, role: "assistant", content }, ...SESSION, ...extra })
const toolResultLine = (callId: string, content: unknown, extra: object = {}) =>
  line({ type: "user", message: { role: "user", content: [{ type: "tool_result", tool_use_id: callId, content, ...extra }] }, ...SESSION })
const resultLine = (fields: object) =>
  line({ type: "result", subtype: "success", is_error: false, total_cost_usd: 0, usage: { input_tokens: 0, output_tokens: 0 }, ...SESSION, ...fields })

describe("Claude stream-json shapes beyond the recordings", () => {
  it("streams thinking as reasoning and does not repeat it from the assistant line", () => {
    const events = visible(parseLines([
      stream({ type: "message_start", message: { id: "m1" } }),
      stream({ type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "" } }),
      stream({ type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "Let me see" } }),
      stream({ type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "abc" } }),
      assistantLine("m1", [{ type: "thinking", thinking: "Let me see", signature: "abc" }]),
      stream({ type: "content_block_start", index: 1, content_block: { type: "text", text: "" } }),
      stream({ type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "Answer" } }),
      assistantLine("m1", [{ type: "text", text: "Answer" }]),
    ]))
    expect(events).toEqual([{ type: "reasoning.delta", text: "Let me see" }, { type: "text.delta", text: "Answer" }])
  })

  it("reads thinking, text and several tools from one unstreamed assistant message", () => {
    const events = visible(parseLines([
      assistantLine("m1", [
        { type: "thinking", thinking: "Plan" },
        { type: "text", text: "Editing two files." },
        { type: "tool_use", id: "t1", name: "Edit", input: { file_path: "/workspace/src/a.ts", old_string: "a", new_string: "b" } },
        { type: "tool_use", id: "t2", name: "Write", input: { file_path: "notes/b.md", content: "x" } },
      ]),
      toolResultLine("t1", "The file /workspace/src/a.ts has been updated."),
      toolResultLine("t2", [{ type: "text", text: "The file notes/b.md has been updated." }]),
    ]))
    expect(events).toEqual([
      { type: "reasoning.delta", text: "Plan" },
      { type: "text.delta", text: "Editing two files." },
      { type: "tool.started", callId: "t1", name: "Edit", input: { file_path: "/workspace/src/a.ts", old_string: "a", new_string: "b" } },
      { type: "tool.started", callId: "t2", name: "Write", input: { file_path: "notes/b.md", content: "x" } },
      { type: "tool.result", callId: "t1", output: "The file /workspace/src/a.ts has been updated.", isError: false },
      { type: "file.changed", path: "src/a.ts", change: "modified" },
      { type: "tool.result", callId: "t2", output: "The file notes/b.md has been updated.", isError: false },
      { type: "file.changed", path: "notes/b.md", change: "modified" },
    ])
  })

  it("reports failed tools as errors with no file change, and no change for files outside the workdir", () => {
    const events = visible(parseLines([
      assistantLine("m1", [
        { type: "tool_use", id: "t1", name: "Write", input: { file_path: "/workspace/a.txt", content: "" } },
        { type: "tool_use", id: "t2", name: "Write", input: { file_path: "/etc/elsewhere.txt", content: "" } },
        { type: "tool_use", id: "t3", name: "Read", input: { file_path: "/workspace/a.txt" } },
      ]),
      toolResultLine("t1", "<tool_use_error>Permission denied</tool_use_error>", { is_error: true }),
      toolResultLine("t2", "File created successfully at: /etc/elsewhere.txt"),
      toolResultLine("t3", [{ type: "text", text: "line one" }, { type: "image", source: { data: "AAAA" } }]),
    ]))
    expect(events.filter((event) => event.type === "tool.result")).toEqual([
      { type: "tool.result", callId: "t1", output: "<tool_use_error>Permission denied</tool_use_error>", isError: true },
      { type: "tool.result", callId: "t2", output: "File created successfully at: /etc/elsewhere.txt", isError: false },
      { type: "tool.result", callId: "t3", output: "line one\n[image]", isError: false },
    ])
    expect(events.some((event) => event.type === "file.changed")).toBe(false)
  })

  it("names the broker's MCP tools canonically and reports what they returned, an isError result as an error", () => {
    // Recorded from claude 2.1.197 (--include-partial-messages, --allowedTools …,mcp__second)
    // against a streamable-HTTP MCP server: present_plan answered, done_building answered isError.
    const events = visible(parseLines([
      line({ type: "stream_event", event: { type: "message_start", message: { id: "msg_fake1mxab99y5", type: "message", role: "assistant", model: "claude-opus-4-8", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0} }}, session_id: "27fc50d1-89a5-4f8a-9dbf-4eb8e836daba", parent_tool_use_id: null, uuid: "6d8a7c16-d2e6-4f55-8a2a-394eb0e0c379", ttft_ms: 14}),
      line({ type: "stream_event", event: { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "toolu_fake2mxab99y5", name: "mcp__second__present_plan", input: {} } }, session_id: "27fc50d1-89a5-4f8a-9dbf-4eb8e836daba", parent_tool_use_id: null, uuid: "8571f68c-57fd-4682-ac7d-4e908b4197af" }),
      line({ type: "stream_event", event: { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: "{\"title\":\"T\"}" } }, session_id: "27fc50d1-89a5-4f8a-9dbf-4eb8e836daba", parent_tool_use_id: null, uuid: "ec83c8c2-ee3d-4b34-b199-ad577080751b" }),
      line({ type: "assistant", message: { id: "msg_fake1mxab99y5", type: "message", role: "assistant", model: "claude-opus-4-8", content: [{ type: "tool_use", id: "toolu_fake2mxab99y5", name: "mcp__second__present_plan", input: { title: "T" } }], stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0}, context_management: null}, parent_tool_use_id: null, session_id: "27fc50d1-89a5-4f8a-9dbf-4eb8e836daba", uuid: "d66e2b98-537d-41b1-b808-47a60134e203", tool_use_meta: [{ id: "toolu_fake2mxab99y5", display_name: "Present Plan", server_display_name: "second" }] }),
      line({ type: "user", message: { role: "user", content: [{ tool_use_id: "toolu_fake2mxab99y5", type: "tool_result", content: [{ type: "text", text: "Plan shown to the person." }] }] }, parent_tool_use_id: null, session_id: "27fc50d1-89a5-4f8a-9dbf-4eb8e836daba", uuid: "9d68d4fc-e1b9-4182-836e-f8fbd7f8cd16", timestamp: "2026-12-05T11:09:57.579Z", tool_use_result: [{ type: "text", text: "Plan shown to the person." }] }),
      line({ type: "stream_event", event: { type: "message_start", message: { id: "msg_fake3mxab99zz", type: "message", role: "assistant", model: "claude-opus-4-8", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0} }}, session_id: "27fc50d1-89a5-4f8a-9dbf-4eb8e836daba", parent_tool_use_id: null, uuid: "496fb905-8bdb-41a4-81a2-4a40e61c113e", ttft_ms: 18}),
      line({ type: "stream_event", event: { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "toolu_fake4mxab99zz", name: "mcp__second__done_building", input: {} } }, session_id: "27fc50d1-89a5-4f8a-9dbf-4eb8e836daba", parent_tool_use_id: null, uuid: "4e5a724c-aa79-4887-8019-972fbe5b4a41" }),
      line({ type: "stream_event", event: { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: "{\"title\":\"D\"}" } }, session_id: "27fc50d1-89a5-4f8a-9dbf-4eb8e836daba", parent_tool_use_id: null, uuid: "25509ba8-dee6-42bb-9aa2-d03487a12d1c" }),
      line({ type: "assistant", message: { id: "msg_fake3mxab99zz", type: "message", role: "assistant", model: "claude-opus-4-8", content: [{ type: "tool_use", id: "toolu_fake4mxab99zz", name: "mcp__second__done_building", input: { title: "D" } }], stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0}, context_management: null}, parent_tool_use_id: null, session_id: "27fc50d1-89a5-4f8a-9dbf-4eb8e836daba", uuid: "fce3a60e-c7d0-4f34-a7ff-add6ae07aaf2", tool_use_meta: [{ id: "toolu_fake4mxab99zz", display_name: "Done Building", server_display_name: "second" }] }),
      line({ type: "user", message: { role: "user", content: [{ type: "tool_result", content: "Nothing was built.", is_error: true, tool_use_id: "toolu_fake4mxab99zz" }] }, parent_tool_use_id: null, session_id: "27fc50d1-89a5-4f8a-9dbf-4eb8e836daba", uuid: "d1c11e61-2b39-45ce-9a21-cf70a6259a57", timestamp: "2026-12-05T11:09:57.648Z", tool_use_result: "Error: Nothing was built." }),
    ]))
    expect(events.filter((event) => event.type === "tool.started" || event.type === "tool.result")).toEqual([
      { type: "tool.started", callId: "toolu_fake2mxab99y5", name: "second.present_plan", input: null },
      { type: "tool.result", callId: "toolu_fake2mxab99y5", output: "Plan shown to the person.", isError: false },
      { type: "tool.started", callId: "toolu_fake4mxab99zz", name: "second.done_building", input: null },
      { type: "tool.result", callId: "toolu_fake4mxab99zz", output: "Nothing was built.", isError: true },
    ])
  })

  it("keeps a subagent's words out of the answer but shows its tools", () => {
    const events = visible(parseLines([
      assistantLine("m9", [{ type: "text", text: "subagent musing" }, { type: "tool_use", id: "t9", name: "Bash", input: { command: "ls" } }], { parent_tool_use_id: "task-1" }),
    ]))
    expect(events).toEqual([{ type: "tool.started", callId: "t9", name: "Bash", input: { command: "ls" } }])
  })

  it("counts cached input in the input total and reports cache reads apart", () => {
    const events = visible(parseLines([
      resultLine({ total_cost_usd: 0.5, usage: { input_tokens: 3, cache_creation_input_tokens: 100, cache_read_input_tokens: 2000, output_tokens: 40 } }),
    ]))
    expect(events[0]).toEqual({ type: "usage", inputTokens: 2103, outputTokens: 40, cachedInputTokens: 2000, costUsd: 0.5 })
  })

  // Result lines as Claude Code 2.1.197 printed them for HTTP errors from the fake model.
  const apiError = (status: number, kind: string, message: string) => [
    assistantLine("synthetic", [{ type: "text", text: message }], { error: kind }),
    resultLine({ is_error: true, api_error_status: status, result: message, stop_reason: "stop_sequence", terminal_reason: "completed" }),
  ]

  it.each([
    [400, "unknown", "API Error: 400 bad request here", false, "invalid_request"],
    [401, "authentication_failed", "Failed to authenticate. API Error: 401 invalid x-api-key", false, "authentication_failed"],
    [429, "rate_limit", "API Error: Request rejected (429) · rate limit", true, "rate_limit"],
    [529, "overloaded", "API Error: 529 Overloaded. This is a server-side issue", true, "overloaded"],
    [500, "server_error", "API Error: 500 internal", true, "server_error"],
  ])("fails the turn on HTTP %i with an error (retryable: %s) and shows no synthetic text", (status, kind, message, retryable, code) => {
    const parsed = parseLines(apiError(status, kind, message))
    expect(visible(parsed).filter((event) => event.type !== "usage")).toEqual([
      { type: "error", message, retryable, code },
      { type: "turn.completed", outcome: "failed" },
    ])
    expect(parsed.map((result) => result.turnEnded)).toEqual([false, true])
  })

  it("does not retry limits Claude enforces itself, and reports an interrupted turn as cancelled", () => {
    const maxTurns = visible(parseLines([resultLine({ subtype: "error_max_turns", is_error: true, errors: ["Reached maximum number of turns (3)"] })]))
    expect(maxTurns).toContainEqual({ type: "error", message: "Reached maximum number of turns (3)", retryable: false, code: "max_turns" })
    const interrupted = parseLines([
      line({ type: "user", message: { role: "user", content: [{ type: "text", text: "[Request interrupted by user]" }] }, ...SESSION }),
      resultLine({ subtype: "error_during_execution", is_error: true, terminal_reason: "aborted_streaming", errors: ["[ede_diagnostic] result_type=user"] }),
    ])
    expect(visible(interrupted).filter((event) => event.type !== "usage")).toEqual([{ type: "turn.completed", outcome: "cancelled" }])
    expect(interrupted[1]!.turnEnded).toBe(true)
  })

  it("never throws on garbage or unexpected shapes, keeping what it cannot read as raw", () => {
    const garbage = [
      "", "   ", "not json", "{", "42", "null", "[]", '"text"',
      line({ type: "stream_event" }),
      line({ type: "stream_event", event: { type: "content_block_delta", index: 7, delta: { type: "input_json_delta", partial_json: "{" } } }),
      line({ type: "stream_event", event: { type: "content_block_delta", delta: null } }),
      line({ type: "assistant", message: { content: "oops" } }),
      line({ type: "assistant", message: null }),
      line({ type: "user", message: null }),
      line({ type: "user", message: { content: [{ type: "tool_result" }] } }),
      line({ type: "result" }),
      line({ type: "result", usage: "many", total_cost_usd: "free" }),
      line({ type: "system", subtype: "init" }),
      line({ type: "something_new", payload: [1, 2] }),
    ]
    const parsed = parseLines(garbage)
    for (const event of eventsOf(parsed)) expect(() => decodeRunEvent(event)).not.toThrow()
    expect(parsed.slice(0, 2)).toEqual([{ events: [], turnEnded: false }, { events: [], turnEnded: false }])
    expect(parsed[2]!.events).toEqual([{ type: "raw", runtime: "claude", payload: "not json" }])
    expect(parsed[3]!.events).toEqual([{ type: "raw", runtime: "claude", payload: "{" }])
    expect(parsed.at(-1)!.events).toEqual([{ type: "raw", runtime: "claude", payload: { type: "something_new", payload: [1, 2] } }])
  })
})

describe("claudeUserMessage", () => {
  it("is one JSON line (no newline; the process writer adds it) carrying the text as a user message", () => {
    const message = claudeUserMessage('Say "hi"\nthen stop')
    expect(message).not.toContain("\n")
    expect(JSON.parse(message)).toEqual({ type: "user", message: { role: "user", content: [{ type: "text", text: 'Say "hi"\nthen stop' }] } })
  })
})
