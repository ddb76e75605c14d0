// Detached runs through the worker's HTTP API with the real Claude Code against the fake model:
// the worker answers 202 at once, writes every event to the run's stream itself (linked by
// `prev`, ending with the terminal event), keeps the lease while the turn lasts, reports the end
// to the web with the folded transcript, stops a turn the web has ended in its place, and restores
// a snapshot (text and binary files) into an empty app directory.

import { createServer, type Server } from "node:http"
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { STREAM_START, type LiveCoordination } from "#shared/live/live.server.ts"
import { createMemoryLive } from "#shared/live/memory-live.server.ts"
import type { RunCompletion } from "#shared/runs/internal-api.ts"
import { decodeRunStreamRecord, runLeaseKey, runStreamKey } from "#shared/runs/run-stream.ts"
import { foldEvents } from "#shared/runs/transcript.ts"
import { eventually, eventuallyValue } from "#tests/fixtures/eventually.ts"
import { FAKE_API_KEY, testHomesRoot } from "#tests/fixtures/fake-model/cli-env.ts"
import { startFakeModel, type FakeModel } from "#tests/fixtures/fake-model/server.ts"
import { endRunStream } from "#app/runs/run-stream-reader.server.ts"
import { loadWorkerConfig } from "../config/WorkerConfig.ts"
import { startWorker, type RunningWorker } from "../main.ts"
import { descendantsOf, isAlive } from "../runtime/process/process-tree.ts"

const token = "detached-runs-internal-token-0123456789ab"
let fake: FakeModel
let root: string
let live: LiveCoordination
let worker: RunningWorker
let streamless: RunningWorker
let web: Server
const reports = new Map<string, { authorization: string | undefined; body: RunCompletion }>()

beforeAll(async () => {
  fake = await startFakeModel()
  root = mkdtempSync(join(testHomesRoot(), "detached-"))
  live = createMemoryLive()
  web = createServer((request, response) => {
    let body = ""
    request.on("data", (chunk: Buffer) => (body += chunk.toString()))
    request.on("end", () => {
      const runId = /^\/api\/internal\/runs\/([^/]+)\/complete$/.exec(request.url ?? "")?.[1]
      if (runId) reports.set(runId, { authorization: request.headers.authorization, body: JSON.parse(body) as RunCompletion })
      response.writeHead(runId ? 200 : 404).end("{}")
    })
  })
  await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve))
  const address = web.address()
  const webUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`
  const common = { PORT: "0", INTERNAL_API_TOKEN: token, WEB_URL: webUrl, ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: FAKE_API_KEY }
  ;[worker, streamless] = await Promise.all([
    startWorker(loadWorkerConfig({ ...common, SECOND_WORKSPACES_DIR: join(root, "workspaces") }), { live }),
    startWorker(loadWorkerConfig({ ...common, SECOND_WORKSPACES_DIR: join(root, "streamless") })),
  ])
}, 120_000)

afterAll(async () => {
  await Promise.all([worker?.close(), streamless?.close()])
  await new Promise((resolve) => web?.close(resolve))
  await fake?.stop()
  if (root) rmSync(root, { recursive: true, force: true })
})

const call = (on: RunningWorker, path: string, init: RequestInit = {}) =>
  fetch(new URL(path, on.url), { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } })

const startRun = (on: RunningWorker, appId: string, runId: string, extra: Record<string, unknown> = {}) =>
  call(on, `/sessions/${appId}/messages`, {
    method: "POST",
    body: JSON.stringify({ prompt: "Build it", runtime: "claude", runId, model: "claude-opus-4-8", delivery: { leaseMs: 4_000 }, ...extra }),
  })

const streamRecords = async (runId: string) =>
  (await live.read(runStreamKey(runId), { after: STREAM_START, limit: 10_000 })).map((entry) => ({ id: entry.id, ...decodeRunStreamRecord(entry.data) }))

describe("a detached run", () => {
  it("is accepted at once, written to its stream in order, and reported with the same transcript", { timeout: 90_000 }, async () => {
    fake.script([{ kind: "writeFile", path: "hello.html", content: "<h1>Hello</h1>", then: "I wrote the page." }])
    const response = await startRun(worker, "app-one", "runone")
    expect(response.status).toBe(202)
    // While the turn runs, the lease is held.
    expect(await live.getKey(runLeaseKey("runone"))).not.toBeNull()

    const report = await eventuallyValue(() => reports.get("runone"), 60_000)
    expect(report.authorization).toBe(`Bearer ${token}`)
    expect(report.body).toMatchObject({ appId: "app-one", outcome: "completed", error: null, runtime: "claude" })
    expect(report.body.nativeSessionId).toEqual(expect.any(String))

    const records = await streamRecords("runone")
    expect(records.at(-1)?.event).toEqual({ type: "turn.completed", outcome: "completed" })
    // Every entry names its predecessor, so readers can detect trimmed history.
    records.forEach((record, index) => expect(record.prev).toBe(index === 0 ? null : records[index - 1]!.id))
    expect(report.body.transcript).toEqual(foldEvents(records.map((record) => record.event)))
    expect(report.body.transcript).toContainEqual({ kind: "text", text: "I wrote the page." })
    expect(await live.ttl(runStreamKey("runone"))).toBeGreaterThan(0)
    // The lease goes once the report has been delivered.
    await eventually(async () => (await live.getKey(runLeaseKey("runone"))) === null)
    expect(readFileSync(join(root, "workspaces", "apps", "app-one", "hello.html"), "utf8")).toBe("<h1>Hello</h1>")
  })

  it("refuses a second message while the first runs (409), and stops when cancelled", { timeout: 60_000 }, async () => {
    fake.script([{ kind: "hang" }])
    expect((await startRun(worker, "app-busy", "runbusy1")).status).toBe(202)
    const second = await startRun(worker, "app-busy", "runbusy2")
    expect(second.status).toBe(409)
    // Cancel once the model is answering, so the scripted stall is used up by this run.
    await eventually(async () => (await streamRecords("runbusy1")).some((record) => record.event.type === "text.delta"), 30_000)
    // A stop meant for another run (one that already ended) leaves this turn alone.
    expect(await call(worker, "/sessions/app-busy/cancel?runId=runbusy0", { method: "POST" }).then((r) => r.json())).toEqual({ cancelled: false })
    expect(await call(worker, "/sessions/app-busy/cancel?runId=runbusy1", { method: "POST" }).then((r) => r.json())).toEqual({ cancelled: true })
    const report = await eventuallyValue(() => reports.get("runbusy1"), 30_000)
    expect(report.body.outcome).toBe("cancelled")
    expect((await streamRecords("runbusy1")).at(-1)?.event).toEqual({ type: "turn.completed", outcome: "cancelled" })
    expect(reports.has("runbusy2")).toBe(false)
  })

  it("stops the turn, with its processes, once the web has ended the run in its place", { timeout: 90_000 }, async () => {
    fake.script([{ kind: "hang" }])
    const before = new Set(descendantsOf(process.pid))
    expect((await startRun(worker, "app-taken", "runtaken")).status).toBe(202)
    await fake.waitForHang(60_000)
    const tree = descendantsOf(process.pid).filter((pid) => !before.has(pid))
    expect(tree.length).toBeGreaterThan(0)

    // What the web's reaper does when the lease lapses: fail the run and end its stream. The
    // runtime is silent (stalled on the model), so only the worker's heartbeat can notice.
    await endRunStream(live, "runtaken", [{ type: "turn.completed", outcome: "failed" }])
    const status = () => call(worker, "/sessions/app-taken/status").then((r) => r.json() as Promise<{ busy: boolean }>)
    await eventually(async () => (await status()).busy === false, 15_000)
    await eventually(() => tree.every((pid) => !isAlive(pid)), 10_000)
    // Nothing written after the web's end, nothing reported, and the lease is gone.
    await eventually(async () => (await live.getKey(runLeaseKey("runtaken"))) === null, 10_000)
    const records = await streamRecords("runtaken")
    expect(records.filter((record) => record.event.type === "turn.completed").map((record) => record.event)).toEqual([
      { type: "turn.completed", outcome: "failed" },
    ])
    expect(records.at(-1)?.event).toEqual({ type: "turn.completed", outcome: "failed" })
    expect(reports.has("runtaken")).toBe(false)
  })

  it("restores the app's source into a worker that has none, and never over existing source", async () => {
    const status = () => call(worker, "/sessions/app-restored/status").then((r) => r.json() as Promise<{ hasSource: boolean }>)
    expect((await status()).hasSource).toBe(false)
    fake.script([{ kind: "text", text: "Restored." }])
    const sourceFiles = { "index.html": "<p>saved</p>", "src/app.ts": "export {}\n", "../escape.txt": "no", ".env": "no" }
    const logo = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff])
    const sourceBinaryFiles = { "img/logo.png": logo.toString("base64"), "../escape.png": logo.toString("base64") }
    expect((await startRun(worker, "app-restored", "runrestore", { sourceFiles, sourceBinaryFiles })).status).toBe(202)
    await eventuallyValue(() => reports.get("runrestore"), 60_000)
    expect((await status()).hasSource).toBe(true)
    const files = (await call(worker, "/sessions/app-restored/files").then((r) => r.json())) as { files: Record<string, string> }
    expect(files.files).toEqual({ "index.html": "<p>saved</p>", "src/app.ts": "export {}\n" })
    // The binary file comes back byte for byte.
    expect(readFileSync(join(root, "workspaces", "apps", "app-restored", "img", "logo.png"))).toEqual(logo)
    expect(existsSync(join(root, "workspaces", "apps", "escape.txt"))).toBe(false)
    expect(existsSync(join(root, "workspaces", "apps", "escape.png"))).toBe(false)

    fake.script([{ kind: "text", text: "Again." }])
    expect((await startRun(worker, "app-restored", "runrestore2", { sourceFiles: { "index.html": "<p>old</p>" } })).status).toBe(202)
    await eventuallyValue(() => reports.get("runrestore2"), 60_000)
    expect(readFileSync(join(root, "workspaces", "apps", "app-restored", "index.html"), "utf8")).toBe("<p>saved</p>")
  }, 120_000)

  it("is refused with 503 by a worker that has nowhere to write streams", async () => {
    const response = await startRun(streamless, "app-x", "runx")
    expect(response.status).toBe(503)
    expect((await response.json()).error.code).toBe("run_streams_unavailable")
  })

  it("leaves nothing of a deleted app on the worker", { timeout: 90_000 }, async () => {
    fake.script([{ kind: "writeFile", path: "a.txt", content: "a", then: "ok" }])
    expect((await startRun(worker, "app-gone", "rungone")).status).toBe(202)
    await eventuallyValue(() => reports.get("rungone"), 60_000)
    expect(existsSync(join(root, "workspaces", "apps", "app-gone"))).toBe(true)
    expect((await call(worker, "/sessions/app-gone", { method: "DELETE" })).status).toBe(204)
    expect(existsSync(join(root, "workspaces", "apps", "app-gone"))).toBe(false)
    expect(existsSync(join(root, "workspaces", "homes", "app-gone"))).toBe(false)
  })
})
