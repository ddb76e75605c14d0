// Which workers the pool may call at all: WORKER_URL is an allowlist (the internal token goes to
// no origin it does not name unless discovery is on), listed URLs nobody registered are still
// used, and one WORKER_URL without discovery is not the pool but the direct client, as before
// scale-out. Fake workers on loopback and a fresh in-process live port per test.

import { describe, expect, it } from "vitest"
import { Secret } from "#shared/config/secret.ts"
import { sessionLeaseKey } from "#shared/workers/session-lease.ts"
import { openWorkerClient } from "./open-worker-client.server.ts"
import { createWorkerDirectory, listedWorkerId } from "./worker-directory.server.ts"
import { agentRun, fakeWorkers, lease, live, pool, TOKEN, turn, usePoolWorld } from "./pool-test-world.ts"

usePoolWorld()

describe("the worker pool's allowlist", () => {
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
