// CodexRpc with a transport that only records what it writes: responses find their requests by
// id in any order, server requests with colliding ids are answered rather than taken for
// responses, errors and timeouts reject with CodexRpcError, and no input makes handleLine throw.

import { afterEach, describe, expect, it, vi } from "vitest"
import { CodexRpc, CodexRpcError, DEFAULT_REQUEST_TIMEOUT_MS, INTERNAL_ERROR, UNPARSED_LINE } from "./codex-rpc.ts"

function harness(onServerRequest: (method: string, params: unknown) => unknown = () => ({ ok: true })) {
  const written: Record<string, unknown>[] = []
  const notifications: [string, unknown][] = []
  const rpc = new CodexRpc(
    { write: (line) => written.push(JSON.parse(line) as Record<string, unknown>) },
    { onServerRequest, onNotification: (method, params) => notifications.push([method, params]) },
  )
  const feed = (message: unknown) => rpc.handleLine(JSON.stringify(message))
  return { rpc, written, notifications, feed }
}

/** Lets promise callbacks (an async answer, a settled request) run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve))

afterEach(() => {
  vi.useRealTimers()
})

describe("CodexRpc", () => {
  it("writes requests and notifications as Codex wants them: one object a line, no jsonrpc field", () => {
    const { rpc, written } = harness()
    void rpc.request("initialize", { clientInfo: { name: "x" } })
    rpc.notify("initialized")
    rpc.notify("something", { a: 1 })
    expect(written).toEqual([
      { id: 1, method: "initialize", params: { clientInfo: { name: "x" } } },
      { method: "initialized" },
      { method: "something", params: { a: 1 } },
    ])
  })

  it("resolves each request with the response of its id, in whatever order they come", async () => {
    const { rpc, feed } = harness()
    const first = rpc.request("a", {})
    const second = rpc.request("b", {})
    feed({ id: 2, result: { answer: "b" } })
    feed({ id: 1, result: { answer: "a" } })
    await expect(first).resolves.toEqual({ answer: "a" })
    await expect(second).resolves.toEqual({ answer: "b" })
  })

  it("passes notifications on in order while requests are pending", async () => {
    const { rpc, feed, notifications } = harness()
    const pending = rpc.request("turn/start", {})
    feed({ method: "turn/started", params: { n: 1 } })
    feed({ method: "item/agentMessage/delta", params: { delta: "hi" } })
    feed({ id: 1, result: { turn: { id: "t" } } })
    feed({ method: "turn/completed", params: { n: 2 } })
    await expect(pending).resolves.toEqual({ turn: { id: "t" } })
    expect(notifications).toEqual([
      ["turn/started", { n: 1 }],
      ["item/agentMessage/delta", { delta: "hi" }],
      ["turn/completed", { n: 2 }],
    ])
  })

  it("answers a server request whose id collides with a pending request of ours, and leaves ours pending", async () => {
    const seen: [string, unknown][] = []
    const { rpc, feed, written } = harness((method, params) => {
      seen.push([method, params])
      return { decision: "decline" }
    })
    let resolved: unknown = "pending"
    void rpc.request("turn/start", {}).then((value) => (resolved = value))
    // Server ids count from 0 in their own space: 1 is also the id of our turn/start.
    feed({ method: "item/fileChange/requestApproval", id: 1, params: { itemId: "call_1" } })
    await settle()
    expect(seen).toEqual([["item/fileChange/requestApproval", { itemId: "call_1" }]])
    expect(written.at(-1)).toEqual({ id: 1, result: { decision: "decline" } })
    expect(resolved).toBe("pending")
    feed({ id: 1, result: { turn: { id: "t" } } })
    await settle()
    expect(resolved).toEqual({ turn: { id: "t" } })
  })

  it("sends the answer of an async handler, a CodexRpcError as its code, and other failures as internal errors", async () => {
    const { feed, written } = harness(async (method) => {
      if (method === "known") return { fine: true }
      if (method === "refused") throw new CodexRpcError(method, -32601, "the worker does not handle refused")
      throw new Error("handler bug with sk-secret123456789")
    })
    feed({ method: "known", id: 0 })
    feed({ method: "refused", id: "s1" })
    feed({ method: "broken", id: 2 })
    await settle()
    expect(written).toEqual([
      { id: 0, result: { fine: true } },
      { id: "s1", error: { code: -32601, message: "the worker does not handle refused" } },
      { id: 2, error: { code: INTERNAL_ERROR, message: "the worker could not answer broken: handler bug with <redacted>" } },
    ])
  })

  it("rejects with a CodexRpcError carrying the code and a redacted message on an error response", async () => {
    const { rpc, feed } = harness()
    const pending = rpc.request("account/login/start", { apiKey: "sk-proj-abcdef123456" })
    feed({ id: 1, error: { code: -32600, message: "bad key sk-proj-abcdef123456 (Bearer abcdefghijkl)" } })
    const error = await pending.catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(CodexRpcError)
    expect(error).toMatchObject({ code: -32600, method: "account/login/start" })
    expect((error as Error).message).toBe("account/login/start failed: bad key <redacted> (Bearer <redacted>)")
  })

  it("rejects every pending request on close(), and later requests at once", async () => {
    const { rpc, written } = harness()
    const first = rpc.request("a", {})
    const second = rpc.request("b", {})
    rpc.close("the codex process exited with code 1")
    await expect(first).rejects.toMatchObject({ name: "CodexRpcError", method: "a", code: undefined, message: "a failed: the codex process exited with code 1" })
    await expect(second).rejects.toBeInstanceOf(CodexRpcError)
    await expect(rpc.request("c", {})).rejects.toThrow(/c not sent: the codex process exited/)
    rpc.notify("initialized")
    expect(written).toHaveLength(2)
  })

  it("does not answer server requests once closed", async () => {
    const { rpc, feed, written } = harness()
    rpc.close("gone")
    feed({ method: "item/commandExecution/requestApproval", id: 0 })
    await settle()
    expect(written).toEqual([])
  })

  it("rejects a request that gets no response in time, and reports the late response as unparsed", async () => {
    vi.useFakeTimers()
    const { rpc, feed, notifications } = harness()
    const slow = rpc.request("thread/start", {}, { timeoutMs: 500 })
    const fallback = rpc.request("thread/resume", {})
    vi.advanceTimersByTime(499)
    feed({ method: "still/alive" })
    vi.advanceTimersByTime(1)
    await expect(slow).rejects.toMatchObject({ name: "CodexRpcError", code: undefined, message: "thread/start got no response within 500 ms" })
    feed({ id: 1, result: {} })
    expect(notifications.at(-1)).toEqual([UNPARSED_LINE, { line: '{"id":1,"result":{}}', reason: "a response to no pending request" }])
    vi.advanceTimersByTime(DEFAULT_REQUEST_TIMEOUT_MS)
    await expect(fallback).rejects.toThrow(/no response within 60000 ms/)
  })

  it("rejects instead of throwing when the transport cannot write", async () => {
    const rpc = new CodexRpc({ write: () => { throw new Error("EPIPE") } }, { onServerRequest: () => null, onNotification: () => undefined })
    await expect(rpc.request("initialize", {})).rejects.toThrow("initialize not sent: EPIPE")
  })

  it("never throws on malformed lines: they come out as unparsed notifications, blank lines not at all", () => {
    const { rpc, notifications } = harness()
    const lines = ["", "   ", "not json", "{\"half\":", "[1,2]", "42", "null", "{}", "{\"id\":7}", "{\"id\":99,\"result\":1}", "{\"method\":5}", "WARN key sk-abcdef1234567"]
    for (const line of lines) expect(() => rpc.handleLine(line)).not.toThrow()
    expect(notifications.map(([method, params]) => [method, (params as { reason: string }).reason])).toEqual([
      [UNPARSED_LINE, "not JSON"],
      [UNPARSED_LINE, "not JSON"],
      [UNPARSED_LINE, "not a JSON object"],
      [UNPARSED_LINE, "not a JSON object"],
      [UNPARSED_LINE, "not a JSON object"],
      [UNPARSED_LINE, "not a JSON-RPC message"],
      [UNPARSED_LINE, "not a JSON-RPC message"],
      [UNPARSED_LINE, "a response to no pending request"],
      [UNPARSED_LINE, "not a JSON-RPC message"],
      [UNPARSED_LINE, "not JSON"],
    ])
    expect(notifications.at(-1)![1]).toEqual({ line: "WARN key <redacted>", reason: "not JSON" })
  })
})
