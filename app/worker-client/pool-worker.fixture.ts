// For the worker pool's tests: a stand-in worker on loopback answering the routes the web calls
// (worker/src/http), each turn recorded with the fence it carried. What it answers to a turn is
// set per test: take it, refuse it as busy or draining, or ask for the source first (as a worker
// that does not hold the app does).

import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { Schema } from "effect"
import { RuntimesReport } from "#shared/runs/internal-api.ts"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { announceWorker, type WorkerAnnouncement } from "#shared/workers/worker-registry.ts"
import type { LiveCoordination } from "#shared/live/live.server.ts"

export type TurnAnswer = "accept" | "busy" | "draining" | "source-first" | "runtime-unavailable"

export interface RecordedTurn {
  readonly appId: string
  readonly runId: string
  readonly sessionFence: number | undefined
  readonly withSource: boolean
}

export interface FakePoolWorker {
  readonly name: string
  readonly url: string
  /** What the next turns (builder and agent) get. */
  answer: TurnAnswer
  /** Runs when a builder turn arrives, before it is answered (to make things happen meanwhile). */
  onTurn: ((turn: RecordedTurn) => Promise<void>) | null
  readonly turns: RecordedTurn[]
  readonly agentRuns: string[]
  readonly agentCancels: string[]
  readonly destroyed: string[]
  readonly authorizations: (string | undefined)[]
  /** Puts its entry into the registry (as a worker's heartbeat does). */
  announce(live: LiveCoordination, overrides?: Partial<WorkerAnnouncement>): Promise<WorkerAnnouncement>
  stop(): Promise<void>
}

const encodeReport = Schema.encodeSync(RuntimesReport)

const report = (runtimes: readonly RuntimeId[]) =>
  encodeReport({
    runtimes: runtimes.map((id) => ({ id, usable: true, reason: null, version: `${id} 1.0.0`, credentialsConfigured: true, models: [], defaultModel: null })),
    sandbox: { mode: "bubblewrap", missingProtections: [] },
  })

const refusal = (code: string) => ({ error: { code, message: `The worker says ${code}.` } })

export async function startFakePoolWorker(name: string, options: { readonly runtimes?: readonly RuntimeId[] } = {}): Promise<FakePoolWorker> {
  const runtimes = options.runtimes ?? ["claude", "codex"]
  const running = new Set<string>()
  const server: Server = createServer((request, response) => {
    let body = ""
    request.on("data", (chunk) => (body += chunk))
    request.on("end", () => {
      worker.authorizations.push(request.headers.authorization)
      const send = (status: number, value?: unknown) => {
        response.writeHead(status, { "content-type": "application/json" }).end(value === undefined ? undefined : JSON.stringify(value))
      }
      const path = (request.url ?? "").split("?")[0] ?? ""
      const parsed = body ? (JSON.parse(body) as Record<string, unknown>) : {}
      const refuseTurn = () => {
        if (worker.answer === "busy") return send(503, refusal("worker_busy")), true
        if (worker.answer === "draining") return send(503, refusal("worker_draining")), true
        if (worker.answer === "runtime-unavailable") return send(503, refusal("runtime_unavailable")), true
        return false
      }
      const message = /^\/sessions\/([^/]+)\/messages$/.exec(path)
      if (request.method === "POST" && message) {
        const withSource = parsed["sourceFiles"] !== undefined && parsed["sourceFiles"] !== null
        const turn = { appId: decodeURIComponent(message[1]!), runId: String(parsed["runId"]), sessionFence: parsed["sessionFence"] as number | undefined, withSource }
        worker.turns.push(turn)
        const answerTurn = () => {
          if (refuseTurn()) return
          if (worker.answer === "source-first" && !withSource) return send(409, refusal("source_needed"))
          return send(202, { accepted: true })
        }
        if (!worker.onTurn) return answerTurn()
        return void worker.onTurn(turn).then(answerTurn, () => send(500, refusal("fixture_failed")))
      }
      if (request.method === "POST" && path === "/agent-runs") {
        worker.agentRuns.push(String(parsed["runId"]))
        if (refuseTurn()) return
        running.add(String(parsed["runId"]))
        return send(202, { accepted: true })
      }
      const agentCancel = /^\/agent-runs\/([^/]+)\/cancel$/.exec(path)
      if (request.method === "POST" && agentCancel) {
        const runId = decodeURIComponent(agentCancel[1]!)
        worker.agentCancels.push(runId)
        return running.delete(runId) ? send(200, { cancelled: true }) : send(404, refusal("not_found"))
      }
      const session = /^\/sessions\/([^/]+)(\/[a-z]+)?$/.exec(path)
      if (session) {
        const appId = decodeURIComponent(session[1]!)
        if (request.method === "DELETE") return worker.destroyed.push(appId), send(204)
        if (session[2] === "/status") return send(200, { exists: true, busy: false, runtime: "claude", nativeSessionId: null, lastActiveAt: null, hasSource: true })
        if (session[2] === "/files") return send(200, { files: { "owner.txt": name }, binaryFiles: {}, skipped: [] })
        if (session[2] === "/cancel") return send(200, { cancelled: true })
      }
      if (path === "/runtimes") return send(200, report(runtimes))
      if (path === "/health") return send(200, { status: "ok" })
      send(404, refusal("not_found"))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const worker: FakePoolWorker = {
    name,
    url,
    answer: "accept",
    onTurn: null,
    turns: [],
    agentRuns: [],
    agentCancels: [],
    destroyed: [],
    authorizations: [],
    async announce(live, overrides = {}) {
      const announcement: WorkerAnnouncement = {
        id: `${name}-1`,
        url,
        name,
        runtimes: [...runtimes],
        capacity: 4,
        activeTurns: 0,
        draining: false,
        startedAt: new Date().toISOString(),
        ...overrides,
      }
      await announceWorker(live, announcement)
      return announcement
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
  return worker
}
