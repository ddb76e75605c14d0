// Session leases against both live adapters (in-process and a real redis-server): a claim lands
// only from the lease the claimer saw, of racing claimers exactly one gets the session, every
// claim raises the fence by one, whoever makes it, and a new lineage starts at a random fence.

import { randomUUID } from "node:crypto"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import type { LiveCoordination } from "#shared/live/live.server.ts"
import { createMemoryLive } from "#shared/live/memory-live.server.ts"
import { createRedisLive } from "#shared/live/redis-live.server.ts"
import { startRedisServer, type RedisServer } from "#tests/fixtures/redis-server.ts"
import {
  claimSessionLease,
  FIRST_FENCE_LIMIT,
  readSessionLease,
  SESSION_LEASE_TTL_MS,
  sessionLeaseKey,
  sessionLeaseOwner,
  type SessionLease,
} from "./session-lease.ts"
import type { WorkerAnnouncement } from "./worker-registry.ts"

let redis: RedisServer
beforeAll(async () => {
  redis = await startRedisServer()
})
afterAll(async () => {
  await redis?.stop()
})

const harnesses: [string, () => Promise<LiveCoordination>][] = [
  ["in-process", async () => createMemoryLive()],
  ["Redis", () => createRedisLive({ url: redis.url, prefix: `test:${randomUUID()}:` })],
]

describe.each(harnesses)("session leases (%s)", (_name, openLive) => {
  const opened: LiveCoordination[] = []
  afterEach(async () => {
    for (const live of opened.splice(0)) await live.close()
  })
  const open = async () => {
    const live = await openLive()
    opened.push(live)
    return live
  }
  const appId = () => `app_${randomUUID()}`
  const firstFence = (fence: number | undefined) => {
    expect(Number.isSafeInteger(fence)).toBe(true)
    expect(fence).toBeGreaterThanOrEqual(1)
    expect(fence).toBeLessThan(FIRST_FENCE_LIMIT)
    return fence!
  }

  it("claims an unowned session with a random first fence, for a week, and reads it back", async () => {
    const live = await open()
    const app = appId()
    const unowned = await readSessionLease(live, app)
    expect(unowned).toEqual({ raw: null, lease: null })
    const claimed = await claimSessionLease(live, app, unowned, "worker-a")
    const fence = firstFence(claimed?.fence)
    expect(claimed).toEqual({ workerId: "worker-a", fence })
    const owned = await readSessionLease(live, app)
    expect(owned.lease).toEqual({ workerId: "worker-a", fence })
    expect(owned.raw).not.toBeNull()
    const ttl = await live.ttl(sessionLeaseKey(app))
    expect(ttl).toBeGreaterThan(SESSION_LEASE_TTL_MS - 60_000)
    expect(ttl).toBeLessThanOrEqual(SESSION_LEASE_TTL_MS)
  })

  it("raises the fence by one with every claim, whichever worker claims", async () => {
    const live = await open()
    const app = appId()
    const fences: number[] = []
    for (const workerId of ["worker-a", "worker-b", "worker-a", "worker-c", "worker-c"]) {
      const claimed = await claimSessionLease(live, app, await readSessionLease(live, app), workerId)
      expect(claimed?.workerId).toBe(workerId)
      fences.push(claimed!.fence)
    }
    const first = firstFence(fences[0])
    expect(fences).toEqual([first, first + 1, first + 2, first + 3, first + 4])
  })

  it("starts a new lineage at a fresh random fence once the lease is lost, not where an old one started", async () => {
    const live = await open()
    // Lost to expiry, eviction or a store that lost its data: the key is simply gone. Were the
    // new lineage to restart where the old one did, a worker that served that fence long ago
    // would take its stale copy for current. 2^47 possible first fences: these differ.
    const firsts = new Set<number>()
    for (let lineage = 0; lineage < 5; lineage += 1) {
      const app = appId()
      const first = await claimSessionLease(live, app, await readSessionLease(live, app), "worker-a")
      firsts.add(firstFence(first?.fence))
      await live.deleteKey(sessionLeaseKey(app))
      const again = await claimSessionLease(live, app, await readSessionLease(live, app), "worker-a")
      firsts.add(firstFence(again?.fence))
    }
    expect(firsts.size).toBe(10)
  })

  it("refuses a claim from a lease someone else has changed since, and shows the new owner", async () => {
    const live = await open()
    const app = appId()
    const seen = await readSessionLease(live, app)
    const first = firstFence((await claimSessionLease(live, app, seen, "worker-a"))?.fence)
    expect(await claimSessionLease(live, app, seen, "worker-b")).toBeNull()
    const now = await readSessionLease(live, app)
    expect(now.lease).toEqual({ workerId: "worker-a", fence: first })
    await claimSessionLease(live, app, now, "worker-c")
    // Seeing worker-a's lease is no longer enough either.
    expect(await claimSessionLease(live, app, now, "worker-b")).toBeNull()
    expect((await readSessionLease(live, app)).lease).toEqual({ workerId: "worker-c", fence: first + 1 })
  })

  it("gives the session to exactly one of several webs claiming from the same lease at once", async () => {
    const live = await open()
    const app = appId()
    // From no lease at all, then from the lease the first round's winner holds.
    for (const round of [1, 2]) {
      const seen = await readSessionLease(live, app)
      expect(seen.lease === null).toBe(round === 1)
      const claimers = ["worker-a", "worker-b", "worker-c", "worker-d"]
      const claims = await Promise.all(claimers.map((workerId) => claimSessionLease(live, app, seen, workerId)))
      const won = claims.filter((claim): claim is SessionLease => claim !== null)
      expect(won).toHaveLength(1)
      if (seen.lease) expect(won[0]!.fence).toBe(seen.lease.fence + 1)
      else firstFence(won[0]!.fence)
      expect((await readSessionLease(live, app)).lease).toEqual(won[0])
    }
  })

  it("replaces an unreadable lease as if there were none: a new lineage", async () => {
    const live = await open()
    const app = appId()
    await live.setKey(sessionLeaseKey(app), '{"workerId":"x","fence":0}', { ttlMs: 60_000 })
    const seen = await readSessionLease(live, app)
    expect(seen).toEqual({ raw: '{"workerId":"x","fence":0}', lease: null })
    expect(await claimSessionLease(live, app, { raw: null, lease: null }, "worker-a")).toBeNull()
    const claimed = await claimSessionLease(live, app, seen, "worker-a")
    expect(claimed).toEqual({ workerId: "worker-a", fence: firstFence(claimed?.fence) })
  })
})

describe("sessionLeaseOwner", () => {
  const worker = (id: string, draining = false): WorkerAnnouncement => ({
    id,
    url: `http://${id}:8787`,
    name: id,
    runtimes: ["claude"],
    capacity: 4,
    activeTurns: 0,
    draining,
    startedAt: "2026-12-06T05:00:00.000Z",
  })

  it("is the live worker the lease names, unless it is draining or gone", () => {
    const workers = [worker("worker-a"), worker("worker-b", true)]
    expect(sessionLeaseOwner({ workerId: "worker-a", fence: 3 }, workers)).toEqual(workers[0])
    expect(sessionLeaseOwner({ workerId: "worker-b", fence: 3 }, workers)).toBeNull()
    expect(sessionLeaseOwner({ workerId: "worker-gone", fence: 3 }, workers)).toBeNull()
    expect(sessionLeaseOwner(null, workers)).toBeNull()
  })
})
