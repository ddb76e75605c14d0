// CodexRpc with a transport that only records what it writes: responses find their requests by
// id in any order, server requests with colliding ids are answered rather than taken for
// responses, errors and timeouts fail with CodexRpcError, and no input makes handleLine throw.

import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { CodexRpc, CodexRpcError, codexRpcError, DEFAULT_REQUEST_TIMEOUT_MS, INTERNAL_ERROR, UNPARSED_LINE } from "./codex-rpc.ts"

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

/** Sends the request now (its write happens before this returns) and waits for the answer in a fiber. */
const send = <A, E>(request: Effect.Effect<A, E>) => Effect.forkChild(request, { startImmediately: true })

/** Lets promise callbacks (a server-request handler's async answer) run. */
const settle = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))

describe("CodexRpc", () => {
  it.effect("writes requests and notifications as Codex wants them: one object a line, no jsonrpc field", () =>
    Effect.gen(function* () {
      const { rpc, written } = harness()
      yield* send(rpc.request("initialize", { clientInfo: { name: "x" } }))
      rpc.notify("initialized")
      rpc.notify("something", { a: 1 })
      expect(written).toEqual([
        { id: 1, method: "initialize", params: { clientInfo: { name: "x" } } },
        { method: "initialized" },
        { method: "something", params: { a: 1 } },
      ])
    }))

  it.effect("resolves each request with the response of its id, in whatever order they come", () =>
    Effect.gen(function* () {
      const { rpc, feed } = harness()
      const first = yield* send(rpc.request("a", {}))
      const second = yield* send(rpc.request("b", {}))
      feed({ id: 2, result: { answer: "b" } })
      feed({ id: 1, result: { answer: "a" } })
      expect(yield* Fiber.join(first)).toEqual({ answer: "a" })
      expect(yield* Fiber.join(second)).toEqual({ answer: "b" })
    }))

  it.effect("passes notifications on in order while requests are pending", () =>
    Effect.gen(function* () {
      const { rpc, feed, notifications } = harness()
      const pending = yield* send(rpc.request("turn/start", {}))
      feed({ method: "turn/started", params: { n: 1 } })
      feed({ method: "item/agentMessage/delta", params: { delta: "hi" } })
      feed({ id: 1, result: { turn: { id: "t" } } })
      feed({ method: "turn/completed", params: { n: 2 } })
      expect(yield* Fiber.join(pending)).toEqual({ turn: { id: "t" } })
      expect(notifications).toEqual([
        ["turn/started", { n: 1 }],
        ["item/agentMessage/delta", { delta: "hi" }],
        ["turn/completed", { n: 2 }],
      ])
    }))

  it.effect("answers a server request whose id collides with a pending request of ours, and leaves ours pending", () =>
    Effect.gen(function* () {
      const seen: [string, unknown][] = []
      const { rpc, feed, written } = harness((method, params) => {
        seen.push([method, params])
        return { decision: "decline" }
      })
      const ours = yield* send(rpc.request("turn/start", {}))
      // Server ids count from 0 in their own space: 1 is also the id of our turn/start.
      feed({ method: "item/fileChange/requestApproval", id: 1, params: { itemId: "call_1" } })
      yield* settle
      expect(seen).toEqual([["item/fileChange/requestApproval", { itemId: "call_1" }]])
      expect(written.at(-1)).toEqual({ id: 1, result: { decision: "decline" } })
      expect(ours.pollUnsafe()).toBeUndefined()
      feed({ id: 1, result: { turn: { id: "t" } } })
      yield* settle
      expect(ours.pollUnsafe()).toEqual(Exit.succeed({ turn: { id: "t" } }))
    }))

  it.effect("sends the answer of an async handler, a CodexRpcError as its code, and other failures as internal errors", () =>
    Effect.gen(function* () {
      const { feed, written } = harness(async (method) => {
        if (method === "known") return { fine: true }
        if (method === "refused") throw codexRpcError(method, -32601, "the worker does not handle refused")
        throw new Error("handler bug with sk-secret123456789")
      })
      feed({ method: "known", id: 0 })
      feed({ method: "refused", id: "s1" })
      feed({ method: "broken", id: 2 })
      yield* settle
      expect(written).toEqual([
        { id: 0, result: { fine: true } },
        { id: "s1", error: { code: -32601, message: "the worker does not handle refused" } },
        { id: 2, error: { code: INTERNAL_ERROR, message: "the worker could not answer broken: handler bug with <redacted>" } },
      ])
    }))

  it.effect("fails with a CodexRpcError carrying the code and a redacted message on an error response", () =>
    Effect.gen(function* () {
      const { rpc, feed } = harness()
      const pending = yield* send(Effect.flip(rpc.request("account/login/start", { apiKey: "sk-proj-abcdef123456" })))
      feed({ id: 1, error: { code: -32600, message: "bad key sk-proj-abcdef123456 (Bearer abcdefghijkl)" } })
      const error = yield* Fiber.join(pending)
      expect(error).toBeInstanceOf(CodexRpcError)
      expect(error).toMatchObject({ code: -32600, method: "account/login/start" })
      expect(error.message).toBe("account/login/start failed: bad key <redacted> (Bearer <redacted>)")
    }))

  it.effect("fails every pending request on close(), and later requests at once", () =>
    Effect.gen(function* () {
      const { rpc, written } = harness()
      const first = yield* send(Effect.flip(rpc.request("a", {})))
      const second = yield* send(Effect.flip(rpc.request("b", {})))
      rpc.close("the codex process exited with code 1")
      const closed = yield* Fiber.join(first)
      expect(closed).toMatchObject({ name: "CodexRpcError", method: "a", message: "a failed: the codex process exited with code 1" })
      expect(closed.code).toBeUndefined()
      expect(yield* Fiber.join(second)).toBeInstanceOf(CodexRpcError)
      expect((yield* Effect.flip(rpc.request("c", {}))).message).toMatch(/c not sent: the codex process exited/)
      rpc.notify("initialized")
      expect(written).toHaveLength(2)
    }))

  it.effect("does not answer server requests once closed", () =>
    Effect.gen(function* () {
      const { rpc, feed, written } = harness()
      rpc.close("gone")
      feed({ method: "item/commandExecution/requestApproval", id: 0 })
      yield* settle
      expect(written).toEqual([])
    }))

  it.effect("fails a request that gets no response in time, and reports the late response as unparsed", () =>
    Effect.gen(function* () {
      const { rpc, feed, notifications } = harness()
      const slow = yield* send(Effect.flip(rpc.request("thread/start", {}, { timeoutMs: 500 })))
      const fallback = yield* send(Effect.flip(rpc.request("thread/resume", {})))
      yield* TestClock.adjust(499)
      feed({ method: "still/alive" })
      expect(slow.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust(1)
      const timedOut = yield* Fiber.join(slow)
      expect(timedOut).toMatchObject({ name: "CodexRpcError", message: "thread/start got no response within 500 ms" })
      expect(timedOut.code).toBeUndefined()
      feed({ id: 1, result: {} })
      expect(notifications.at(-1)).toEqual([UNPARSED_LINE, { line: '{"id":1,"result":{}}', reason: "a response to no pending request" }])
      yield* TestClock.adjust(DEFAULT_REQUEST_TIMEOUT_MS)
      expect((yield* Fiber.join(fallback)).message).toMatch(/no response within 60000 ms/)
    }))

  it.effect("forgets a request whose wait is interrupted: its late answer is reported as unparsed", () =>
    Effect.gen(function* () {
      const { rpc, feed, notifications } = harness()
      const waiting = yield* send(rpc.request("thread/start", {}))
      yield* Fiber.interrupt(waiting)
      feed({ id: 1, result: {} })
      expect(notifications.at(-1)).toEqual([UNPARSED_LINE, { line: '{"id":1,"result":{}}', reason: "a response to no pending request" }])
    }))

  it.effect("fails instead of throwing when the transport cannot write", () =>
    Effect.gen(function* () {
      const rpc = new CodexRpc({ write: () => { throw new Error("EPIPE") } }, { onServerRequest: () => null, onNotification: () => undefined })
      const error = yield* Effect.flip(rpc.request("initialize", {}))
      expect(error.message).toContain("initialize not sent: EPIPE")
    }))

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
