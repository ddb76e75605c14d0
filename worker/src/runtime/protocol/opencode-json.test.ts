// The OpenCode `run --format json` parser against real recorded output and against shapes the
// recordings lack (edits, patches, failed tools, parts printed again as they grow, errors with
// keys in them, garbage). Inline lines copy what OpenCode 1.18.33 printed against the fake model.

import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { decodeRunEvent, type RunEvent } from "#shared/runtime/run-event.ts"
import { createOpencodeParser, opencodeLoggedErrors } from "./opencode-json.ts"
import { redactSecrets } from "./redact-secrets.ts"
import type { ParsedLine } from "./parsed-line.ts"

const SAMPLES = fileURLToPath(new URL("../../../../tests/fixtures/fake-model/samples/", import.meta.url))
const WORKDIR = "/workspace" // the recordings' working directory, after path scrubbing
const SESSION = "ses_de01f4055ffetmtwY66PpPSxnP"

const sampleLines = (name: string): string[] => readFileSync(`${SAMPLES}${name}.jsonl`, "utf8").split("\n").filter((line) => line !== "")
/** What OpenCode printed on stderr beside a sample, with OPENCODE_ERROR_LOG set. */
const sampleStderr = (name: string): string => readFileSync(`${SAMPLES}${name}.stderr.txt`, "utf8")

interface ParseOptions {
  readonly workdir?: string
  readonly model?: string
  readonly stderr?: string
}

function parseLines(lines: readonly string[], options: ParseOptions = {}): ParsedLine[] {
  const parser = createOpencodeParser({
    workdir: options.workdir ?? WORKDIR,
    ...(options.model === undefined ? {} : { model: options.model }),
    ...(options.stderr === undefined ? {} : { stderr: () => options.stderr! }),
  })
  return lines.map((line) => parser.parse(line))
}
const eventsOf = (parsed: readonly ParsedLine[]): RunEvent[] => parsed.flatMap((line) => line.events)
const visible = (parsed: readonly ParsedLine[]) => eventsOf(parsed).filter((event) => event.type !== "raw")
const ofType = <T extends RunEvent["type"]>(events: readonly RunEvent[], type: T) =>
  events.filter((event): event is Extract<RunEvent, { type: T }> => event.type === type)

const line = (type: string, fields: object) => JSON.stringify({ type, timestamp: 1, sessionID: SESSION, ...fields })
const stepStart = () => line("step_start", { part: { id: "prt_s", sessionID: SESSION, type: "step-start" } })
const stepFinish = (reason: string, tokens: object = { total: 15, input: 10, output: 5, reasoning: 0, cache: { write: 0, read: 0 } }, cost = 0) =>
  line("step_finish", { part: { id: "prt_f", reason, sessionID: SESSION, type: "step-finish", tokens, cost } })
const textPart = (id: string, text: string, type = "text") => line(type, { part: { id, sessionID: SESSION, type, text, time: { start: 1, end: 2 } } })
const toolPart = (callID: string, tool: string, state: object) => line("tool_use", { part: { type: "tool", tool, callID, state, id: `prt_${callID}`, sessionID: SESSION } })

describe("OpenCode run --format json samples", () => {
  it.each(["opencode-text", "opencode-tool"])("%s: every event fits the RunEvent schema; only the last line ends the run", (name) => {
    const lines = sampleLines(name)
    const parsed = parseLines(lines)
    for (const event of eventsOf(parsed)) expect(() => decodeRunEvent(event)).not.toThrow()
    expect(parsed.map((result) => result.turnEnded)).toEqual(lines.map((_, index) => index === lines.length - 1))
  })

  it("turns a text run into a session start, the text, usage and a completed turn", () => {
    const parsed = parseLines(sampleLines("opencode-text"), { model: "fake/fake-model" })
    expect(visible(parsed)).toEqual([
      { type: "session.started", runtime: "opencode", sessionId: SESSION, model: "fake/fake-model" },
      { type: "text.delta", text: "Hello from the fake model" },
      { type: "usage", inputTokens: 10, outputTokens: 5, cachedInputTokens: 0, costUsd: 0 },
      { type: "turn.completed", outcome: "completed" },
    ])
    expect(parsed.map((result) => result.sessionId)).toEqual([SESSION, undefined, undefined])
  })

  it("shows each tool with its input and result, the file it created, and ends only after the final step", () => {
    const events = visible(parseLines(sampleLines("opencode-tool")))
    expect(events.map((event) => event.type)).toEqual([
      "session.started",
      "tool.started", "tool.result", "file.changed", "usage",
      "tool.started", "tool.result", "usage",
      "text.delta", "usage", "turn.completed",
    ])
    expect(ofType(events, "tool.started")).toEqual([
      { type: "tool.started", callId: "call_fake15mwzri46v", name: "write", input: { filePath: "/workspace/hello.txt", content: "hello from the fake model\n" } },
      { type: "tool.started", callId: "call_fake17mwzri4ca", name: "bash", input: { command: "echo canary > out.txt", description: "Run the scripted command" } },
    ])
    expect(ofType(events, "tool.result")).toEqual([
      { type: "tool.result", callId: "call_fake15mwzri46v", output: "Wrote file successfully.", isError: false },
      { type: "tool.result", callId: "call_fake17mwzri4ca", output: "(no output)", isError: false },
    ])
    expect(ofType(events, "file.changed")).toEqual([{ type: "file.changed", path: "hello.txt", change: "created" }])
    expect(ofType(events, "turn.completed")).toEqual([{ type: "turn.completed", outcome: "completed" }])
  })
})

describe("OpenCode shapes beyond the recordings", () => {
  it("emits only the new suffix when a text or reasoning part is printed again, grown", () => {
    const events = visible(parseLines([
      textPart("prt_r", "Let me", "reasoning"),
      textPart("prt_r", "Let me think", "reasoning"),
      textPart("prt_t", "Hello"),
      textPart("prt_t", "Hello"),
      textPart("prt_t", "Hello, world"),
      textPart("prt_u", "Second part"),
    ])).filter((event) => event.type !== "session.started")
    expect(events).toEqual([
      { type: "reasoning.delta", text: "Let me" },
      { type: "reasoning.delta", text: " think" },
      { type: "text.delta", text: "Hello" },
      { type: "text.delta", text: ", world" },
      { type: "text.delta", text: "Second part" },
    ])
  })

  it("starts a tool once however often its part is printed, and reports its result once", () => {
    const input = { command: "ls", description: "List" }
    const events = visible(parseLines([
      toolPart("call_1", "bash", { status: "pending", input: {} }),
      toolPart("call_1", "bash", { status: "running", input }),
      toolPart("call_1", "bash", { status: "completed", input, output: "a.txt", metadata: { exit: 0 } }),
      toolPart("call_1", "bash", { status: "completed", input, output: "a.txt", metadata: { exit: 0 } }),
    ]))
    expect(events.filter((event) => event.type !== "session.started")).toEqual([
      { type: "tool.started", callId: "call_1", name: "bash", input: {} },
      { type: "tool.result", callId: "call_1", output: "a.txt", isError: false },
    ])
  })

  it("names the broker's MCP tools canonically, with what they returned, an isError result as an error", () => {
    // Recorded from opencode 1.18.33 with the `second` MCP server (streamable HTTP) in its config:
    // present_plan answered, done_building answered isError.
    const events = visible(parseLines([
      JSON.stringify({ type: "tool_use", timestamp: 1796469753778, sessionID: "ses_dba0f0581ffehmXyjFi064hjB0", part: { type: "tool", tool: "second_present_plan", callID: "call_fake3mxabpgzs", state: { status: "completed", input: { title: "T" }, output: "Plan shown to the person.", metadata: { truncated: false}, title: "", time: { start: 1796469753686, end: 1796469753746} }, id: "prt_245f10745001hiXEUzSlyNpvbf", sessionID: "ses_dba0f0581ffehmXyjFi064hjB0", messageID: "msg_245f10045001Ln01dbWdubZkTb" } }),
      JSON.stringify({ type: "tool_use", timestamp: 1796469753996, sessionID: "ses_dba0f0581ffehmXyjFi064hjB0", part: { type: "tool", tool: "second_done_building", callID: "call_fake5mxabphjq", state: { status: "error", input: { title: "D" }, error: "Nothing was built.", time: { start: 1796469753910, end: 1796469753953} }, id: "prt_245f10826001YR6Ar01CTgyF6r", sessionID: "ses_dba0f0581ffehmXyjFi064hjB0", messageID: "msg_245f107a4001k1z2Iw81f6DqcQ" } }),
    ]))
    expect(events.filter((event) => event.type === "tool.started" || event.type === "tool.result")).toEqual([
      { type: "tool.started", callId: "call_fake3mxabpgzs", name: "second.present_plan", input: { title: "T" } },
      { type: "tool.result", callId: "call_fake3mxabpgzs", output: "Plan shown to the person.", isError: false },
      { type: "tool.started", callId: "call_fake5mxabphjq", name: "second.done_building", input: { title: "D" } },
      { type: "tool.result", callId: "call_fake5mxabphjq", output: "Nothing was built.", isError: true },
    ])
  })

  it("reports edits as modified files and failed tools as errors without a change", () => {
    const events = visible(parseLines([
      toolPart("call_e", "edit", {
        status: "completed", input: { filePath: "/workspace/src/hello.txt", oldString: "one", newString: "two" }, output: "Edit applied successfully.",
        metadata: { diagnostics: {}, filediff: { file: "/workspace/src/hello.txt", additions: 1, deletions: 1 }, truncated: false },
      }),
      toolPart("call_w", "write", { status: "completed", input: { filePath: "/workspace/src/hello.txt", content: "x" }, output: "Wrote file successfully.", metadata: { exists: true } }),
      toolPart("call_x", "edit", { status: "error", input: { filePath: "/workspace/missing.txt", oldString: "one", newString: "two" }, error: "File /workspace/missing.txt not found" }),
      toolPart("call_o", "write", { status: "completed", input: { filePath: "/home/agent/outside.txt", content: "x" }, output: "Wrote file successfully.", metadata: { exists: false } }),
    ]))
    expect(ofType(events, "file.changed")).toEqual([
      { type: "file.changed", path: "src/hello.txt", change: "modified" },
      { type: "file.changed", path: "src/hello.txt", change: "modified" },
    ])
    expect(ofType(events, "tool.result").find((event) => event.callId === "call_x")).toEqual({
      type: "tool.result", callId: "call_x", output: "File /workspace/missing.txt not found", isError: true,
    })
  })

  it("reads every file an apply_patch call added, updated, moved or deleted", () => {
    const files = [
      { filePath: "/workspace/new.ts", relativePath: "new.ts", type: "add" },
      { filePath: "/workspace/old.ts", relativePath: "old.ts", type: "update" },
      { filePath: "/workspace/a.ts", relativePath: "b.ts", type: "move", movePath: "/workspace/b.ts" },
      { filePath: "/workspace/gone.ts", relativePath: "gone.ts", type: "delete" },
    ]
    const events = visible(parseLines([
      toolPart("call_p", "apply_patch", { status: "completed", input: { patchText: "*** Begin Patch…" }, output: "Success.", metadata: { diff: "", files } }),
    ]))
    expect(ofType(events, "file.changed").map(({ path, change }) => [path, change])).toEqual([
      ["new.ts", "created"], ["old.ts", "modified"], ["a.ts", "deleted"], ["b.ts", "created"], ["gone.ts", "deleted"],
    ])
  })

  it("sums usage per step, counting cached input and reasoning in the totals", () => {
    const events = visible(parseLines([stepFinish("tool-calls", { input: 100, output: 20, reasoning: 7, cache: { read: 900, write: 50 } }, 0.01)]))
    expect(ofType(events, "usage")).toEqual([{ type: "usage", inputTokens: 1050, outputTokens: 27, cachedInputTokens: 900, costUsd: 0.01 }])
  })

  it("does not end the run on steps OpenCode continues after, nor before the error of a filtered step", () => {
    const parsed = parseLines([
      stepStart(), stepFinish("tool-calls"),
      stepStart(), stepFinish("unknown"),
      stepStart(), stepFinish("content-filter"),
      line("error", { error: { name: "ContentFilterError", data: { message: "The response was blocked by the provider's content filter" } } }),
    ])
    expect(parsed.map((result) => result.turnEnded)).toEqual([false, false, false, false, false, false, true])
    expect(visible(parsed).slice(-2)).toEqual([
      { type: "error", message: "The response was blocked by the provider's content filter", retryable: false, code: "content_filter" },
      { type: "turn.completed", outcome: "failed" },
    ])
  })

  it("ends the run on a final step of any other reason", () => {
    for (const reason of ["stop", "length", "other"]) {
      const parsed = parseLines([stepStart(), stepFinish(reason)])
      expect(parsed[1]).toMatchObject({ turnEnded: true, events: expect.arrayContaining([{ type: "turn.completed", outcome: "completed" }]) })
    }
  })

  // Error lines as OpenCode printed them when the fake model answered 401 and 400 (trimmed).
  const apiError = (statusCode: number, message: string, isRetryable?: boolean) =>
    line("error", { error: { name: "APIError", data: { message, statusCode, ...(isRetryable === undefined ? {} : { isRetryable }), responseHeaders: {}, responseBody: "{}" } } })

  it("fails the run on an API error with the key redacted, judging retry by what OpenCode says or the status", () => {
    const parsed = parseLines([apiError(401, "Incorrect API key provided: sk-abcdefghijklmnop1234", false)], { model: "fake/fake-model" })
    expect(visible(parsed)).toEqual([
      { type: "session.started", runtime: "opencode", sessionId: SESSION, model: "fake/fake-model" },
      { type: "error", message: "Incorrect API key provided: <redacted> (HTTP 401)", retryable: false, code: "authentication_failed" },
      { type: "turn.completed", outcome: "failed" },
    ])
    expect(parsed[0]).toMatchObject({ turnEnded: true, sessionId: SESSION })
    const judged = (text: string) => ofType(visible(parseLines([text])), "error")[0]
    expect(judged(apiError(400, "bad request here", false))).toMatchObject({ retryable: false, code: "invalid_request" })
    expect(judged(apiError(429, "Too many requests"))).toMatchObject({ retryable: true, code: "rate_limit" })
    expect(judged(apiError(503, "Service unavailable"))).toMatchObject({ retryable: true, code: "server_error" })
    expect(judged(line("error", { error: { name: "ProviderAuthError", data: { providerID: "fake", message: "No API key" } } }))).toMatchObject({ retryable: false, code: "authentication_failed" })
    expect(judged(line("error", { error: { name: "UnknownError", data: { message: "fetch failed: ECONNRESET" } } }))).toMatchObject({ retryable: true, code: "unknown" })
    expect(judged(line("error", { error: { name: "UnknownError", data: { message: "Tool schema is invalid" } } }))).toMatchObject({ retryable: false })
  })

  it("reports an aborted message as a cancelled turn, and never ends a turn twice", () => {
    const aborted = parseLines([stepStart(), line("error", { error: { name: "MessageAbortedError", data: { message: "Aborted" } } })])
    expect(ofType(visible(aborted), "turn.completed")).toEqual([{ type: "turn.completed", outcome: "cancelled" }])
    const late = parseLines([stepStart(), stepFinish("stop"), apiError(500, "late failure")])
    expect(late.map((result) => result.turnEnded)).toEqual([false, true, false])
    expect(ofType(visible(late), "turn.completed")).toHaveLength(1)
    expect(ofType(visible(late), "error")).toHaveLength(1)
  })

  it("redacts keys and secrets but keeps ids, paths and ordinary words", () => {
    const message = [
      "key sk-ant-api03-AbCdEf123456_xyz, aws AKIAIOSFODNN7EXAMPLE,",
      "header Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig, api_key=supersecretvalue,",
      "blob QWxhZGRpbjpvcGVuIHNlc2FtZQ0123456789abcXYZ, session ses_de01f4055ffetmtwY66PpPSxnP,",
      "uuid 9bfd3b4f-71f7-4946-ae06-307280bdaf30 in /workspace/src/index.ts",
    ].join(" ")
    expect(redactSecrets(message)).toBe([
      "key <redacted>, aws <redacted>,",
      "header Bearer <redacted>, api_key=<redacted>,",
      "blob <redacted>, session ses_de01f4055ffetmtwY66PpPSxnP,",
      "uuid 9bfd3b4f-71f7-4946-ae06-307280bdaf30 in /workspace/src/index.ts",
    ].join(" "))
  })

  it("never throws on garbage or unexpected shapes, keeping what it cannot read as raw", () => {
    const garbage = [
      "", "not json", "{", "7", "null", "[1]",
      JSON.stringify({ type: "text" }),
      JSON.stringify({ type: "text", part: { text: 42 } }),
      JSON.stringify({ type: "tool_use", part: null }),
      JSON.stringify({ type: "tool_use", part: { callID: "c", state: "weird" } }),
      JSON.stringify({ type: "step_finish", part: { tokens: "lots", cost: "free" } }),
      JSON.stringify({ type: "error" }),
      JSON.stringify({ type: "error", error: { data: null } }),
      JSON.stringify({ type: "brand_new_event", sessionID: 5 }),
    ]
    const parsed = parseLines(garbage)
    for (const event of eventsOf(parsed)) expect(() => decodeRunEvent(event)).not.toThrow()
    expect(parsed[0]).toEqual({ events: [], turnEnded: false })
    expect(parsed[1]!.events).toEqual([{ type: "raw", runtime: "opencode", payload: "not json" }])
    expect(parsed.at(-1)!.events).toEqual([{ type: "raw", runtime: "opencode", payload: { type: "brand_new_event", sessionID: 5 } }])
    expect(visible(parsed).some((event) => event.type === "session.started")).toBe(false)
  })
})

// OpenCode 1.18.33 asked for a model it does not have (`--model foo/bar`, or a configured provider
// with an unknown model id) prints one stdout line, an UnknownError "Unexpected server error"
// with a ref, and exits 1. Its reason (ProviderModelNotFoundError) is only in its error log, on
// stderr when OPENCODE_PRINT_LOGS=1 OPENCODE_LOG_LEVEL=ERROR, under the same ref. The samples
// are those two streams from the real binary against the fake model.
describe("OpenCode asked for a model it does not have", () => {
  it.each([
    ["opencode-unknown-provider", "foo/bar", "Model not found: foo/bar. Did you mean: frogbot, cloudferro-sherlock?", "ses_dbaa61193ffeomGtKSkVt1PoZH"],
    ["opencode-unknown-model", "fake/nope", "Model not found: fake/nope.", "ses_dbaa5de5cffedaSEYvBrMnvmis"],
  ])("%s: names the model and OpenCode's reason from its error log, as a retryable failure", (name, model, reason, session) => {
    const parsed = parseLines(sampleLines(name), { model, stderr: sampleStderr(name) })
    expect(visible(parsed)).toEqual([
      { type: "session.started", runtime: "opencode", sessionId: session, model },
      { type: "error", message: `Model ${model} is not available to OpenCode: ${reason}`, retryable: true, code: "model_unavailable" },
      { type: "turn.completed", outcome: "failed" },
    ])
    expect(parsed.map((result) => result.turnEnded)).toEqual([true])
    for (const event of eventsOf(parsed)) expect(() => decodeRunEvent(event)).not.toThrow()
  })

  it("still names the model and OpenCode's ref, never 'Unexpected server error', when the error log is not there", () => {
    for (const stderr of [undefined, "", sampleStderr("opencode-unknown-model")]) {
      const [error] = ofType(visible(parseLines(sampleLines("opencode-unknown-provider"), { model: "foo/bar", ...(stderr === undefined ? {} : { stderr }) })), "error")
      expect(error).toEqual({
        type: "error",
        message: "OpenCode failed with an internal error it did not explain (ref err_1f8b7923) while running model foo/bar",
        retryable: true,
        code: "opencode_internal",
      })
    }
  })

  it("reads the reason from OpenCode's own session error too, should that line win the race to stdout", () => {
    const sessionError = line("error", { error: { name: "UnknownError", data: { message: "Model not found: openai/gpt-4.1. Did you mean: gpt-4.1, gpt-4.1-mini?" } } })
    expect(ofType(visible(parseLines([sessionError], { model: "openai/gpt-4.1" })), "error")).toEqual([{
      type: "error",
      message: "Model openai/gpt-4.1 is not available to OpenCode: Model not found: openai/gpt-4.1. Did you mean: gpt-4.1, gpt-4.1-mini?",
      retryable: true,
      code: "model_unavailable",
    }])
    // With no --model known, the model comes from OpenCode's words.
    expect(ofType(visible(parseLines([sessionError])), "error")[0]?.message).toMatch(/^Model openai\/gpt-4\.1 is not available to OpenCode: /)
  })

  it("reports any other error OpenCode logged under the ref by its own words, redacted", () => {
    const ref = "err_0badc0de"
    const stdout = line("error", { error: { name: "UnknownError", data: { message: "Unexpected server error. Check server logs for details.", ref } } })
    const stderr = [
      `timestamp=2026-12-05T08:00:00.000Z level=ERROR run=1 message=failed ref=err_other error="ProviderModelNotFoundError: Model not found: x/y." cause="…"`,
      `timestamp=2026-12-05T08:00:00.001Z level=ERROR run=1 message=failed ref=${ref} error="ProviderInitError: Failed to initialize provider: \\"second\\" with key sk-abcdefghijklmnop1234" cause="ProviderInitError: …\\n    at x"`,
    ].join("\n")
    expect(ofType(visible(parseLines([stdout], { model: "second/gpt-5.5", stderr })), "error")).toEqual([{
      type: "error",
      message: 'OpenCode could not run model second/gpt-5.5: Failed to initialize provider: "second" with key <redacted>',
      retryable: true,
      code: "provider_init",
    }])
  })

  it("lists the errors OpenCode logged, one line each and redacted, for the worker's log", () => {
    expect(opencodeLoggedErrors(sampleStderr("opencode-unknown-provider"))).toEqual([
      "ProviderModelNotFoundError: Model not found: foo/bar. Did you mean: frogbot, cloudferro-sherlock? (ref err_1f8b7923)",
    ])
    expect(opencodeLoggedErrors(`level=ERROR ref=err_1 error="UnknownError: token=abcdefghijk leaked"\nlevel=INFO message=init\nnot a log line`)).toEqual([
      "UnknownError: token=<redacted> leaked (ref err_1)",
    ])
    expect(opencodeLoggedErrors("")).toEqual([])
  })
})
