// What the scale-out fault tests share: a cluster of two webs and two workers (one Redis, one
// SQLite store) running the real Claude Code against one fake model, a signed-in person with a
// workspace, and ways to see where things are: which worker's disk holds an app, who holds its
// session lease, what the worker registry in Redis says.

import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { expect } from "vitest"
import { createRedisLive } from "#shared/live/redis-live.server.ts"
import type { LiveCoordination } from "#shared/live/live.server.ts"
import { liveWorkers, type WorkerAnnouncement } from "#shared/workers/worker-registry.ts"
import { readSessionLease } from "#shared/workers/session-lease.ts"
import { apps as appsCollection, snapshots as snapshotsCollection, type AppDocument } from "#app/store/collections.server.ts"
import { eventually, eventuallyValue, within as withinTime } from "#tests/fixtures/eventually.ts"
import { FAKE_API_KEY } from "#tests/fixtures/fake-model/cli-env.ts"
import { startFakeModel, type FakeModel, type Step } from "#tests/fixtures/fake-model/server.ts"
import { HttpPerson } from "#tests/fixtures/http-person.ts"
import { startSecondCluster, type ClusterWorker, type SecondCluster, type SecondClusterOptions } from "#tests/fixtures/second-cluster.ts"
import { SseReader, type SseMessage } from "#tests/fixtures/sse-client.ts"
import { runSettled, trpcCall } from "#tests/fixtures/trpc-call.ts"

export type RunEvent = { readonly type: string; readonly [field: string]: unknown }
export type Run = {
  id: string
  appId: string
  status: string
  error: { code: string; retryable: boolean; message: string } | null
  transcript: { kind: string; [field: string]: unknown }[]
  prompt: string
  retryOf: string | null
}
export type Created = { app: { id: string; name: string }; run: Run }

export interface ScaleOutWorld {
  readonly fake: FakeModel
  readonly cluster: SecondCluster
  readonly person: HttpPerson
  readonly workspaceId: string
  /** The cluster's Redis, read the way the webs and workers read it (default key prefix). */
  readonly live: LiveCoordination
  /** tRPC on web `web` (default the first; the cookie works on both). */
  call<T>(kind: "query" | "mutation", procedure: string, input: unknown, web?: number): Promise<T>
  /** A new app, built with Claude Code; the run as apps.create answered it. */
  createApp(prompt: string, web?: number): Promise<Created>
  send(appId: string, prompt: string, web?: number): Promise<Run>
  /** The run as runs.list gives it now. */
  runNow(appId: string, runId: string): Promise<Run | undefined>
  /** Waits (bounded) until the run is no longer running. */
  settled(appId: string, runId: string, timeoutMs?: number): Promise<Run>
  /** The run's whole stream, from its first event, once it has ended. */
  wholeStream(runId: string): Promise<RunEvent[]>
  /** Whether this worker's workspaces directory holds the app. */
  holds(worker: ClusterWorker, appId: string): boolean
  /** The worker whose workspaces directory holds the app (exactly one must). */
  ownerByDisk(appId: string): ClusterWorker
  /** A file of the app on that worker's disk, or null. */
  fileOn(worker: ClusterWorker, appId: string, path: string): string | null
  /** The registry's live entries, decoded. */
  registry(): Promise<WorkerAnnouncement[]>
  /** The registry entry of this worker's current process (its id is its name plus a per-start suffix). */
  entryOf(worker: ClusterWorker): Promise<WorkerAnnouncement | undefined>
  /** Which cluster worker the app's session lease names, or null when none. */
  leaseHolder(appId: string): Promise<{ worker: ClusterWorker | null; workerId: string; fence: number } | null>
  /** Waits until every worker is registered with a usable Claude Code. */
  everyWorkerReady(): Promise<void>
  /** The app's last snapshot's text files (from the shared store). */
  snapshotFiles(appId: string): Promise<Record<string, string>>
  /** The app as stored. */
  storedApp(appId: string): Promise<AppDocument | null>
  /** `within`, with the cluster's recent logs when it times out. */
  within<T>(promise: Promise<T>, ms: number, what: string): Promise<T>
  stop(): Promise<void>
}

/** Many small chunks, `delayMs` apart: a reply that lasts and emits one event per chunk. */
export const slowReply = (chunks: number, delayMs: number, word = "step"): Step => ({
  kind: "slowText",
  chunks: Array.from({ length: chunks }, (_, index) => `${word} ${index + 1}. `),
  delayMs,
})

const isTerminal = (message: SseMessage) => message.event === "message" && (JSON.parse(message.data) as RunEvent).type === "turn.completed"

export async function startScaleOutWorld(name: string, options: Pick<SecondClusterOptions, "workerEnv" | "perWorkerEnv" | "webEnv"> = {}): Promise<ScaleOutWorld> {
  const fake = await startFakeModel()
  const cluster = await startSecondCluster({
    webs: 2,
    workers: 2,
    leaseSeconds: 3,
    webEnv: options.webEnv,
    workerEnv: { ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: FAKE_API_KEY, ...options.workerEnv },
    perWorkerEnv: options.perWorkerEnv,
  }).catch(async (error: unknown) => {
    await fake.stop()
    throw error
  })
  const live = await createRedisLive({ url: cluster.redis.url, connectionName: `${name}-test` })
  const webUrl = (web = 0) => cluster.webs[web]!.url
  const person = await new HttpPerson(webUrl()).signIn(`${name}@example.com`)
  const workspaceId = (await person.must<{ id: string }>("mutation", "workspaces.create", { name })).id

  const call = <T,>(kind: "query" | "mutation", procedure: string, input: unknown, web?: number) => trpcCall<T>(person, webUrl(web), kind, procedure, input)
  const byWorkerId = (workerId: string) => cluster.workers.find((worker) => workerId.startsWith(`${worker.name}-`)) ?? null

  const world: ScaleOutWorld = {
    fake,
    cluster,
    person,
    workspaceId,
    live,
    call,
    createApp: (prompt, web) => call<Created>("mutation", "apps.create", { workspaceId, prompt, runtime: "claude" }, web),
    send: (appId, prompt, web) => call<Run>("mutation", "runs.send", { workspaceId, appId, prompt }, web),
    runNow: async (appId, runId) =>
      (await call<{ runs: Run[] }>("query", "runs.list", { workspaceId, appId })).runs.find((run) => run.id === runId),
    settled: (appId, runId, timeoutMs = 120_000) => runSettled<Run>(person, webUrl(), { workspaceId, appId }, runId, timeoutMs),
    async wholeStream(runId) {
      const response = await fetch(`${webUrl()}/api/runs/${runId}/events`, { headers: { cookie: person.cookieHeader(), accept: "text/event-stream" } })
      expect(response.status).toBe(200)
      const messages = await new SseReader(response).collect(isTerminal)
      return messages.filter((message) => message.event === "message").map((message) => JSON.parse(message.data) as RunEvent)
    },
    holds: (worker, appId) => existsSync(join(worker.workspacesDir, "apps", appId)),
    ownerByDisk(appId) {
      const holders = cluster.workers.filter((worker) => world.holds(worker, appId))
      expect(holders.map((worker) => worker.name), `the workers whose disk holds app ${appId}`).toHaveLength(1)
      return holders[0]!
    },
    fileOn(worker, appId, path) {
      const file = join(worker.workspacesDir, "apps", appId, path)
      return existsSync(file) ? readFileSync(file, "utf8") : null
    },
    registry: () => liveWorkers(live),
    entryOf: async (worker) => (await liveWorkers(live)).find((entry) => entry.url === worker.url && entry.name === worker.name),
    async leaseHolder(appId) {
      const { lease } = await readSessionLease(live, appId)
      return lease ? { worker: byWorkerId(lease.workerId), workerId: lease.workerId, fence: lease.fence } : null
    },
    async everyWorkerReady() {
      await world.within(
        eventually(async () => {
          const entries = await liveWorkers(live)
          return cluster.workers.every((worker) =>
            entries.some((entry) => entry.url === worker.url && !entry.draining && entry.runtimes.includes("claude")),
          )
        }, 90_000),
        95_000,
        "every worker to register with Claude Code usable",
      )
    },
    async snapshotFiles(appId) {
      const store = await cluster.openStore()
      try {
        const app = await store.collection(appsCollection).findOne({ id: appId, workspaceId })
        if (!app?.snapshotId) return {}
        return (await store.collection(snapshotsCollection).findOne({ id: app.snapshotId, workspaceId }))?.files ?? {}
      } finally {
        await store.close()
      }
    },
    async storedApp(appId) {
      const store = await cluster.openStore()
      try {
        return await store.collection(appsCollection).findOne({ id: appId, workspaceId })
      } finally {
        await store.close()
      }
    },
    within: (promise, ms, what) => withinTime(promise, ms, what, () => cluster.logs().slice(-30_000)),
    async stop() {
      await live.close().catch(() => undefined)
      await cluster.stop()
      await fake.stop()
    },
  }
  await world.everyWorkerReady()
  return world
}

/** Waits until the fake model holds `count` hanging replies open (agents mid-turn). */
export const hangsOpen = (world: ScaleOutWorld, count: number) =>
  world.within(world.fake.until(() => world.fake.openHangs() >= count, `${count} open hangs`, 90_000), 95_000, `${count} agents to wait on the model`)

/** Waits until the app's run is no longer the app's claim (the run settled and released the app). */
export const appReleased = (world: ScaleOutWorld, appId: string) =>
  eventuallyValue(async () => {
    const app = await world.storedApp(appId)
    return app && app.activeRunId === null ? app : null
  }, 60_000)
