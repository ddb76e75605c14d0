// Session leases against both live adapters (in-process and a real redis-server): a claim lands
// only from the lease the claimer saw, of racing claimers exactly one gets the session, and every
// claim raises the fence, whoever makes it.

import { randomUUID } from "node:crypto"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import type { LiveCoordination } from "#shared/live/live.server.ts"
import { createMemoryLive } from "#shared/live/memory-live.server.ts"
import { createRedisLive } from "#shared/live/redis-live.server.ts"
import { startRedisServer, type RedisServer } from "#tests/fixtures/redis-server.ts"
import {
  claimSessionLease,
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

  it("claims an unowned session with fence 1, for a week, and reads it back", async () => {
    const live = await open()
    const app = appId()
    const unowned = await readSessionLease(live, app)
    expect(unowned).toEqual({ raw: null, lease: null })
    expect(await claimSessionLease(live, app, unowned, "worker-a")).toEqual({ workerId: "worker-a", fence: 1 })
    const owned = await readSessionLease(live, app)
    expect(owned.lease).toEqual({ workerId: "worker-a", fence: 1 })
    expect(owned.raw).not.toBeNull()
    const ttl = await live.ttl(sessionLeaseKey(app))
    expect(ttl).toBeGreaterThan(SESSION_LEASE_TTL_MS - 60_000)
    expect(ttl).toBeLessThanOrEqual(SESSION_LEASE_TTL_MS)
  })

  it("raises the fence with every claim, whichever worker claims", async () => {
    const live = await open()
    const app = appId()
    const fences: number[] = []
    for (const workerId of ["worker-a", "worker-b", "worker-a", "worker-c", "worker-c"]) {
      const claimed = await claimSessionLease(live, app, await readSessionLease(live, app), workerId)
      expect(claimed?.workerId).toBe(workerId)
      fences.push(claimed!.fence)
    }
    expect(fences).toEqual([1, 2, 3, 4, 5])
  })

  it("refuses a claim from a lease someone else has changed since, and shows the new owner", async () => {
    const live = await open()
    const app = appId()
    const seen = await readSessionLease(live, app)
    await claimSessionLease(live, app, seen, "worker-a")
    expect(await claimSessionLease(live, app, seen, "worker-b")).toBeNull()
    const now = await readSessionLease(live, app)
    expect(now.lease).toEqual({ workerId: "worker-a", fence: 1 })
    await claimSessionLease(live, app, now, "worker-c")
    // Seeing worker-a's lease is no longer enough either.
    expect(await claimSessionLease(live, app, now, "worker-b")).toBeNull()
    expect((await readSessionLease(live, app)).lease).toEqual({ workerId: "worker-c", fence: 2 })
  })

  it("gives the session to exactly one of several webs claiming from the same lease at once", async () => {
    const live = await open()
    const app = appId()
    // From no lease at all, then from the lease the first round's winner holds.
    for (const round of [1, 2]) {
      const seen = await readSessionLease(live, app)
      expect(seen.lease?.fence ?? 0).toBe(round - 1)
      const claimers = ["worker-a", "worker-b", "worker-c", "worker-d"]
      const claims = await Promise.all(claimers.map((workerId) => claimSessionLease(live, app, seen, workerId)))
      const won = claims.filter((claim): claim is SessionLease => claim !== null)
      expect(won).toHaveLength(1)
      expect(won[0]!.fence).toBe((seen.lease?.fence ?? 0) + 1)
      expect((await readSessionLease(live, app)).lease).toEqual(won[0])
    }
  })

  it("replaces an unreadable lease as if there were none", async () => {
    const live = await open()
    const app = appId()
    await live.setKey(sessionLeaseKey(app), '{"workerId":"x","fence":0}', { ttlMs: 60_000 })
    const seen = await readSessionLease(live, app)
    expect(seen).toEqual({ raw: '{"workerId":"x","fence":0}', lease: null })
    expect(await claimSessionLease(live, app, { raw: null, lease: null }, "worker-a")).toBeNull()
    expect(await claimSessionLease(live, app, seen, "worker-a")).toEqual({ workerId: "worker-a", fence: 1 })
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
