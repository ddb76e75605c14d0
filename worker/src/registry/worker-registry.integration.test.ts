// The worker in the worker registry, through its HTTP API with the real Claude Code against the
// fake model, a fake web (tool answers, held on demand; completion reports) and an in-process live
// port: it announces itself with its runtimes and capacity; over its capacity a turn (builder or
// app agent) is refused worker_busy; on close it drains: the announcement says so, new turns are
// refused worker_draining while a running turn still calls /mcp and finishes, then it is withdrawn.
// A turn still running when the drain deadline passes ends failed, retryable (worker_restarting).

import { mkdtempSync, rmSync } from "node:fs"
import { createServer, type Server } from "node:http"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { LiveCoordination } from "#shared/live/live.server.ts"
import { createMemoryLive } from "#shared/live/memory-live.server.ts"
import { agentRunStartPath } from "#shared/runs/agent-runs.ts"
import type { RunCompletion } from "#shared/runs/internal-api.ts"
import { liveWorkers } from "#shared/workers/worker-registry.ts"
import { eventually, eventuallyValue, within } from "#tests/fixtures/eventually.ts"
import { FAKE_API_KEY, testHomesRoot } from "#tests/fixtures/fake-model/cli-env.ts"
import { startFakeModel, type FakeModel } from "#tests/fixtures/fake-model/server.ts"
import { loadWorkerConfig } from "../config/WorkerConfig.ts"
import { startWorker, type RunningWorker } from "../main.ts"

const token = "worker-registry-internal-token-0123456789"
let fake: FakeModel
let root: string
let web: Server
let live: LiveCoordination
let worker: RunningWorker
let closing: Promise<void> | null = null
const reports = new Map<string, RunCompletion>()
const toolCalls: string[] = []
/** While set, the web holds tool calls until it is called (a turn that runs as long as a test needs). */
let holdTools: Promise<void> | null = null
let releaseTools = () => {}

beforeAll(async () => {
  fake = await startFakeModel()
  root = mkdtempSync(join(testHomesRoot(), "registry-"))
  live = createMemoryLive()
  web = createServer((request, response) => {
    let text = ""
    request.on("data", (chunk: Buffer) => (text += chunk.toString()))
    request.on("end", () => {
      response.setHeader("content-type", "application/json")
      if (request.url === "/api/internal/tool-execute") {
        const body = JSON.parse(text) as { tool: string; input: Record<string, unknown> }
        toolCalls.push(body.tool)
        void (holdTools ?? Promise.resolve()).then(() => response.end(JSON.stringify({ result: { nameApplied: true, ...body.input } })))
        return
      }
      const runId = /^\/api\/internal\/runs\/([^/]+)\/complete$/.exec(request.url ?? "")?.[1]
      if (runId) reports.set(runId, JSON.parse(text) as RunCompletion)
      response.writeHead(runId ? 200 : 404).end("{}")
    })
  })
  await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve))
  const address = web.address()
  worker = await startWorker(loadWorkerConfig(workerEnv(`http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`, "worker-a", "120")), { live })
}, 120_000)

afterAll(async () => {
  await (closing ?? worker?.close())
  await new Promise((resolve) => web?.close(resolve))
  await fake?.stop()
  if (root) rmSync(root, { recursive: true, force: true })
})

const workerEnv = (webUrl: string, name: string, drainSeconds: string) => ({
  PORT: "0",
  INTERNAL_API_TOKEN: token,
  WEB_URL: webUrl,
  SECOND_WORKSPACES_DIR: join(root, name),
  SECOND_WORKER_NAME: name,
  SECOND_WORKER_CONCURRENCY: "1",
  SECOND_WORKER_DRAIN_SECONDS: drainSeconds,
  ANTHROPIC_BASE_URL: fake.url,
  ANTHROPIC_API_KEY: FAKE_API_KEY,
})

const call = (on: RunningWorker, path: string, init: RequestInit = {}) =>
  fetch(new URL(path, on.url), { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } })

const startTurn = (on: RunningWorker, appId: string, runId: string) =>
  call(on, `/sessions/${appId}/messages`, {
    method: "POST",
    body: JSON.stringify({ prompt: "Build it", runtime: "claude", runId, workspaceId: "ws1", model: "claude-opus-4-8", delivery: { leaseMs: 4_000 } }),
  })

const startAgentRun = (on: RunningWorker, runId: string) =>
  call(on, agentRunStartPath, {
    method: "POST",
    body: JSON.stringify({
      runId,
      workspaceId: "ws1",
      appId: "weatherapp",
      agentId: "weather-bot",
      runtime: "claude",
      model: "claude-opus-4-8",
      systemPrompt: "You are the weather app's agent.",
      prompt: "What is the weather in Oslo?",
      tools: [],
      dataCollections: [],
      builtinTools: [],
      delivery: { leaseMs: 4_000 },
    }),
  })

const announced = async (on: LiveCoordination, name: string) => (await liveWorkers(on)).find((entry) => entry.name === name)

describe("a worker in the registry", () => {
  it("announces itself at its URL with its usable runtimes and capacity, and reports its load in /health", { timeout: 60_000 }, async () => {
    const entry = await eventuallyValue(async () => {
      const found = await announced(live, "worker-a")
      return found && found.runtimes.length > 0 ? found : null
    }, 45_000)
    expect(entry).toMatchObject({ url: worker.url.origin, name: "worker-a", capacity: 1, activeTurns: 0, draining: false })
    expect(entry.id).toMatch(/^worker-a-[0-9a-f]{8}$/)
    expect(entry.runtimes).toContain("claude")
    expect(Date.parse(entry.startedAt)).not.toBeNaN()
    expect(await (await call(worker, "/health")).json()).toMatchObject({ status: "ok", id: entry.id, activeTurns: 0, capacity: 1, draining: false })
    expect((await fetch(new URL("/readyz", worker.url))).status).toBe(200)
  })

  it("refuses a turn over its capacity, builder or agent, with 503 worker_busy, and takes turns again once one ends", { timeout: 90_000 }, async () => {
    fake.script([{ kind: "hang" }])
    expect((await startTurn(worker, "app-one", "runbusy1")).status).toBe(202)
    const busy = await startTurn(worker, "app-two", "runbusy2")
    expect(busy.status).toBe(503)
    expect(await busy.json()).toEqual({
      error: { code: "worker_busy", message: expect.stringMatching(/^This agent worker is already running 1 turn at once, its limit/) },
    })
    const agentBusy = await startAgentRun(worker, "agentbusy1")
    expect(agentBusy.status).toBe(503)
    expect((await agentBusy.json()).error.code).toBe("worker_busy")
    // The announcement carries the load (webs pick the least-loaded worker by it).
    await eventually(async () => (await announced(live, "worker-a"))?.activeTurns === 1, 10_000)

    await fake.waitForHang(60_000)
    expect(await (await call(worker, "/sessions/app-one/cancel?runId=runbusy1", { method: "POST" })).json()).toEqual({ cancelled: true })
    expect((await eventuallyValue(() => reports.get("runbusy1"), 30_000)).outcome).toBe("cancelled")
    await eventually(async () => ((await (await call(worker, "/health")).json()) as { activeTurns: number }).activeTurns === 0, 10_000)
    expect(reports.has("runbusy2")).toBe(false)
  })

  it("drains on close: says so, refuses new turns, lets the running one finish (still calling /mcp), then withdraws", { timeout: 120_000 }, async () => {
    let release = () => {}
    holdTools = new Promise<void>((resolve) => (release = resolve))
    releaseTools = release
    const naming = (name: string) => ({ kind: "named" as const, name: /set_app_metadata/, input: { name, description: "Where we eat." } })
    fake.script([
      { kind: "toolCalls", calls: [naming("Lunch")] },
      { kind: "toolCalls", calls: [naming("Lunch place")], then: "Named it." },
    ])
    expect((await startTurn(worker, "app-drain", "rundrain1")).status).toBe(202)
    // The turn is mid-tool-call, held by the web.
    await eventually(() => toolCalls.includes("set_app_metadata"), 60_000)
    const { id } = (await announced(live, "worker-a"))!

    closing = worker.close()
    await eventually(async () => (await announced(live, "worker-a"))?.draining === true, 10_000)
    const refused = await startTurn(worker, "app-late", "runlate1")
    expect(refused.status).toBe(503)
    expect(await refused.json()).toEqual({ error: { code: "worker_draining", message: expect.stringMatching(/shutting down/) } })
    expect((await fetch(new URL("/readyz", worker.url))).status).toBe(503)
    expect(await (await call(worker, "/health")).json()).toMatchObject({ draining: true, activeTurns: 1 })

    // The web answers the tool now: the turn goes on, calls /mcp again while the worker drains, and completes.
    const callsBefore = toolCalls.length
    releaseTools()
    const report = await eventuallyValue(() => reports.get("rundrain1"), 60_000)
    expect(report).toMatchObject({ outcome: "completed", error: null })
    expect(toolCalls.length).toBeGreaterThan(callsBefore)
    expect(report.transcript).toContainEqual({ kind: "text", text: "Named it." })
    await within(closing, 30_000, "the worker to close once drained")
    expect((await liveWorkers(live)).map((entry) => entry.id)).not.toContain(id)
    expect(reports.has("runlate1")).toBe(false)
  })

  it("ends a turn still running at the drain deadline as failed, retryable: worker_restarting", { timeout: 90_000 }, async () => {
    holdTools = null
    const stopperLive = createMemoryLive()
    const stopper = await startWorker(loadWorkerConfig(workerEnv(`http://127.0.0.1:${(web.address() as { port: number }).port}`, "worker-b", "0")), { live: stopperLive })
    fake.script([{ kind: "hang" }])
    expect((await startTurn(stopper, "app-stop", "runstop1")).status).toBe(202)
    await fake.waitForHang(60_000)
    await within(stopper.close(), 30_000, "the worker to close")
    const report = await eventuallyValue(() => reports.get("runstop1"), 10_000)
    expect(report).toMatchObject({
      outcome: "failed",
      error: { code: "worker_restarting", retryable: true, message: "The agent worker restarted during this message. Send it again." },
    })
    expect(await liveWorkers(stopperLive)).toEqual([])
  })
})
