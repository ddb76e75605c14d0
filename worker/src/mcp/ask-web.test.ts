// How an app agent's tool call waits for the web, over real HTTP with the test clock: the web may
// itself wait 30 s for a provider, so the worker waits longer (45 s) and reads an answer that took
// 15–30 s; and a call that reached the web is never sent again, since the web may have passed it
// on to a provider already. Which fetch failures count as "nothing was sent" is read from real
// connections: one refused, one broken after the request went out.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { loadWorkerConfig, WorkerConfig } from "../config/WorkerConfig.ts"
import { AppTools, webFailureText } from "./AppTools.ts"
import { failedBeforeSending, ToolWebError } from "./ask-web.ts"
import type { McpClaims } from "./McpTokens.ts"

interface HeldWeb {
  readonly server: Server
  readonly port: number
  /** Requests received so far, each held until answered. */
  readonly held: ServerResponse[]
  /** Resolves when the next request arrives. */
  nextRequest(): Promise<void>
}

const servers: Server[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
})

async function heldWeb(onRequest: (request: IncomingMessage, response: ServerResponse) => void = () => {}): Promise<HeldWeb> {
  const held: ServerResponse[] = []
  let waiters: Array<() => void> = []
  const server = createServer((request, response) => {
    request.resume()
    request.on("end", () => {
      held.push(response)
      onRequest(request, response)
      for (const wake of waiters.splice(0)) wake()
    })
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    server,
    port: (server.address() as AddressInfo).port,
    held,
    nextRequest: () => new Promise<void>((resolve) => (waiters = [...waiters, resolve])),
  }
}

const claims: McpClaims = {
  workspaceId: "ws-agents",
  appId: "app-agents",
  runtime: "claude",
  runId: "run-slow",
  expiresAt: Number.MAX_SAFE_INTEGER,
  tools: { app_tools: ["create_ticket"] },
  agent: { agentId: "support", appTools: [], dataCollections: [] },
}

const workerConfig = (port: number) =>
  WorkerConfig.layer(
    loadWorkerConfig({ SECOND_WORKSPACES_DIR: mkdtempSync(join(tmpdir(), "second-ask-web-")), PORT: "0", INTERNAL_API_TOKEN: "ask-web-test-internal-token-0123456789", WEB_URL: `http://127.0.0.1:${port}` }),
  )

const callTool = (port: number) =>
  Effect.gen(function* () {
    const tools = yield* AppTools
    return yield* tools.call(claims, "create_ticket", { subject: "Printer on fire" })
  }).pipe(Effect.provide(AppTools.layer), Effect.provide(workerConfig(port)))

describe("an app agent's tool call to the web", () => {
  it.effect("reads an answer the web gives after 20 s (a slow provider), sent once", () =>
    Effect.gen(function* () {
      const web = yield* Effect.promise(() => heldWeb())
      const arrived = web.nextRequest()
      const call = yield* Effect.forkChild(callTool(web.port))
      yield* Effect.promise(() => arrived)
      yield* TestClock.adjust("20 seconds")
      expect(call.pollUnsafe()).toBeUndefined()
      const answer = { result: { mock: false, mockReason: null, status: 201, body: { ticket: 7 } } }
      for (const response of web.held) response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer))
      const read = yield* Fiber.join(call)
      expect(read).toEqual({ text: JSON.stringify({ status: 201, body: { ticket: 7 } }), isError: false })
      expect(web.held).toHaveLength(1)
    }))

  it.effect("waits past the web's 30 s provider deadline, then gives up without sending the call again", () =>
    Effect.gen(function* () {
      const web = yield* Effect.promise(() => heldWeb())
      const arrived = web.nextRequest()
      const call = yield* Effect.forkChild(callTool(web.port))
      yield* Effect.promise(() => arrived)
      yield* TestClock.adjust("44 seconds")
      expect(call.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust("1 second")
      const read = yield* Fiber.join(call)
      expect(read.isError).toBe(true)
      expect(read.text).toBe(
        "Second's web tier did not answer in time. The call may still have reached the provider: before calling it again, check whether it took effect (a call that creates or changes something may already have).",
      )
      // Were it retried, the attempt would be on its way by now.
      yield* TestClock.adjust("10 seconds")
      expect(web.held).toHaveLength(1)
    }))
})

describe("which failures sent nothing", () => {
  const post = (port: number) => fetch(`http://127.0.0.1:${port}/api/internal/tool-execute`, { method: "POST", body: "{}" }).then(() => null, (error: unknown) => error)

  it("a refused connection sent nothing", async () => {
    const closed = await heldWeb()
    const port = closed.port
    await new Promise<void>((resolve) => closed.server.close(() => resolve()))
    servers.splice(servers.indexOf(closed.server), 1)
    const error = await post(port)
    expect(error).toBeInstanceOf(Error)
    expect(failedBeforeSending(error)).toBe(true)
  })

  it("a connection that broke once the request was in may have sent it", async () => {
    const web = await heldWeb((request) => request.socket.destroy())
    const error = await post(web.port)
    expect(web.held).toHaveLength(1)
    expect(error).toBeInstanceOf(Error)
    expect(failedBeforeSending(error)).toBe(false)
    expect(failedBeforeSending(new DOMException("aborted", "AbortError"))).toBe(false)
  })

  it("tells the agent to try again only when nothing was sent", () => {
    expect(webFailureText(new ToolWebError({ message: "Second's web tier could not be reached.", transient: true, unsent: true }))).toBe(
      "Second's web tier could not be reached. Nothing was sent; try again in a moment.",
    )
    expect(webFailureText(new ToolWebError({ message: "Second's web tier did not answer in time.", transient: true, unsent: false }))).toMatch(/may still have reached the provider/)
  })
})
