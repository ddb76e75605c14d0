// The Codex protocol without a process: notifications recorded from the real app-server mapped to
// RunEvents (text, a patch that created a file, a command), the session calls' JSON-RPC traffic,
// and the shapes the recordings lack (reasoning, MCP tools, declined or failed tools, errors,
// interruption, sub-agents, resume). The answers to the server's requests: codex-server-requests.test.ts.

import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { decodeRunEvent, type RunEvent } from "#shared/runtime/run-event.ts"
import {
  answerCodexServerRequest, codexServerRequestHandler, createCodexEventMapper, interruptCodexTurn, openCodexThread,
  startCodexSession, startCodexTurn, type CodexSessionOptions,
} from "./codex-app-server.ts"
import { classifyCodexError } from "./codex-event-mapper.ts"
import { CodexRpc, CodexRpcError, codexRpcError } from "./codex-rpc.ts"

const SAMPLES = fileURLToPath(new URL("../../../../tests/fixtures/fake-model/samples/", import.meta.url))
const WORKDIR = "/workspace" // the recordings' working directory, after path scrubbing
const THREAD = "01a21fe0-b84f-7933-8811-ba4712753f98"
const TURN = "01a21fe0-b89a-7a52-a984-20f8aa080343"

type Message = { method?: string; id?: number; params?: unknown }
const sample = (name: string): Message[] =>
  readFileSync(`${SAMPLES}${name}.jsonl`, "utf8").split("\n").filter((line) => line !== "").map((line) => JSON.parse(line) as Message)

/** Maps a sample's notifications (responses and server requests left out) with one mapper. */
function mapAll(messages: readonly Message[], mapper = createCodexEventMapper({ workdir: WORKDIR })) {
  const results = messages.filter((message) => message.method !== undefined && message.id === undefined).map((message) => mapper.map(message.method!, message.params))
  const events = results.flatMap((result) => result.events)
  for (const event of events) expect(() => decodeRunEvent(event)).not.toThrow()
  return { results, events, visible: events.filter((event) => event.type !== "raw") }
}

/** Replaces the tool sample's item/completed items through `edit` (by item type). */
const editCompleted = (messages: readonly Message[], edit: (item: Record<string, unknown>) => Record<string, unknown>): Message[] =>
  messages.map((message) => {
    if (message.method !== "item/completed") return message
    const params = message.params as { item: Record<string, unknown> }
    return { ...message, params: { ...params, item: edit(params.item) } }
  })

const note = (method: string, params: Record<string, unknown> = {}) => ({ method, params: { threadId: THREAD, turnId: TURN, ...params } })
const turnStarted = note("turn/started", { turn: { id: TURN, status: "inProgress" } })
const turnCompleted = (status: string, error: unknown = null) => note("turn/completed", { turn: { id: TURN, status, error, items: [] } })

describe("Codex notifications → RunEvents, on the recorded samples", () => {
  it("a text turn: session.started, the streamed text once, the turn's usage, turn.completed", () => {
    const { results, visible } = mapAll(sample("codex-app-server-text"))
    expect(visible).toEqual([
      { type: "session.started", runtime: "codex", sessionId: "01a21fe0-b84f-7933-8811-ba4712753f98", model: "gpt-5.5" },
      { type: "text.delta", text: "Hello over JSON-RPC" },
      { type: "usage", inputTokens: 10, outputTokens: 5, cachedInputTokens: 0, costUsd: null },
      { type: "turn.completed", outcome: "completed" },
    ])
    expect(results.map((result) => result.turnEnded)).toEqual(results.map((_, index) => index === results.length - 1))
    expect(results.flatMap((result) => (result.threadId ? [result.threadId] : []))).toEqual(["01a21fe0-b84f-7933-8811-ba4712753f98"])
  })

  it("a tool turn: apply_patch with file.changed, a shell command, the text, usage summed over the turn's model calls", () => {
    // The recording starts at the second turn of the session: no thread/started, as after a resume.
    const { visible } = mapAll(sample("codex-app-server-tool"))
    expect(visible).toEqual([
      { type: "session.started", runtime: "codex", sessionId: THREAD, model: null },
      { type: "tool.started", callId: "call_fakeqmwzri090", name: "apply_patch", input: { changes: [{ path: "hello.txt", kind: "add" }] } },
      { type: "tool.result", callId: "call_fakeqmwzri090", output: "A hello.txt", isError: false },
      { type: "file.changed", path: "hello.txt", change: "created" },
      { type: "tool.started", callId: "call_faketmwzri0ao", name: "shell", input: { command: "/bin/bash -lc 'echo canary > out.txt'" } },
      { type: "tool.result", callId: "call_faketmwzri0ao", output: "", isError: false },
      { type: "text.delta", text: "Both done." },
      // Three model calls of 10 + 5 tokens each: `last` summed, not the thread's running `total` (60 + 40).
      { type: "usage", inputTokens: 30, outputTokens: 15, cachedInputTokens: 0, costUsd: null },
      { type: "turn.completed", outcome: "completed" },
    ])
  })

  it("a declined patch and command: results say declined, are errors, and no file.changed", () => {
    const declined = editCompleted(sample("codex-app-server-tool"), (item) => (item["type"] === "agentMessage" ? item : { ...item, status: "declined", exitCode: null }))
    const { visible } = mapAll(declined)
    expect(visible.filter((event) => event.type === "tool.result")).toEqual([
      { type: "tool.result", callId: "call_fakeqmwzri090", output: "declined: the patch was not applied", isError: true },
      { type: "tool.result", callId: "call_faketmwzri0ao", output: "declined", isError: true },
    ])
    expect(visible.some((event) => event.type === "file.changed")).toBe(false)
  })

  it("a patch that failed to apply: an error result and no file.changed", () => {
    const failed = editCompleted(sample("codex-app-server-tool"), (item) => (item["type"] === "fileChange" ? { ...item, status: "failed" } : item))
    const { visible } = mapAll(failed)
    expect(visible).toContainEqual({ type: "tool.result", callId: "call_fakeqmwzri090", output: "failed: the patch was not applied", isError: true })
    expect(visible.some((event) => event.type === "file.changed")).toBe(false)
  })

  it("answers the sample's approval requests with decline", () => {
    const requests = sample("codex-app-server-tool").filter((message) => message.method !== undefined && message.id !== undefined)
    expect(requests.map((request) => [request.method, answerCodexServerRequest(request.method!, request.params)])).toEqual([
      ["item/fileChange/requestApproval", { result: { decision: "decline" } }],
      ["item/commandExecution/requestApproval", { result: { decision: "decline" } }],
    ])
  })

  it("keeps unknown notifications as raw and drops the known chatter", () => {
    const mapper = createCodexEventMapper({ workdir: WORKDIR })
    expect(mapper.map("thread/status/changed", { threadId: THREAD, status: { type: "idle" } })).toEqual({ events: [], turnEnded: false })
    expect(mapper.map("account/rateLimits/updated", {}).events).toEqual([])
    expect(mapper.map("codex/somethingNew", { x: 1 }).events).toEqual([{ type: "raw", runtime: "codex", payload: { method: "codex/somethingNew", params: { x: 1 } } }])
    expect(mapper.map("rpc/unparsedLine", { line: "oops", reason: "not JSON" }).events[0]).toMatchObject({ type: "raw" })
  })
})

describe("Codex notifications → RunEvents, shapes the recordings lack", () => {
  const run = (messages: readonly { method: string; params: unknown }[], model: string | null = "gpt-x") => {
    const mapper = createCodexEventMapper({ workdir: WORKDIR, model })
    const results = messages.map((message) => mapper.map(message.method, message.params))
    const events = results.flatMap((result) => result.events)
    for (const event of events) expect(() => decodeRunEvent(event)).not.toThrow()
    return { events, ended: results.map((result) => result.turnEnded) }
  }
  const item = (method: "item/started" | "item/completed", value: Record<string, unknown>) => note(method, { item: value })

  it("streams reasoning deltas, and emits a completed message's text once when no delta came for it", () => {
    const { events } = run([
      turnStarted,
      note("item/reasoning/summaryTextDelta", { itemId: "r1", delta: "Thinking " }),
      note("item/reasoning/textDelta", { itemId: "r1", delta: "hard" }),
      item("item/completed", { type: "reasoning", id: "r1", summary: ["Thinking "], content: ["hard"] }),
      item("item/completed", { type: "reasoning", id: "r2", summary: ["Unstreamed thought"], content: [] }),
      item("item/started", { type: "agentMessage", id: "m1", text: "" }),
      item("item/completed", { type: "agentMessage", id: "m1", text: "Not streamed" }),
      note("item/agentMessage/delta", { itemId: "m2", delta: "Streamed" }),
      item("item/completed", { type: "agentMessage", id: "m2", text: "Streamed" }),
    ])
    expect(events).toEqual([
      { type: "session.started", runtime: "codex", sessionId: THREAD, model: "gpt-x" },
      { type: "reasoning.delta", text: "Thinking " },
      { type: "reasoning.delta", text: "hard" },
      { type: "reasoning.delta", text: "Unstreamed thought" },
      { type: "text.delta", text: "Not streamed" },
      { type: "text.delta", text: "Streamed" },
    ])
  })

  it("maps commands with output deltas and a failing exit code, MCP tool calls, and file updates, deletes and renames", () => {
    const { events } = run([
      turnStarted,
      item("item/started", { type: "commandExecution", id: "c1", command: "false", status: "inProgress", aggregatedOutput: null, exitCode: null }),
      note("item/commandExecution/outputDelta", { itemId: "c1", delta: "partial " }),
      note("item/commandExecution/outputDelta", { itemId: "c1", delta: "output" }),
      item("item/completed", { type: "commandExecution", id: "c1", command: "false", status: "failed", aggregatedOutput: null, exitCode: 1 }),
      item("item/completed", { type: "commandExecution", id: "c2", command: "ls", status: "completed", aggregatedOutput: "a\nb\n", exitCode: 0 }),
      item("item/started", { type: "mcpToolCall", id: "m1", server: "second", tool: "present_plan", status: "inProgress", arguments: { plan: "x" }, result: null, error: null }),
      item("item/completed", { type: "mcpToolCall", id: "m1", server: "second", tool: "present_plan", status: "completed", arguments: { plan: "x" }, result: { content: [{ type: "text", text: "ok" }], structuredContent: null }, error: null }),
      item("item/completed", { type: "mcpToolCall", id: "m2", server: "second", tool: "boom", status: "failed", arguments: {}, result: null, error: { message: "tool crashed" } }),
      item("item/completed", {
        type: "fileChange", id: "p1", status: "completed", changes: [
          { path: "/workspace/src/a.ts", kind: { type: "update", move_path: null }, diff: "" },
          { path: "/workspace/old.txt", kind: { type: "delete" }, diff: "" },
          { path: "/workspace/b.ts", kind: { type: "update", move_path: "/workspace/lib/b.ts" }, diff: "" },
          { path: "/etc/passwd", kind: { type: "update", move_path: null }, diff: "" },
        ],
      }),
    ])
    expect(events.filter((event) => event.type !== "session.started")).toEqual([
      { type: "tool.started", callId: "c1", name: "shell", input: { command: "false" } },
      { type: "tool.result", callId: "c1", output: "partial output", isError: true },
      { type: "tool.started", callId: "c2", name: "shell", input: { command: "ls" } },
      { type: "tool.result", callId: "c2", output: "a\nb\n", isError: false },
      { type: "tool.started", callId: "m1", name: "second.present_plan", input: { plan: "x" } },
      { type: "tool.result", callId: "m1", output: "ok", isError: false },
      { type: "tool.started", callId: "m2", name: "second.boom", input: {} },
      { type: "tool.result", callId: "m2", output: "tool crashed", isError: true },
      {
        type: "tool.started", callId: "p1", name: "apply_patch", input: {
          changes: [{ path: "src/a.ts", kind: "update" }, { path: "old.txt", kind: "delete" }, { path: "b.ts", kind: "update" }, { path: "/etc/passwd", kind: "update" }],
        },
      },
      { type: "tool.result", callId: "p1", output: "M src/a.ts\nD old.txt\nD b.ts\nA lib/b.ts\nM /etc/passwd", isError: false },
      { type: "file.changed", path: "src/a.ts", change: "modified" },
      { type: "file.changed", path: "old.txt", change: "deleted" },
      { type: "file.changed", path: "b.ts", change: "deleted" },
      { type: "file.changed", path: "lib/b.ts", change: "created" },
    ])
  })

  it("names the broker's MCP tools canonically and reports their text, an isError result as an error (Codex 0.171 items)", () => {
    // Recorded from codex 0.171.0 app-server against a streamable-HTTP MCP server: present_plan
    // answered, done_building answered with isError (status "failed", result kept, error null),
    // and a tool of another server whose approval was declined (result null, error set).
    const mcpItem = (id: string, server: string, tool: string, status: string, result: unknown, error: unknown) => ({
      type: "mcpToolCall", id, server, environmentId: null, tool, status, arguments: { title: "T" }, appContext: null, mcpAppUi: null,
      pluginId: null, readOnlyHint: null, result, error, durationMs: status === "inProgress" ? null : 7, startedAtMs: 1796469347686,
      completedAtMs: status === "inProgress" ? null : 1796469347693,
    })
    const text = (value: string) => ({ content: [{ type: "text", text: value }], structuredContent: null, _meta: null })
    const { events } = run([
      turnStarted,
      item("item/started", mcpItem("call_fc2", "second", "present_plan", "inProgress", null, null)),
      item("item/completed", mcpItem("call_fc2", "second", "present_plan", "completed", text("Plan shown to the person."), null)),
      item("item/started", mcpItem("call_fc4", "second", "done_building", "inProgress", null, null)),
      item("item/completed", mcpItem("call_fc4", "second", "done_building", "failed", text("Nothing was built."), null)),
      item("item/started", mcpItem("call_fc6", "other", "lookup", "inProgress", null, null)),
      item("item/completed", mcpItem("call_fc6", "other", "lookup", "failed", null, { message: "user rejected MCP tool call" })),
    ])
    expect(events.filter((event) => event.type !== "session.started")).toEqual([
      { type: "tool.started", callId: "call_fc2", name: "second.present_plan", input: { title: "T" } },
      { type: "tool.result", callId: "call_fc2", output: "Plan shown to the person.", isError: false },
      { type: "tool.started", callId: "call_fc4", name: "second.done_building", input: { title: "T" } },
      { type: "tool.result", callId: "call_fc4", output: "Nothing was built.", isError: true },
      { type: "tool.started", callId: "call_fc6", name: "mcp__other__lookup", input: { title: "T" } },
      { type: "tool.result", callId: "call_fc6", output: "user rejected MCP tool call", isError: true },
    ])
  })

  it("ends the turn cancelled when interrupted and failed when failed, with one error for the failure", () => {
    expect(run([turnStarted, turnCompleted("interrupted")])).toEqual({
      events: [{ type: "session.started", runtime: "codex", sessionId: THREAD, model: "gpt-x" }, { type: "turn.completed", outcome: "cancelled" }],
      ended: [false, true],
    })
    const failure = { message: "unexpected status 401 Unauthorized: bad key sk-abcdef1234567", codexErrorInfo: { httpConnectionFailed: { httpStatusCode: 401 } } }
    const notified = run([turnStarted, note("error", { error: failure, willRetry: false }), turnCompleted("failed", failure)], null)
    expect(notified.events.slice(1)).toEqual([
      { type: "error", message: "unexpected status 401 Unauthorized: bad key <redacted>", retryable: false, code: "httpConnectionFailed" },
      { type: "turn.completed", outcome: "failed" },
    ])
    // No error notification came: the turn's own error is the one reported.
    const silent = run([turnStarted, turnCompleted("failed", { message: "high demand", codexErrorInfo: "serverOverloaded" })])
    expect(silent.events.slice(1)).toEqual([
      { type: "error", message: "high demand", retryable: true, code: "serverOverloaded" },
      { type: "turn.completed", outcome: "failed" },
    ])
  })

  it("keeps sub-agents' notifications as raw, never ending this session's turn", () => {
    const subAgent = { method: "thread/started", params: { thread: { id: "sub-agent-thread", parentThreadId: THREAD, model: "gpt-mini" } } }
    const subTurn = (method: string) => ({ method, params: { threadId: "sub-agent-thread", turn: { id: "x", status: "completed" } } })
    const { events, ended } = run([turnStarted, note("item/agentMessage/delta", { itemId: "m", delta: "mine" }), subAgent, subTurn("turn/started"), subTurn("turn/completed")])
    expect(ended).toEqual([false, false, false, false, false])
    expect(events.map((event) => event.type)).toEqual(["session.started", "text.delta", "raw", "raw", "raw"])
  })

  it("follows the process to a new thread, started or resumed, with a session.started for each", () => {
    const { events, ended } = run([
      turnStarted, turnCompleted("completed"),
      { method: "thread/started", params: { thread: { id: "second", parentThreadId: null, model: "gpt-5.5" } } },
      { method: "turn/started", params: { threadId: "second", turn: { id: "t2" } } },
      { method: "turn/completed", params: { threadId: "second", turn: { id: "t2", status: "completed" } } },
      { method: "turn/started", params: { threadId: "resumed", turn: { id: "t3" } } },
      { method: "item/agentMessage/delta", params: { threadId: "resumed", itemId: "m", delta: "back" } },
      { method: "turn/completed", params: { threadId: "resumed", turn: { id: "t3", status: "completed" } } },
    ])
    expect(events).toEqual([
      { type: "session.started", runtime: "codex", sessionId: THREAD, model: "gpt-x" },
      { type: "turn.completed", outcome: "completed" },
      { type: "session.started", runtime: "codex", sessionId: "second", model: "gpt-5.5" },
      { type: "turn.completed", outcome: "completed" },
      { type: "session.started", runtime: "codex", sessionId: "resumed", model: "gpt-x" },
      { type: "text.delta", text: "back" },
      { type: "turn.completed", outcome: "completed" },
    ])
    expect(ended).toEqual([false, true, false, false, true, false, false, true])
  })

  it("ignores the usage a resume replays before any turn starts", () => {
    const usage = (turnId: string, input: number) => note("thread/tokenUsage/updated", { turnId, tokenUsage: { total: { inputTokens: 99, outputTokens: 99, cachedInputTokens: 0 }, last: { inputTokens: input, outputTokens: 2, cachedInputTokens: 3 } } })
    const { events } = run([usage("previous-turn", 1000), turnStarted, usage("previous-turn", 1000), usage(TURN, 7), usage(TURN, 8), turnCompleted("completed")])
    expect(events.filter((event) => event.type === "usage")).toEqual([{ type: "usage", inputTokens: 15, outputTokens: 4, cachedInputTokens: 6, costUsd: null }])
  })

  it("never throws on odd params", () => {
    const mapper = createCodexEventMapper({ workdir: WORKDIR })
    for (const params of [undefined, null, 42, "text", [], { item: 5 }, { item: { type: "fileChange", changes: "no" } }, { turn: null }]) {
      for (const method of ["thread/started", "turn/started", "item/started", "item/completed", "item/agentMessage/delta", "thread/tokenUsage/updated", "error", "turn/completed"]) {
        expect(() => mapper.map(method, params)).not.toThrow()
      }
    }
  })
})

describe("classifyCodexError", () => {
  it.each([
    ["willRetry", "Reconnecting… 1/5", "other", true, true],
    ["rate limit", "slow down", "rateLimitExceeded", false, true],
    ["overloaded", "high demand", "serverOverloaded", false, true],
    ["server error", "We're currently experiencing high demand", "internalServerError", false, true],
    ["HTTP 429 after retries", "exceeded retry limit, last status: 429", { responseTooManyFailedAttempts: { httpStatusCode: 429 } }, false, true],
    ["HTTP 503", "stream disconnected", { responseStreamDisconnected: { httpStatusCode: 503 } }, false, true],
    ["no HTTP answer", "connection refused", { httpConnectionFailed: { httpStatusCode: null } }, false, true],
    ["HTTP 401", "unexpected status 401 Unauthorized", { httpConnectionFailed: { httpStatusCode: 401 } }, false, false],
    ["unauthorized", "Unauthorized", "unauthorized", false, false],
    ["bad request", "invalid", "badRequest", false, false],
    ["usage limit", "You've hit your usage limit", "usageLimitExceeded", false, false],
    ["other, says 502", "upstream returned 502", "other", false, true],
    ["other, says invalid_request", '{"error":{"type":"invalid_request_error"}}', "other", false, false],
    ["nothing known", "something odd", null, false, false],
  ])("%s", (_name, message, info, willRetry, retryable) => {
    expect(classifyCodexError(message, info, willRetry).retryable).toBe(retryable)
  })
})

describe("session calls", () => {
  /** A CodexRpc whose "server" answers each request with `answer(method, params)` (a thrown CodexRpcError becomes an error response). */
  function fakeServer(answer: (method: string, params: Record<string, unknown>) => unknown) {
    const sent: { method: string; params: unknown }[] = []
    const rpc: CodexRpc = new CodexRpc(
      {
        write(line) {
          const message = JSON.parse(line) as { id?: number; method: string; params: Record<string, unknown> }
          sent.push({ method: message.method, params: message.params })
          if (message.id === undefined) return
          let reply: unknown
          try {
            reply = { id: message.id, result: answer(message.method, message.params) }
          } catch (error) {
            reply = { id: message.id, error: { code: (error as CodexRpcError).code, message: (error as Error).message } }
          }
          queueMicrotask(() => rpc.handleLine(JSON.stringify(reply)))
        },
      },
      { onServerRequest: () => null, onNotification: () => undefined },
    )
    return { rpc, sent }
  }
  const options: CodexSessionOptions = { cwd: "/w", model: null, instructions: "Be brief.", sandbox: "workspace-write", approvals: "decline" }

  it.effect("initializes, sends initialized, and logs in with the key", () =>
    Effect.gen(function* () {
      const { rpc, sent } = fakeServer((method) => (method === "account/login/start" ? { type: "apiKey" } : {}))
      yield* startCodexSession(rpc, { apiKey: "sk-key-1234567", clientVersion: "1.2.3" })
      expect(sent).toEqual([
        { method: "initialize", params: { clientInfo: { name: "second-worker", title: "Second worker", version: "1.2.3" }, capabilities: null } },
        { method: "initialized", params: undefined },
        { method: "account/login/start", params: { type: "apiKey", apiKey: "sk-key-1234567" } },
      ])
    }))

  it.effect("resumes a thread that exists, and starts a new one when Codex has no such thread", () =>
    Effect.gen(function* () {
      const known = fakeServer((method, params) => ({ thread: { id: method === "thread/resume" ? params["threadId"] : "new" } }))
      expect(yield* openCodexThread(known.rpc, { ...options, resumeThreadId: "t-1" })).toBe("t-1")
      expect(known.sent).toEqual([{ method: "thread/resume", params: { threadId: "t-1", cwd: "/w", approvalPolicy: "never", sandbox: "workspace-write", developerInstructions: "Be brief.", excludeTurns: true } }])

      const gone = fakeServer((method) => {
        if (method === "thread/resume") throw codexRpcError(method, -32600, "no rollout found for thread id t-1")
        return { thread: { id: "t-2" } }
      })
      expect(yield* openCodexThread(gone.rpc, { ...options, model: "gpt-5.5", resumeThreadId: "t-1" })).toBe("t-2")
      expect(gone.sent.map((message) => message.method)).toEqual(["thread/resume", "thread/start"])
      expect(gone.sent[1]!.params).toEqual({ cwd: "/w", approvalPolicy: "never", sandbox: "workspace-write", model: "gpt-5.5", developerInstructions: "Be brief." })

      // An internal error is not a missing thread: the run must fail rather than silently lose it.
      const broken = fakeServer(() => {
        throw codexRpcError("thread/resume", -32603, "disk full")
      })
      expect(yield* Effect.flip(openCodexThread(broken.rpc, { ...options, resumeThreadId: "t-1" }))).toMatchObject({ code: -32603 })
    }))

  it.effect("starts a turn and returns its id; an interrupt of an ended turn succeeds with false", () =>
    Effect.gen(function* () {
      const { rpc, sent } = fakeServer((method) => {
        if (method === "turn/interrupt") throw codexRpcError(method, -32600, "no active turn to interrupt")
        return { turn: { id: "turn-1", status: "inProgress" } }
      })
      expect(yield* startCodexTurn(rpc, "t-1", { text: "Hi" }, options)).toBe("turn-1")
      expect(sent[0]).toEqual({ method: "turn/start", params: { threadId: "t-1", input: [{ type: "text", text: "Hi", text_elements: [] }], cwd: "/w", approvalPolicy: "never" } })
      expect(yield* interruptCodexTurn(rpc, "t-1", "turn-1")).toBe(false)
      expect(sent[1]).toEqual({ method: "turn/interrupt", params: { threadId: "t-1", turnId: "turn-1" } })
    }))
})
