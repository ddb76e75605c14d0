// App data: live fan-out to open previews, and the cost of paging a large collection.
//
//   1. Fan-out: 100 SSE connections over real HTTP to GET /api/w/:w/apps/:a/data/events, each as
//      its own viewer (session cookie, authorization, stream slots, one process-wide hub on the
//      Redis live adapter; bench/app-data-server.ts is that web process, a child of its own). This
//      process is a second web process on the same SQLite file and Redis: it inserts a document
//      (usage reservation, the write, the publish) and every client notes when the change
//      arrives. p50/p99 of insert→receipt over all clients and inserts; goal p99 ≤ 100 ms. The
//      baseline, measured alike: a bare node:http server with one ioredis subscription writing
//      each PUBLISH to every client, fed by a bare PUBLISH of the same change.
//   2. Paging: a collection of 10,000 documents read at 100 a page through listDocuments (real
//      SQLite, the cursor's `gt` on the index). The first page against the last, medians of
//      several passes; goal last ≤ 2 × first. Printed as ratios with the milliseconds behind them.
//
// Asserts only what cannot flake (every client gets every change once; every document is read
// once, in order). Short mode by default (~10 s): 10 inserts, 3 paging passes. BENCH_ROUNDS=5
// for 50 inserts and 10 passes. MongoDB is not measured (no server can run here).

import { fork, type ChildProcess } from "node:child_process"
import { request, type IncomingMessage } from "node:http"
import { loadavg } from "node:os"
import { fileURLToPath } from "node:url"
import { randomUUID } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { appDataChannel } from "#app/app-data/app-data-changes.server.ts"
import { insertDocument, listDocuments, type AppDataTarget } from "#app/app-data/app-data.server.ts"
import type { AppDataChange } from "#shared/apps/app-data.ts"
import { newId } from "#shared/ids.ts"
import type { LiveCoordination } from "#shared/live/live.server.ts"
import { createRedisLive } from "#shared/live/redis-live.server.ts"
import { openAppDataWorld, type AppDataWorld } from "#tests/fixtures/app-data-world.ts"
import { eventually } from "#tests/fixtures/eventually.ts"
import { startRedisServer, type RedisServer } from "#tests/fixtures/redis-server.ts"
import type { ServerMode, ServerStats } from "./app-data-server.ts"

const ROUNDS = Math.max(1, Number(process.env["BENCH_ROUNDS"] ?? 1))
const INSERTS = 10 * ROUNDS
const VIEWERS = 100
const DOCUMENTS = 10_000
const PAGE = 100
const PASSES = ROUNDS > 1 ? 10 : 3
const GOAL = { p99Ms: 100, lastOverFirst: 2 }

const now = () => performance.timeOrigin + performance.now()
const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN
const median = (values: readonly number[]) => percentile([...values].sort((a, b) => a - b), 0.5)

let redis: RedisServer
const servers = {} as Record<ServerMode, Child>
const prefixes: Record<ServerMode, string> = { ours: `bench-data:${randomUUID()}:`, baseline: `bench-data-base:${randomUUID()}:` }
const summary: string[][] = []

beforeAll(async () => {
  redis = await startRedisServer()
  const [ours, baseline] = await Promise.all((["ours", "baseline"] as const).map((mode) => startChild(mode)))
  servers.ours = ours!
  servers.baseline = baseline!
}, 60_000)

afterAll(async () => {
  printSummary()
  await Promise.allSettled(Object.values(servers).map((child) => child.stop()))
  await redis?.stop()
})

// ---------------------------------------------------------------------------------------------
// The server children and the clients

interface Child {
  readonly ready: { port: number; workspaceId: string; appId: string; cookies: string[]; file?: string }
  stats(): Promise<ServerStats>
  stop(): Promise<void>
}

async function startChild(mode: ServerMode): Promise<Child> {
  const child: ChildProcess = fork(fileURLToPath(new URL("./app-data-server.ts", import.meta.url)), [mode, redis.url, prefixes[mode], String(VIEWERS)], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  })
  let output = ""
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk))
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk))
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  const ready = await new Promise<Child["ready"]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${mode} server did not start: ${output}`)), 30_000)
    child.once("exit", () => reject(new Error(`${mode} server exited: ${output}`)))
    child.on("message", (message: { type?: string } & Child["ready"]) => {
      if (message.type !== "ready") return
      clearTimeout(timer)
      resolve(message)
    })
  })
  let next = 0
  const waiting = new Map<number, (stats: ServerStats) => void>()
  child.on("message", (message: { id?: number; result?: ServerStats }) => {
    if (message.id !== undefined) waiting.get(message.id)?.(message.result!)
  })
  return {
    ready,
    stats: () => new Promise((resolve) => {
      const id = (next += 1)
      waiting.set(id, resolve)
      child.send({ id, cmd: "stats" })
    }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM")
      await exited
    },
  }
}

interface Client {
  readonly opened: Promise<number>
  close(): void
}

/** One SSE stream on its own socket (as one browser each), with a lean parser: the `data:` lines. */
function openClient(url: string, cookie: string, onData: (data: string, at: number) => void): Client {
  let opened!: (status: number) => void
  const openedPromise = new Promise<number>((resolve) => (opened = resolve))
  const req = request(url, { agent: false, headers: cookie ? { cookie, accept: "text/event-stream" } : {} })
  req.on("error", () => opened(0))
  req.on("response", (res: IncomingMessage) => {
    opened(res.statusCode ?? 0)
    res.setEncoding("utf8")
    let buffer = ""
    res.on("data", (chunk: string) => {
      const at = now()
      buffer += chunk
      let end: number
      while ((end = buffer.indexOf("\n\n")) !== -1) {
        const data = buffer
          .slice(0, end)
          .split("\n")
          .filter((line) => line.startsWith("data: "))
          .map((line) => line.slice(6))
          .join("\n")
        buffer = buffer.slice(end + 2)
        if (data) onData(data, at)
      }
    })
    res.on("error", () => undefined)
  })
  req.end()
  return { opened: openedPromise, close: () => req.destroy() }
}

// ---------------------------------------------------------------------------------------------

function printSummary() {
  if (summary.length === 0) return
  const header = ["", "ours", "baseline", "ratio", "goal", "status"]
  const widths = header.map((_, column) => Math.max(...[header, ...summary].map((cells) => cells[column]!.length)))
  const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ")
  console.log(
    [
      `[bench] app data (${ROUNDS > 1 ? `long: ${ROUNDS} rounds` : "short"}; ${VIEWERS} viewers, ${INSERTS} inserts; ${DOCUMENTS.toLocaleString("en-US")} documents at ${PAGE} a page, ${PASSES} passes; load average ${loadavg()[0]!.toFixed(1)})`,
      line(header),
      ...summary.map(line),
    ].join("\n[bench] "),
  )
}

const ms = (value: number) => value.toFixed(2)

describe("app data", () => {
  it(`fans one insert out to ${VIEWERS} open data streams, against a bare PUBLISH loop`, async () => {
    const results = {} as Record<ServerMode, number[]>
    const writerLive: LiveCoordination[] = []
    let writer: AppDataWorld | null = null
    try {
      for (const mode of ["baseline", "ours"] as const) {
        const server = servers[mode]
        const { port, workspaceId, appId, cookies } = server.ready
        const live = await createRedisLive({ url: redis.url, prefix: prefixes[mode] })
        writerLive.push(live)
        if (mode === "ours") writer = await openAppDataWorld({ file: server.ready.file!, live })
        const target: AppDataTarget = { workspaceId, appId, scope: "draft" }
        const latencies: number[] = []
        const seen = Array.from({ length: VIEWERS }, () => new Set<number>())
        const clients = cookies.map((cookie, index) =>
          openClient(`http://127.0.0.1:${port}/api/w/${workspaceId}/apps/${appId}/data/events`, cookie, (data, at) => {
            const change = JSON.parse(data) as AppDataChange
            const { seq, sentAt } = change.document!.data as { seq: number; sentAt: number }
            if (seen[index]!.has(seq)) throw new Error(`client ${index} heard change ${seq} twice`)
            seen[index]!.add(seq)
            if (seq >= 0) latencies.push(at - sentAt)
          }),
        )
        try {
          expect(new Set(await Promise.all(clients.map((client) => client.opened)))).toEqual(new Set([200]))
          await eventually(async () => (await server.stats()).followers === VIEWERS, 10_000)
          const insert = async (seq: number) => {
            const data = { title: "Buy milk", done: false, seq, sentAt: now() }
            if (mode === "ours") await insertDocument(writer!.services, target, "todos", data)
            else {
              const id = newId()
              const at = new Date().toISOString()
              const change: AppDataChange = { appId, scope: "draft", collection: "todos", op: "insert", documentId: id, document: { id, collection: "todos", data, createdAt: at, updatedAt: at } }
              await live.publish(appDataChannel(workspaceId, appId), JSON.stringify(change))
            }
            await eventually(() => seen.every((heard) => heard.has(seq)), 10_000)
          }
          // Unmeasured warm-up inserts (negative seq), then the measured ones, one at a time.
          for (let seq = -3; seq < 0; seq += 1) await insert(seq)
          for (let seq = 0; seq < INSERTS; seq += 1) await insert(seq)
          expect(latencies).toHaveLength(VIEWERS * INSERTS)
          if (mode === "ours") expect((await server.stats()).subscriptions, "one live subscription for all the streams").toBe(1)
        } finally {
          for (const client of clients) client.close()
        }
        await eventually(async () => (await server.stats()).followers === 0, 10_000)
        results[mode] = latencies.sort((a, b) => a - b)
        console.log(
          `[bench] fan-out ${mode.padEnd(8)} ${VIEWERS} streams × ${INSERTS} inserts: p50 ${ms(percentile(results[mode], 0.5))} ms, ` +
            `p99 ${ms(percentile(results[mode], 0.99))} ms, max ${ms(results[mode].at(-1)!)} ms`,
        )
      }
    } finally {
      await writer?.close()
      await Promise.all(writerLive.map((live) => live.close()))
    }
    const [ours, baseline] = [results.ours, results.baseline]
    for (const [label, p] of [["p50", 0.5], ["p99", 0.99]] as const) {
      const [o, b] = [percentile(ours, p), percentile(baseline, p)]
      summary.push([`fan-out insert→receipt ${label} ms`, ms(o), ms(b), (o / b).toFixed(2), label === "p99" ? `≤ ${GOAL.p99Ms} ms` : "", label === "p99" ? (o <= GOAL.p99Ms ? "met" : "NOT MET") : ""])
    }
  }, 120_000)

  it(`reads the last page of ${DOCUMENTS.toLocaleString("en-US")} documents about as fast as the first`, async () => {
    const world = await openAppDataWorld()
    try {
      const target: AppDataTarget = { workspaceId: newId(), appId: newId(), scope: "draft" }
      // Another app's and another collection's documents share the table, as they would.
      for (let n = 0; n < DOCUMENTS; n += 1) {
        await insertDocument(world.services, target, "todos", { n, title: `Todo ${n}`, done: n % 3 === 0 })
        if (n % 10 === 0) await insertDocument(world.services, { ...target, appId: newId() }, "todos", { n })
      }
      const firsts: number[] = []
      const lasts: number[] = []
      for (let pass = 0; pass < PASSES + 1; pass += 1) {
        let cursor: string | null = null
        let read = 0
        const times: number[] = []
        do {
          const started = performance.now()
          const page = await listDocuments(world.services, target, { collection: "todos", cursor, limit: PAGE })
          times.push(performance.now() - started)
          for (const document of page.documents) expect(document.data["n"]).toBe(read++)
          cursor = page.nextCursor
        } while (cursor !== null)
        expect(read).toBe(DOCUMENTS)
        // The first pass warms up (JIT, SQLite's page cache) and is not counted.
        if (pass === 0) continue
        firsts.push(times[0]!)
        lasts.push(times.at(-1)!)
        console.log(`[bench] paging pass ${pass}: first page ${ms(times[0]!)} ms, last page ${ms(times.at(-1)!)} ms, all ${times.length} pages ${ms(times.reduce((a, b) => a + b, 0))} ms`)
      }
      const [first, last] = [median(firsts), median(lasts)]
      summary.push(["paging: last page ms (baseline: first page)", ms(last), ms(first), (last / first).toFixed(2), `≤ ${GOAL.lastOverFirst} × first`, last / first <= GOAL.lastOverFirst ? "met" : "NOT MET"])
    } finally {
      await world.close()
    }
  }, 120_000)
})
