// The worker pool routes each call to the worker that should answer it: an app's turns to its
// session owner, a new app to the least-loaded worker (claiming the lease, fence + 1), past busy,
// draining and dead workers. Real HTTP to fake workers on loopback, and the real in-process live
// port (registry entries, leases, keys). Which workers it may call at all (WORKER_URL, discovery):
// worker-pool-allowlist.test.ts.

import { describe, expect, it } from "vitest"
import { readSessionLease, sessionLeaseKey } from "#shared/workers/session-lease.ts"
import { Secret } from "#shared/config/secret.ts"
import { WorkerUnavailableError } from "./worker-client.server.ts"
import { createWorkerDirectory } from "./worker-directory.server.ts"
import { agentRunWorkerKey, createWorkerPool, WORKERS_BUSY } from "./worker-pool.server.ts"
import { agentRun, fakeWorkers, forgetWorkers, lease, live, pool, TOKEN, turn, usePoolWorld } from "./pool-test-world.ts"

usePoolWorld()
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
    forgetWorkers()
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


})
