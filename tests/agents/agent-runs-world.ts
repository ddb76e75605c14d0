// What the agent runs integration tests share: an in-process web tier (real SQLite file, in-process
// live port, tRPC through createCaller with its real authorization) whose worker client is the
// real one, talking over real HTTP to a fake worker that records agent run starts, cancels and
// builder turns; Ada's app with the example agents.json kept by a settled builder turn.

import { createServer, type IncomingMessage, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { Schema } from "effect"
import { exampleAgentsConfig } from "#shared/agents/agents-config.fixture.ts"
import { agentsConfigHash } from "#shared/agents/canonical-hash.ts"
import { STREAM_START } from "#shared/live/live.server.ts"
import { StartAgentRunRequest } from "#shared/runs/agent-runs.ts"
import type { RunCompletion } from "#shared/runs/internal-api.ts"
import { decodeRunStreamRecord, encodeRunStreamRecord, runStreamKey, type RunStreamEvent } from "#shared/runs/run-stream.ts"
import type { Transcript } from "#shared/runs/transcript.ts"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import { agentRuns, type AgentRunDocument } from "#app/agents/agent-run-collections.server.ts"
import { action as completeAction } from "#app/routes/api.internal.runs.$runId.complete.ts"
import type { AppDocument, UserDocument } from "#app/store/collections.server.ts"
import { createWorkerClient } from "#app/worker-client/worker-client.server.ts"
import { createVersionWorld, INTERNAL_TOKEN, type VersionWorld } from "#tests/fixtures/version-world.ts"
import { settleTurn } from "./agents-turns.ts"

const cleanups: (() => Promise<void>)[] = []

/** Closes every world and fake worker the test made (register it with afterEach). */
export async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
}

const decodeStart = Schema.decodeUnknownSync(StartAgentRunRequest)

/** The worker's HTTP API as far as agent runs (and a repair's builder turn) need it. */
export interface FakeWorker {
  readonly url: URL
  readonly starts: StartAgentRunRequest[]
  readonly builderTurns: { appId: string; prompt: string }[]
  readonly cancels: string[]
  /** What a cancel does: confirm (and report the turn cancelled, as a worker does), or know nothing of the run. */
  onCancel: "confirm-and-report" | "unknown"
}

const body = async (request: IncomingMessage): Promise<unknown> => {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "null")
}

async function startFakeWorker(report: (runId: string, completion: RunCompletion) => Promise<Response>): Promise<FakeWorker> {
  const state = {
    starts: [] as StartAgentRunRequest[],
    builderTurns: [] as { appId: string; prompt: string }[],
    cancels: [] as string[],
    onCancel: "unknown" as FakeWorker["onCancel"],
  }
  const appOf = new Map<string, string>()
  const server: Server = createServer((request, response) => {
    const answer = (status: number, json: unknown) => {
      response.writeHead(status, { "content-type": "application/json" })
      response.end(JSON.stringify(json))
    }
    void (async () => {
      const path = request.url ?? ""
      if (request.method === "POST" && path === "/agent-runs") {
        const start = decodeStart(await body(request))
        state.starts.push(start)
        appOf.set(start.runId, start.appId)
        return answer(202, { accepted: true })
      }
      const cancel = /^\/agent-runs\/([^/]+)\/cancel$/.exec(path)
      if (request.method === "POST" && cancel) {
        const runId = decodeURIComponent(cancel[1]!)
        state.cancels.push(runId)
        if (state.onCancel === "unknown") return answer(404, { error: { code: "unknown_run", message: "No such run." } })
        answer(200, { cancelled: true })
        await report(runId, { appId: appOf.get(runId)!, outcome: "cancelled", error: null, runtime: "claude", nativeSessionId: null, transcript: [] })
        return
      }
      const message = /^\/sessions\/([^/]+)\/messages$/.exec(path)
      if (request.method === "POST" && message) {
        const turn = (await body(request)) as { prompt: string }
        state.builderTurns.push({ appId: decodeURIComponent(message[1]!), prompt: turn.prompt })
        return answer(202, { accepted: true })
      }
      answer(404, { error: { code: "not_found", message: "No such endpoint." } })
    })()
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())))
  const { port } = server.address() as AddressInfo
  return Object.assign(state, { url: new URL(`http://127.0.0.1:${port}`) })
}

const MANIFEST = JSON.stringify({ dataCollections: ["tickets"] })

export interface Given {
  readonly world: VersionWorld
  readonly worker: FakeWorker
  readonly app: AppDocument
  readonly creator: UserDocument
  readonly admin: UserDocument
  readonly ids: { readonly workspaceId: string; readonly appId: string }
  /** POSTs a completion report to the real internal route. */
  report(runId: string, completion: RunCompletion): Promise<Response>
  approve(): Promise<void>
  runNow(runId: string): Promise<AgentRunDocument>
  events(runId: string): Promise<RunStreamEvent[]>
}

/** Ada's app whose first builder turn wrote agents.json (the example: ticket-triage and researcher). */
export async function given(): Promise<Given> {
  const world = await createVersionWorld()
  cleanups.push(() => world.close())
  const report = (runId: string, completion: RunCompletion) =>
    completeAction({
      request: new Request(`http://second.test/api/internal/runs/${runId}/complete`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${INTERNAL_TOKEN}` },
        body: JSON.stringify(completion),
      }),
      params: { runId },
      context: { services: world.services, cspNonce: "" },
    }) as Promise<Response>
  const worker = await startFakeWorker(report)
  // The real client, over HTTP, in place of the world's recording fake.
  Object.assign(world.services, { worker: createWorkerClient({ baseUrl: worker.url, token: undefined }) })
  // Leases as short as the contract allows, so the reaper acts within a test.
  Object.assign(world.services.config, { runLeaseMs: 1_000 })

  const { app, run } = await world.appInTurn()
  const source = { files: { "second.json": MANIFEST, "agents.json": JSON.stringify(exampleAgentsConfig()) }, binaryFiles: {}, skipped: [] }
  await settleTurn(world, app.id, run.id, source)
  const { creator, admin } = world.people
  const ids = { workspaceId: world.workspaceId, appId: app.id }
  return {
    world,
    worker,
    app,
    creator,
    admin,
    ids,
    report,
    async approve() {
      await world.caller(admin).agents.approve({ ...ids, expectedHash: agentsConfigHash(exampleAgentsConfig()) })
    },
    runNow: async (runId) => (await world.services.store.collection(agentRuns).findOne({ id: runId }))!,
    events: async (runId) =>
      (await world.services.live.read(runStreamKey(runId), { after: STREAM_START, limit: 1_000 })).map(
        (entry) => decodeRunStreamRecord(entry.data).event,
      ),
  }
}

/** Appends to a run's stream as its worker would, after `after` (null: from the stream's end). */
export async function append(g: Given, runId: string, list: readonly RunEvent[]) {
  let prev = (await g.world.services.live.streamInfo(runStreamKey(runId))).lastId
  for (const event of list)
    prev = await g.world.services.live.append(runStreamKey(runId), encodeRunStreamRecord({ prev, event }), { maxLength: 1_000, expectedLastId: prev })
}

export const completion = (app: AppDocument, transcript: Transcript, outcome: RunCompletion["outcome"] = "completed"): RunCompletion => ({
  appId: app.id,
  outcome,
  error: null,
  runtime: "claude",
  nativeSessionId: null,
  transcript,
})

export async function triggered(g: Given, agentId = "ticket-triage") {
  const { runId } = await g.world.caller(g.creator).agentRuns.trigger({ ...g.ids, agentId, prompt: "Triage ticket 42" })
  return g.runNow(runId)
}

