// The web decodes every answer of the worker with its shared schema: a worker that answers
// something else (another version, a proxy's error page, a truncated body) gets a typed
// WorkerUnavailableError, never a crash or a half-typed value in the caller's hands.

import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createWorkerClient, WorkerUnavailableError, type WorkerClient } from "./worker-client.server.ts"

let server: Server
let client: WorkerClient
/** What the fake worker answers next: status and raw body. */
let next: { status: number; body: string } = { status: 200, body: "{}" }
let lastRequest: { method: string; url: string; body: string } | null = null

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = ""
    request.on("data", (chunk) => (body += chunk))
    request.on("end", () => {
      lastRequest = { method: request.method ?? "", url: request.url ?? "", body }
      response.writeHead(next.status, { "content-type": "application/json" }).end(next.body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  client = createWorkerClient({ baseUrl: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`), token: undefined })
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const answer = (status: number, body: unknown) => (next = { status, body: typeof body === "string" ? body : JSON.stringify(body) })

const request = {
  prompt: "Hello",
  runtime: "claude" as const,
  model: null,
  runId: "run-1",
  resumeSessionId: null,
  handoffPrompt: null,
  snapshotAvailable: false,
  delivery: { leaseMs: 30_000 },
}

/** A worker's runtime report with one runtime, its fields overridden. */
const runtimesReport = (claude: Record<string, unknown> = {}) => ({
  runtimes: [
    {
      id: "claude",
      usable: true,
      reason: null,
      version: "2.1.197",
      credentialsConfigured: true,
      models: [{ id: "opus", label: "Opus" }],
      defaultModel: "opus",
      ...claude,
    },
  ],
  sandbox: { mode: "bubblewrap", missingProtections: [] },
})

describe("the worker client", () => {
  it.each([
    ["status", () => client.status("app"), { busy: "no" }],
    ["status", () => client.status("app"), "<html>Bad gateway</html>"],
    ["cancel", () => client.cancel("app", "run-1"), { cancelled: "yes" }],
    ["files", () => client.files("app"), { files: { "a.txt": 1 } }],
    ["files", () => client.files("app"), '{"files":'],
    ["runtimes", () => client.runtimes(), { runtimes: [{ id: "gpt", usable: true }] }],
    // A model id that reads as a command-line option is not one a picker may offer.
    ["runtimes", () => client.runtimes(), runtimesReport({ models: [{ id: "--dangerously-skip-permissions", label: "x" }] })],
    ["runtimes", () => client.runtimes(), runtimesReport({ defaultModel: 42 })],
    ["startRun", () => client.startRun("app", request), { accepted: "maybe" }],
  ])("refuses a malformed answer to %s with a typed error", async (method, call, body) => {
    answer(method === "startRun" ? 202 : 200, body)
    const failure = await call().then(
      () => null,
      (error: unknown) => error,
    )
    expect(failure).toBeInstanceOf(WorkerUnavailableError)
    expect((failure as Error).message).toBe("The agent worker is unavailable (it answered something this version does not understand). Try again in a moment.")
  })

  it("decodes well-formed answers", async () => {
    answer(200, { exists: true, busy: false, runtime: "codex", nativeSessionId: "t-1", lastActiveAt: null, hasSource: true })
    expect(await client.status("app")).toMatchObject({ busy: false, runtime: "codex", hasSource: true })
    answer(200, { files: { "a.txt": "A" }, binaryFiles: {}, skipped: ["big.bin"] })
    expect(await client.files("app")).toEqual({ files: { "a.txt": "A" }, binaryFiles: {}, skipped: ["big.bin"], skippedCount: 1 })
    answer(202, { accepted: true })
    expect(await client.startRun("app", request)).toEqual({ started: true })
    answer(200, runtimesReport())
    expect(await client.runtimes()).toEqual([
      { id: "claude", usable: true, reason: null, version: "2.1.197", models: [{ id: "opus", label: "Opus" }], defaultModel: "opus" },
    ])
  })

  it("sends the turn as the shared schema encodes it, and reads a refusal's code", async () => {
    answer(409, { error: { code: "source_needed", message: "Send the snapshot." } })
    expect(await client.startRun("app", request)).toEqual({ started: false, code: "source_needed", message: "Send the snapshot.", retryable: true })
    expect(lastRequest?.url).toBe("/sessions/app/messages")
    expect(JSON.parse(lastRequest?.body ?? "null")).toEqual(request)
    answer(502, "<html>Bad gateway</html>")
    expect(await client.startRun("app", request)).toMatchObject({ started: false, code: "worker_error", message: "The worker answered 502." })
  })
})

describe("a worker that cannot be reached or breaks off", () => {
  const failureOf = (promise: Promise<unknown>) =>
    promise.then(
      () => null,
      (error: unknown) => error,
    )

  it("is unreachable only when no connection was made, so only then may another worker be asked", async () => {
    // A port nothing listens on: the connection is refused before any byte of the turn is sent.
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const nobody = createWorkerClient({ baseUrl: new URL(`http://127.0.0.1:${port}`), token: undefined })

    const failure = await failureOf(nobody.startRun("app", request))
    expect(failure).toBeInstanceOf(WorkerUnavailableError)
    expect((failure as WorkerUnavailableError).reason).toBe("unreachable")
  })

  it("is not unreachable when the connection breaks after the worker read the turn: it may have taken it", async () => {
    let received = ""
    const breaking = createServer((incoming) => {
      incoming.on("data", (chunk) => (received += chunk))
      // The whole turn arrived; the worker may have started it. Then the connection resets.
      incoming.on("end", () => incoming.socket.destroy())
    })
    await new Promise<void>((resolve) => breaking.listen(0, "127.0.0.1", resolve))
    try {
      const resetting = createWorkerClient({ baseUrl: new URL(`http://127.0.0.1:${(breaking.address() as AddressInfo).port}`), token: undefined })

      const failure = await failureOf(resetting.startRun("app", request))
      expect(JSON.parse(received)).toMatchObject({ runId: "run-1" })
      expect(failure).toBeInstanceOf(WorkerUnavailableError)
      expect((failure as WorkerUnavailableError).reason).toBe("interrupted")
      expect((failure as Error).message).toBe("The agent worker is unavailable (the connection broke before it answered). Try again in a moment.")
    } finally {
      breaking.closeAllConnections()
      await new Promise<void>((resolve) => breaking.close(() => resolve()))
    }
  })
})
