// One web process for bench/run-fanout.bench.test.ts, run as its own child process so its CPU
// time, heap and Redis connections are its own and are not shared with the clients measuring it.
//
//   node --expose-gc --import tsx bench/run-fanout-server.ts <ours|baseline> <redis url> <key prefix>
//
// GET /runs/:runId/events serves a run's events as Server-Sent Events:
// - "ours": the web tier's real code path after authorization — isCaughtUpPastEnd, then
//   writeRunEventStream, as app/server/http-host.server.ts serves GET /api/runs/:runId/events: a
//   RunEventSession on ONE process-wide RunEventHub (Redis live adapter) written to the node:http
//   response directly. The request checks and authorization before it are not what is measured
//   (they run once per connection, not per event), so they are left out.
// - "baseline": the least a server could do: plain node:http and one ioredis XREAD BLOCK loop on
//   the run's stream, each batch framed once and written to every client (no backpressure, no
//   replay, no validation). GET /runs/:runId/range is its catch-up: one XRANGE of the whole stream
//   written to the socket in one go.
// Driven over the IPC channel (fork): it reports { type: "ready", port } and answers
// { id, cmd: "stats" | "memory" | "cpu" | "arrivals" | "snapshot" } with { id, result }
// ("snapshot": a heap snapshot after gc, its file name: two of them, before and after connecting
// subscribers, say what each subscriber holds).

import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { writeHeapSnapshot } from "node:v8"
import { Redis } from "ioredis"
import { createRunEventHub, type RunEventHub } from "#app/runs/run-event-hub.server.ts"
import { writeRunEventStream } from "#app/runs/run-event-sse-node.server.ts"
import { isCaughtUpPastEnd } from "#app/runs/run-stream-cursor.server.ts"
import { sendFetchResponse } from "#app/server/node-fetch.server.ts"
import { SSE_HEADERS } from "#app/sse/sse.server.ts"
import { createStreamSlots, streamSlotLimits } from "#app/sse/stream-slots.server.ts"
import { createRedisLive } from "#shared/live/redis-live.server.ts"
import { ENTRY_FIELD } from "#shared/live/redis-stream-tailer.server.ts"
import { runStreamKey } from "#shared/runs/run-stream.ts"

export type ServerMode = "ours" | "baseline"
/** The name its Redis connections carry (CLIENT SETNAME), so the benchmark can count them. */
const connectionName = (mode: ServerMode) => `bench-web-${mode}`

export interface ServerStats {
  /** HTTP responses currently open. */
  readonly open: number
  /** Clients following a run (the hub's subscribers, or the baseline's fan-out set). */
  readonly subscribers: number
}
export interface ServerMemory {
  readonly heapUsed: number
  readonly external: number
  readonly rss: number
  readonly gc: boolean
}

// The run's state in the store, which the bench does not have: shared, so a subscriber costs what
// the web's would (the web's close over the authorized run instead).
const noTranscript = async () => null
const notEnded = async () => false

const ROUTE = /^\/runs\/([^/]+)\/(events|range)$/

/** Milliseconds from append to arrival in this process, for each text.delta of a probed run. */
const arrivals: number[] = []
const now = () => performance.timeOrigin + performance.now()
/** Runs whose arrivals are recorded: the benchmark's fan-out runs. */
const probed = (runId: string) => runId.startsWith("fanout-")
const recordArrival = (event: { type: string; text?: string }, at: number) => {
  if (event.type === "text.delta") arrivals.push(at - Number(event.text!.split("|", 2)[1]))
}

async function main() {
  const [mode, url, prefix] = process.argv.slice(2) as [ServerMode, string, string]
  let open = 0
  let subscribers: () => number
  let handle: (runId: string, kind: string, req: IncomingMessage, res: ServerResponse) => void
  let hub: RunEventHub | null = null

  if (mode === "ours") {
    const live = await createRedisLive({ url, prefix, connectionName: connectionName(mode) })
    const sharedHub = createRunEventHub(live)
    hub = sharedHub
    // One more hub listener per probed run records when entries reach the hub's fan-out, so the
    // benchmark can split the latency into Redis→hub and hub→client. It does no other work.
    const probes = new Map<string, () => void>()
    const slots = createStreamSlots(streamSlotLimits(100_000))
    let connections = 0
    subscribers = () => sharedHub.stats().subscribers - probes.size
    handle = (runId, kind, req, res) => {
      if (kind !== "events") return void res.writeHead(404).end()
      if (probed(runId) && !probes.has(runId)) {
        // The benchmark's fan-out runs are empty until every client follows them: from the start.
        const unsubscribe = sharedHub.subscribe(runId, "0-0", {
          onItems(items) {
            const at = now()
            for (const item of items) if (item.event) recordArrival(item.event, at)
            if (items.some((item) => item.terminal)) {
              probes.get(runId)?.()
              probes.delete(runId)
            }
          },
          onClose: () => probes.delete(runId),
        })
        probes.set(runId, unsubscribe)
      }
      const header = req.headers["last-event-id"]
      const lastEventId = typeof header === "string" ? header : null
      void (async () => {
        if (await isCaughtUpPastEnd(live, runId, lastEventId)) return sendFetchResponse(res, new Response(null, { status: 204 }))
        // What the web's host does for GET /api/runs/:runId/events once the request is authorized:
        // a stream slot (each bench client is its own browser), then the stream.
        connections += 1
        const refused = slots.take({ userId: `user-${connections}`, sessionId: `session-${connections}` }, res)
        if (refused) return sendFetchResponse(res, refused)
        writeRunEventStream(res, { live, hub: sharedHub, runId, lastEventId, loadTranscript: noTranscript, runEnded: notEnded }, console.error)
      })().catch((error: unknown) => res.destroy(error as Error))
    }
  } else {
    const commands = new Redis(url, { connectionName: connectionName(mode) })
    // One blocking reader for the process: the benchmark follows one run at a time.
    const reader = commands.duplicate({ connectionName: `${connectionName(mode)}:reader` })
    const followers = new Map<string, Set<ServerResponse>>()
    subscribers = () => [...followers.values()].reduce((sum, clients) => sum + clients.size, 0)

    const follow = async (runId: string, key: string, clients: Set<ServerResponse>) => {
      const last = (await commands.xrevrange(key, "+", "-", "COUNT", 1)) as [string, string[]][]
      let cursor = last[0]?.[0] ?? "0-0"
      while (clients.size > 0) {
        const reply = (await reader.xread("COUNT", 500, "BLOCK", 1000, "STREAMS", key, cursor)) as
          | [string, [string, string[]][]][]
          | null
        const entries = reply?.[0]?.[1] ?? []
        if (entries.length === 0) continue
        const at = now()
        let payload = ""
        let terminal = false
        for (const [id, fields] of entries) {
          const record = JSON.parse(fields[fields.indexOf(ENTRY_FIELD) + 1]!) as { event: { type: string; text?: string } }
          if (probed(runId)) recordArrival(record.event, at)
          payload += `id: ${id}\ndata: ${JSON.stringify(record.event)}\n\n`
          terminal ||= record.event.type === "turn.completed"
        }
        cursor = entries.at(-1)![0]
        for (const client of clients) client.write(payload)
        if (terminal) {
          for (const client of clients) client.end()
          clients.clear()
        }
      }
    }

    handle = (runId, kind, _req, res) => {
      const key = `${prefix}${runStreamKey(runId)}`
      if (kind === "range") {
        void (commands.xrange(key, "-", "+") as Promise<[string, string[]][]>).then((entries) => {
          let payload = ""
          for (const [id, fields] of entries) {
            const record = JSON.parse(fields[fields.indexOf(ENTRY_FIELD) + 1]!) as { event: unknown }
            payload += `id: ${id}\ndata: ${JSON.stringify(record.event)}\n\n`
          }
          res.writeHead(200, SSE_HEADERS).end(payload)
        })
        return
      }
      res.writeHead(200, SSE_HEADERS)
      res.write(": ok\n\n")
      let clients = followers.get(runId)
      if (!clients) {
        const started = new Set<ServerResponse>()
        followers.set(runId, started)
        clients = started
        void follow(runId, key, started).finally(() => followers.get(runId) === started && followers.delete(runId))
      }
      const joined = clients
      joined.add(res)
      res.once("close", () => joined.delete(res))
    }
  }

  const server = createServer((req, res) => {
    const match = ROUTE.exec(new URL(req.url ?? "/", "http://bench.test").pathname)
    if (!match) return void res.writeHead(404).end()
    open += 1
    res.once("close", () => (open -= 1))
    handle(decodeURIComponent(match[1]!), match[2]!, req, res)
  })
  // Room for 500 connections arriving at once.
  server.listen({ port: 0, host: "127.0.0.1", backlog: 1024 })
  await new Promise((resolve) => server.once("listening", resolve))

  const gc = (globalThis as { gc?: () => void }).gc
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
  const memory = async (): Promise<ServerMemory> => {
    const samples: NodeJS.MemoryUsage[] = []
    for (let sample = 0; sample < 5; sample += 1) {
      gc?.()
      await new Promise((resolve) => setTimeout(resolve, 20))
      samples.push(process.memoryUsage())
    }
    return {
      heapUsed: median(samples.map((s) => s.heapUsed)),
      external: median(samples.map((s) => s.external)),
      rss: median(samples.map((s) => s.rss)),
      gc: gc !== undefined,
    }
  }

  process.on("message", (message: { id: number; cmd: string }) => {
    const answer = (result: unknown) => process.send!({ id: message.id, result })
    if (message.cmd === "stats") answer({ open, subscribers: subscribers() } satisfies ServerStats)
    else if (message.cmd === "cpu") answer(process.cpuUsage())
    else if (message.cmd === "memory") void memory().then(answer)
    else if (message.cmd === "hub") answer(hub?.stats() ?? null)
    else if (message.cmd === "arrivals") answer(arrivals.splice(0))
    else if (message.cmd === "snapshot") {
      gc?.()
      answer(writeHeapSnapshot())
    }
  })
  // The parent went away (or stopped us): nothing else keeps this process honest.
  process.on("disconnect", () => process.exit(0))
  // Exit normally on SIGTERM, so flags like --cpu-prof write their output.
  process.on("SIGTERM", () => process.exit(0))
  process.send!({ type: "ready", port: (server.address() as AddressInfo).port })
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
