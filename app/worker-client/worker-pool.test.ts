// The worker pool routes each call to the worker that should answer it: an app's turns to its
// session owner, a new app to the least-loaded worker (claiming the lease, fence + 1), past busy,
// draining and dead workers, and never to a URL the operator did not list. Real HTTP to fake
// workers on loopback, and the real in-process live port (registry entries, leases, keys).

import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { createMemoryLive } from "#shared/live/memory-live.server.ts"
import type { LiveCoordination } from "#shared/live/live.server.ts"
import { Secret } from "#shared/config/secret.ts"
import { readSessionLease, sessionLeaseKey } from "#shared/workers/session-lease.ts"
import { startFakePoolWorker, type FakePoolWorker } from "./pool-worker.fixture.ts"
import type { StartRunRequest, WorkerClient } from "./worker-client.server.ts"
import { WorkerUnavailableError } from "./worker-client.server.ts"
import { createWorkerDirectory, listedWorkerId } from "./worker-directory.server.ts"
import { agentRunWorkerKey, createWorkerPool, WORKERS_BUSY } from "./worker-pool.server.ts"
import { openWorkerClient } from "./open-worker-client.server.ts"

const TOKEN = "pool-test-token-0123456789abcdef0123"

let live: LiveCoordination
let workers: FakePoolWorker[] = []

beforeEach(() => {
  live = createMemoryLive()
})

afterEach(async () => {
  await Promise.all(workers.map((worker) => worker.stop()))
  workers = []
  await live.close()
})

async function fakeWorkers(...names: string[]): Promise<FakePoolWorker[]> {
  const started = await Promise.all(names.map((name) => startFakePoolWorker(name)))
  workers.push(...started)
  return started
}

/** A pool as services.server.ts builds one; no registry cache, so each call sees the latest entries. */
function pool(options: { readonly urls?: readonly string[]; readonly discovery?: "redis" | "off" } = {}): WorkerClient {
  const directory = createWorkerDirectory({
    live,
    urls: (options.urls ?? []).map((url) => new URL(url)),
    discovery: options.discovery ?? "redis",
    token: new Secret(TOKEN),
    cacheMs: 0,
  })
  return createWorkerPool({ live, directory })
}

const turn = (runId: string, extra: Partial<StartRunRequest> = {}): StartRunRequest => ({
  prompt: "Make it blue",
  runtime: "claude",
  model: null,
  runId,
  resumeSessionId: null,
  handoffPrompt: null,
  snapshotAvailable: true,
  delivery: { leaseMs: 20_000 },
  ...extra,
})

const agentRun = (runId: string) => ({
  runId,
  workspaceId: "ws1",
  appId: "app1",
  agentId: "triage",
  runtime: "claude" as const,
  model: null,
  systemPrompt: "You triage.",
  prompt: "Triage the inbox",
  tools: [],
  dataCollections: [],
  builtinTools: [],
  delivery: { leaseMs: 20_000 },
})

const lease = async (appId: string) => (await readSessionLease(live, appId)).lease

describe("the worker pool", () => {
  it("sends an app's first turn to the least-loaded worker, claims the lease and sends its fence", async () => {
    const [busy, idle] = await fakeWorkers("busy", "idle")
    await busy!.announce(live, { activeTurns: 3, capacity: 4 })
    await idle!.announce(live, { activeTurns: 1, capacity: 4 })

    expect(await pool().startRun("app1", turn("r1"))).toEqual({ started: true })

    // A new lease's first fence is random (shared/workers/session-lease.ts): fences are compared.
    const claimed = await lease("app1")
    expect(claimed).toMatchObject({ workerId: "idle-1" })
    expect(idle!.turns).toEqual([{ appId: "app1", runId: "r1", sessionFence: claimed!.fence, withSource: false }])
    expect(busy!.turns).toEqual([])
    expect(idle!.authorizations).toEqual([`Bearer ${TOKEN}`])
  })

  it("spreads a burst of new apps over the workers although every turn of it sees the same cached registry read", async () => {
    const [a, b] = await fakeWorkers("a", "b")
    await a!.announce(live, { activeTurns: 0, capacity: 8 })
    await b!.announce(live, { activeTurns: 0, capacity: 8 })
    // As the web runs it: one registry read serves the whole burst (the workers' announcements
    // cannot show the turns until after it), so only the pool's own count can spread them.
    const directory = createWorkerDirectory({ live, urls: [], discovery: "redis", token: new Secret(TOKEN), cacheMs: 60_000 })
    const burst = createWorkerPool({ live, directory })

    await Promise.all(Array.from({ length: 8 }, (_, index) => burst.startRun(`app${index}`, turn(`r${index}`))))

    expect(a!.turns.length).toBe(4)
    expect(b!.turns.length).toBe(4)
  })

  it("keeps sending an app's turns to its owner, however loaded, with the same fence", async () => {
    const [a, b] = await fakeWorkers("a", "b")
    await a!.announce(live, { activeTurns: 0 })
    await b!.announce(live, { activeTurns: 2 })
    const workerPool = pool()
    await workerPool.startRun("app1", turn("r1"))
    await a!.announce(live, { activeTurns: 3 })
    await b!.announce(live, { activeTurns: 0 })

    await workerPool.startRun("app1", turn("r2"))

    const { fence } = (await lease("app1"))!
    expect(a!.turns.map(({ runId, sessionFence }) => [runId, sessionFence])).toEqual([["r1", fence], ["r2", fence]])
    expect(b!.turns).toEqual([])
    // status, files and cancel go to the owner too.
    expect(await workerPool.files("app1")).toMatchObject({ files: { "owner.txt": "a" } })
    expect(await workerPool.status("app1")).toMatchObject({ exists: true })
    expect(await workerPool.cancel("app1", "r2")).toEqual({ cancelled: true })
  })

  it("passes a busy worker's turn to the next, claiming the lease for it, and says every worker is busy when all are", async () => {
    const [a, b] = await fakeWorkers("a", "b")
    await a!.announce(live, { activeTurns: 0 })
    await b!.announce(live, { activeTurns: 1 })
    a!.answer = "busy"
    const workerPool = pool()

    expect(await workerPool.startRun("app1", turn("r1"))).toEqual({ started: true })
    const [refusedFence] = a!.turns.map((t) => t.sessionFence)
    expect(b!.turns.map((t) => t.sessionFence)).toEqual([refusedFence! + 1])
    expect(await lease("app1")).toEqual({ workerId: "b-1", fence: refusedFence! + 1 })

    b!.answer = "draining"
    expect(await workerPool.startRun("app2", turn("r2"))).toEqual(WORKERS_BUSY)
    expect(WORKERS_BUSY).toMatchObject({ code: "workers_busy", retryable: true, message: "Every agent worker is busy right now. Send the message again in a minute." })
  })

  it("gives the lease back to the owner when the workers asked instead all refuse or cannot be reached", async () => {
    const [owner, full, gone] = await fakeWorkers("owner", "full", "gone")
    await owner!.announce(live, { activeTurns: 0 })
    await full!.announce(live, { activeTurns: 1 })
    await gone!.announce(live, { activeTurns: 2 })
    const workerPool = pool()
    await workerPool.startRun("app1", turn("r1"))
    const before = await readSessionLease(live, "app1")
    expect(before.lease).toMatchObject({ workerId: "owner-1" })

    // The owner is full too: every worker refuses or is down, and no turn runs anywhere.
    owner!.answer = "busy"
    full!.answer = "busy"
    await gone!.stop()
    expect(await workerPool.startRun("app1", turn("r2"))).toEqual(WORKERS_BUSY)
    expect(full!.turns.map((t) => t.runId)).toEqual(["r2"])
    // So the app stays with the worker that has its warm session, exactly as it was.
    expect(await readSessionLease(live, "app1")).toEqual(before)
    expect(await workerPool.files("app1")).toMatchObject({ files: { "owner.txt": "owner" } })

    // Draining owner: others are asked and refuse; the lease stays with the owner (its files too).
    await owner!.announce(live, { draining: true })
    expect(await workerPool.startRun("app1", turn("r3"))).toEqual(WORKERS_BUSY)
    expect(await readSessionLease(live, "app1")).toEqual(before)
    expect(await workerPool.status("app1")).toMatchObject({ exists: true })

    // Once one takes the turn it gets the lease, one fence above the owner's.
    full!.answer = "accept"
    expect(await workerPool.startRun("app1", turn("r4"))).toEqual({ started: true })
    expect(await lease("app1")).toEqual({ workerId: "full-1", fence: before.lease!.fence + 1 })
    expect(full!.turns.at(-1)).toMatchObject({ runId: "r4", sessionFence: before.lease!.fence + 1 })
  })

  it("leaves a lease another web wrote meanwhile alone when its own claim's worker refuses", async () => {
    const [owner, refusing] = await fakeWorkers("owner", "refusing")
    await owner!.announce(live, { draining: true })
    await refusing!.announce(live)
    await live.setKey(sessionLeaseKey("app1"), JSON.stringify({ workerId: "owner-1", fence: 7 }), { ttlMs: 60_000 })
    // While the refusing worker considers the turn, another web moves the app on.
    const other = JSON.stringify({ workerId: "elsewhere-1", fence: 9 })
    refusing!.answer = "busy"
    refusing!.onTurn = async () => {
      await live.setKey(sessionLeaseKey("app1"), other, { ttlMs: 60_000 })
    }

    expect(await pool().startRun("app1", turn("r1"))).toEqual(WORKERS_BUSY)

    expect(refusing!.turns.map((t) => t.sessionFence)).toEqual([8])
    expect(await live.getKey(sessionLeaseKey("app1"))).toBe(other)
  })

  it("skips draining workers and workers without the turn's runtime", async () => {
    const [draining, codexOnly, fresh] = await fakeWorkers("draining", "codex-only", "fresh")
    await draining!.announce(live, { draining: true })
    await codexOnly!.announce(live, { runtimes: ["codex"] })
    await fresh!.announce(live, { activeTurns: 3 })

    await pool().startRun("app1", turn("r1"))

    expect(fresh!.turns.map((t) => t.runId)).toEqual(["r1"])
    expect([...draining!.turns, ...codexOnly!.turns]).toEqual([])
  })

  it("never picks a worker done detecting whose runtimes leave out the turn's; one still detecting comes after those that list it", async () => {
    const [detected, stillDetecting, lists] = await fakeWorkers("detected", "detecting", "lists")
    await detected!.announce(live, { runtimes: [] })
    // `detecting` is optional in the announcement: absent means detection has finished.
    await stillDetecting!.announce(live, { runtimes: [], activeTurns: 0, ...({ detecting: true } as object) })
    await lists!.announce(live, { activeTurns: 3 })

    await pool().startRun("app1", turn("r1"))
    lists!.answer = "busy"
    await pool().startRun("app2", turn("r2"))

    expect(lists!.turns.map((t) => t.runId)).toEqual(["r1", "r2"])
    expect(stillDetecting!.turns.map((t) => t.runId)).toEqual(["r2"])
    expect(detected!.turns).toEqual([])
  })

  it("passes a runtime_unavailable turn on, and answers with the worker's own message when every worker says so", async () => {
    const [without, withIt] = await fakeWorkers("without", "with-it")
    await without!.announce(live, { activeTurns: 0 })
    await withIt!.announce(live, { activeTurns: 2 })
    without!.answer = "runtime-unavailable"

    expect(await pool().startRun("app1", turn("r1"))).toEqual({ started: true })
    expect(withIt!.turns.map((t) => t.runId)).toEqual(["r1"])
    expect(await lease("app1")).toMatchObject({ workerId: "with-it-1" })

    withIt!.answer = "runtime-unavailable"
    expect(await pool().startRun("app2", turn("r2"))).toEqual({
      started: false,
      code: "runtime_unavailable",
      message: "The worker says runtime_unavailable.",
      retryable: true,
    })
    expect(await pool().startAgentRun(agentRun("a1"))).toMatchObject({ started: false, code: "runtime_unavailable" })
  })

  it("says when workers are registered but WORKER_URL allows none of them", async () => {
    const [registered] = await fakeWorkers("registered")
    await registered!.announce(live)
    const told: string[][] = []
    const directory = createWorkerDirectory({
      live,
      urls: [new URL("http://localhost:38201")],
      discovery: "redis",
      token: new Secret(TOKEN),
      cacheMs: 0,
      onNoneAllowed: (workers, listed) => told.push([...workers.map((worker) => worker.id), ...listed.map((url) => url.origin)]),
    })

    expect((await directory.all()).map((target) => target.announcement)).toEqual([null])
    expect(told).toEqual([["registered-1", "http://localhost:38201"]])
    await createWorkerDirectory({ live, urls: [new URL(registered!.url)], discovery: "redis", token: undefined, cacheMs: 0, onNoneAllowed: () => told.push(["again"]) }).all()
    expect(told).toHaveLength(1)
  })

  it("moves an app whose owner died (no registry entry) to a live worker with the fence one higher", async () => {
    const [survivor] = await fakeWorkers("survivor")
    await survivor!.announce(live)
    await live.setKey(sessionLeaseKey("app1"), JSON.stringify({ workerId: "gone-1", fence: 4 }), { ttlMs: 60_000 })
    const workerPool = pool()

    // Nobody holds the session now: no status, no live files (the snapshot stands in).
    expect(await workerPool.status("app1")).toMatchObject({ exists: false })
    await expect(workerPool.files("app1")).rejects.toBeInstanceOf(WorkerUnavailableError)

    await workerPool.startRun("app1", turn("r1"))
    expect(survivor!.turns.map((t) => t.sessionFence)).toEqual([5])
    expect(await lease("app1")).toEqual({ workerId: "survivor-1", fence: 5 })
  })

  it("passes an unreachable worker's turn on, and says the worker is unavailable when none answers", async () => {
    const [dead, alive] = await fakeWorkers("dead", "alive")
    await dead!.announce(live, { activeTurns: 0 })
    await alive!.announce(live, { activeTurns: 2 })
    await dead!.stop()

    await pool().startRun("app1", turn("r1"))
    expect(dead!.turns).toEqual([])
    expect(await lease("app1")).toMatchObject({ workerId: "alive-1" })
    expect(alive!.turns.map((t) => t.sessionFence)).toEqual([(await lease("app1"))!.fence])

    await alive!.stop()
    await expect(pool().startRun("app2", turn("r2"))).rejects.toThrow("The agent worker is unavailable (unreachable). Try again in a moment.")
    workers = []
  })

  it("sends the snapshot to the same worker, with the same fence, when it asks for the source", async () => {
    const [a, b] = await fakeWorkers("a", "b")
    await a!.announce(live, { activeTurns: 0 })
    await b!.announce(live, { activeTurns: 1 })
    a!.answer = "source-first"
    const workerPool = pool()

    // What app/runs/runs.server.ts's startOnWorker does: the turn, then the turn with the snapshot.
    const first = await workerPool.startRun("app1", turn("r1"))
    expect(first).toMatchObject({ started: false, code: "source_needed" })
    await a!.announce(live, { activeTurns: 4 })
    await b!.announce(live, { activeTurns: 0 })
    expect(await workerPool.startRun("app1", turn("r1", { sourceFiles: { "index.html": "<p>" }, snapshotAvailable: false }))).toEqual({ started: true })

    const { fence } = (await lease("app1"))!
    expect(a!.turns).toEqual([
      { appId: "app1", runId: "r1", sessionFence: fence, withSource: false },
      { appId: "app1", runId: "r1", sessionFence: fence, withSource: true },
    ])
    expect(b!.turns).toEqual([])
  })

  it("never sends the token to a registered worker the WORKER_URL allowlist does not name", async () => {
    const [listed, stranger] = await fakeWorkers("listed", "stranger")
    await listed!.announce(live, { activeTurns: 3 })
    await stranger!.announce(live, { activeTurns: 0 })
    const workerPool = pool({ urls: [listed!.url], discovery: "redis" })

    await workerPool.startRun("app1", turn("r1"))
    await workerPool.startAgentRun(agentRun("ar1"))
    await workerPool.destroy("app1")
    await workerPool.runtimes()

    expect(listed!.turns.map((t) => t.runId)).toEqual(["r1"])
    expect(stranger!.authorizations).toEqual([])
  })

  it("uses listed URLs nobody registered (last, load unknown), so one WORKER_URL works without a registry", async () => {
    const [only] = await fakeWorkers("only")
    const workerPool = pool({ urls: [only!.url], discovery: "off" })

    expect(await workerPool.startRun("app1", turn("r1"))).toEqual({ started: true })
    expect(await workerPool.startRun("app1", turn("r2"))).toEqual({ started: true })
    const { fence } = (await lease("app1"))!
    expect(only!.turns.map((t) => t.sessionFence)).toEqual([fence, fence])
    expect(await lease("app1")).toEqual({ workerId: listedWorkerId(new URL(only!.url).origin), fence })
    expect((await workerPool.runtimes()).map((runtime) => runtime.id)).toEqual(["claude", "codex"])
    expect(await workerPool.health()).toBe("ok")
    // An app from before leases: the one worker holds it, as it always did.
    expect(await workerPool.files("older-app")).toMatchObject({ files: { "owner.txt": "only" } })
    // Once it registers, it is still the app's owner under the lease it took before (no resync).
    await only!.announce(live)
    await workerPool.startRun("app1", turn("r3"))
    expect(only!.turns.map((t) => t.sessionFence)).toEqual([fence, fence, fence])
  })

  it("remembers an agent run's worker so the cancel reaches it, and cancels everywhere when it is not known", async () => {
    const [a, b] = await fakeWorkers("a", "b")
    await a!.announce(live, { activeTurns: 2 })
    await b!.announce(live, { activeTurns: 0 })
    b!.answer = "busy"
    const workerPool = pool()

    expect(await workerPool.startAgentRun(agentRun("ar1"))).toEqual({ started: true })
    expect(await live.getKey(agentRunWorkerKey("ar1"))).toBe("a-1")
    expect(await workerPool.cancelAgentRun("ar1")).toEqual({ cancelled: true })
    expect(a!.agentCancels).toEqual(["ar1"])
    expect(b!.agentCancels).toEqual([])

    b!.answer = "accept"
    await workerPool.startAgentRun(agentRun("ar2"))
    await live.deleteKey(agentRunWorkerKey("ar2"))
    expect(await workerPool.cancelAgentRun("ar2")).toEqual({ cancelled: true })
    expect(b!.agentCancels).toEqual(["ar2"])
    expect(a!.agentCancels).toEqual(["ar1", "ar2"])
  })

  it("destroys an app on every worker and forgets its lease", async () => {
    const [a, b] = await fakeWorkers("a", "b")
    await a!.announce(live)
    await b!.announce(live, { draining: true })
    const workerPool = pool()
    await workerPool.startRun("app1", turn("r1"))

    await workerPool.destroy("app1")

    expect(a!.destroyed).toEqual(["app1"])
    expect(b!.destroyed).toEqual(["app1"])
    expect(await live.getKey(sessionLeaseKey("app1"))).toBeNull()
  })

  it("is not used for one WORKER_URL without discovery: turns go straight there, with no fence and no lease", async () => {
    const [only, other] = await fakeWorkers("only", "other")
    // Registered or not, one listed worker without discovery is called directly, as before scale-out:
    // a fence would make it resync every app from its snapshot after any restart.
    await only!.announce(live)
    const client = openWorkerClient({ live, urls: [new URL(only!.url)], discovery: "off", token: new Secret(TOKEN) })

    expect(await client.startRun("app1", turn("r1"))).toEqual({ started: true })
    expect(only!.turns).toEqual([{ appId: "app1", runId: "r1", sessionFence: undefined, withSource: false }])
    expect(await live.getKey(sessionLeaseKey("app1"))).toBeNull()
    expect(await client.files("app1")).toMatchObject({ files: { "owner.txt": "only" } })

    // With discovery, or with two listed, it is the pool: fenced and leased.
    const discovered = openWorkerClient({ live, urls: [new URL(only!.url)], discovery: "redis", token: new Secret(TOKEN) })
    await discovered.startRun("app2", turn("r2"))
    const listed = openWorkerClient({ live, urls: [new URL(only!.url), new URL(other!.url)], discovery: "off", token: new Secret(TOKEN) })
    await listed.startRun("app3", turn("r3"))
    const fenced = [...only!.turns, ...other!.turns].filter((t) => t.runId !== "r1")
    expect(fenced.map((t) => t.sessionFence !== undefined)).toEqual([true, true])
    expect(await lease("app2")).not.toBeNull()
    expect(await lease("app3")).not.toBeNull()
  })
})
