// The worker registry against both live adapters (in-process and a real redis-server): what a
// worker announces is what webs list, withdrawn or expired workers drop out, and entries that do
// not decode are skipped without hiding the good ones.

import { randomUUID } from "node:crypto"
import { Redis } from "ioredis"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import type { LiveCoordination } from "#shared/live/live.server.ts"
import { createMemoryLive } from "#shared/live/memory-live.server.ts"
import { createRedisLive } from "#shared/live/redis-live.server.ts"
import { eventually } from "#tests/fixtures/eventually.ts"
import { startRedisServer, type RedisServer } from "#tests/fixtures/redis-server.ts"
import {
  announceWorker,
  liveWorkers,
  withdrawWorker,
  WORKERS_GROUP,
  type WorkerAnnouncement,
} from "./worker-registry.ts"

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

const worker = (id: string, overrides: Partial<WorkerAnnouncement> = {}): WorkerAnnouncement => ({
  id,
  url: `http://${id}:8787`,
  name: id.split("-")[0]!,
  runtimes: ["claude", "codex"],
  capacity: 8,
  activeTurns: 0,
  draining: false,
  startedAt: "2026-12-06T05:00:00.000Z",
  ...overrides,
})

describe.each(harnesses)("the worker registry (%s)", (_name, openLive) => {
  const opened: LiveCoordination[] = []
  afterEach(async () => {
    for (const live of opened.splice(0)) await live.close()
  })
  const open = async () => {
    const live = await openLive()
    opened.push(live)
    return live
  }

  it("lists what each worker announced last, and drops a worker that withdrew", async () => {
    const live = await open()
    expect(await liveWorkers(live)).toEqual([])
    await announceWorker(live, worker("beta-2", { runtimes: [] }))
    await announceWorker(live, worker("alpha-1"))
    await announceWorker(live, worker("alpha-1", { activeTurns: 3, draining: true }))
    expect(await liveWorkers(live)).toEqual([worker("alpha-1", { activeTurns: 3, draining: true }), worker("beta-2", { runtimes: [] })])

    await withdrawWorker(live, "alpha-1")
    await withdrawWorker(live, "never-announced")
    expect(await liveWorkers(live)).toEqual([worker("beta-2", { runtimes: [] })])
  })

  it("drops a worker whose entry was not announced again in time", async () => {
    const live = await open()
    await announceWorker(live, worker("steady-1"))
    // The same entry a worker writes, with a time to live short enough to lapse here.
    await live.putMember(WORKERS_GROUP, "crashed-1", JSON.stringify(worker("crashed-1")), { ttlMs: 30 })
    await eventually(async () => (await liveWorkers(live)).length === 1)
    expect((await liveWorkers(live)).map((entry) => entry.id)).toEqual(["steady-1"])
  })

  it("skips entries that do not decode or are filed under another id, and lists the rest", async () => {
    const live = await open()
    await announceWorker(live, worker("good-1"))
    const put = (member: string, value: string) => live.putMember(WORKERS_GROUP, member, value, { ttlMs: 60_000 })
    await put("not-json", "{oops")
    await put("not-object", "42")
    await put("missing-fields", JSON.stringify({ id: "missing-fields", url: "http://missing:1" }))
    await put("bad-url", JSON.stringify(worker("bad-url", { url: "ftp://bad-url" })))
    await put("bad-runtimes", JSON.stringify({ ...worker("bad-runtimes"), runtimes: "claude" }))
    await put("bad-runtime-id", JSON.stringify({ ...worker("bad-runtime-id"), runtimes: ["claude", 7] }))
    await put("zero-capacity", JSON.stringify(worker("zero-capacity", { capacity: 0 })))
    await put("negative-turns", JSON.stringify(worker("negative-turns", { activeTurns: -1 })))
    await put("bad-date", JSON.stringify(worker("bad-date", { startedAt: "yesterday" })))
    await put("bad-detecting", JSON.stringify({ ...worker("bad-detecting"), detecting: "yes" }))
    // Someone else's announcement under this id: routing by it would reach the wrong worker.
    await put("impostor-1", JSON.stringify(worker("good-2")))
    // Fields a newer worker adds are ignored, not fatal.
    await put("newer-1", JSON.stringify({ ...worker("newer-1"), gpu: true }))
    expect((await liveWorkers(live)).map((entry) => entry.id)).toEqual(["good-1", "newer-1"])
  })

  it("keeps a newer worker that offers a runtime this version does not know, with the runtimes it knows", async () => {
    const live = await open()
    await live.putMember(WORKERS_GROUP, "newer-2", JSON.stringify({ ...worker("newer-2"), runtimes: ["cobol", "codex"] }), { ttlMs: 60_000 })
    await live.putMember(WORKERS_GROUP, "newer-3", JSON.stringify({ ...worker("newer-3"), runtimes: ["cobol"] }), { ttlMs: 60_000 })
    expect(await liveWorkers(live)).toEqual([worker("newer-2", { runtimes: ["codex"] }), worker("newer-3", { runtimes: [] })])
  })

  it("tells a worker still detecting its runtimes from one that found none; an entry without the field has finished", async () => {
    const live = await open()
    await announceWorker(live, worker("early-1", { runtimes: [], detecting: true }))
    await announceWorker(live, worker("none-1", { runtimes: [], detecting: false }))
    // Written by a worker from before the field: it announced runtimes only once detection ended.
    await live.putMember(WORKERS_GROUP, "older-1", JSON.stringify(worker("older-1", { runtimes: [] })), { ttlMs: 60_000 })
    const listed = await liveWorkers(live)
    expect(listed.map((entry) => [entry.id, entry.detecting === true])).toEqual([
      ["early-1", true],
      ["none-1", false],
      ["older-1", false],
    ])
  })

  it("refuses to announce what webs could not decode, and writes nothing", async () => {
    const live = await open()
    const bad: [string, Partial<WorkerAnnouncement>][] = [
      ["path-1", { url: "http://path-1:8787/worker" }],
      ["slash-1", { url: "http://slash-1:8787/" }],
      ["cap-1", { capacity: 0 }],
      ["turns-1", { activeTurns: 1.5 }],
      ["name-1", { name: "has spaces" }],
      ["time-1", { startedAt: "2026-12-06" }],
    ]
    for (const [id, overrides] of bad) await expect(announceWorker(live, worker(id, overrides))).rejects.toThrow()
    await expect(announceWorker(live, worker("bad id"))).rejects.toThrow()
    expect(await live.listMembers(WORKERS_GROUP)).toEqual([])
  })
})

describe("the worker registry on Redis", () => {
  it("keeps its entries under second:workers:members and second:workers:expiries (the adapter's prefix added once)", async () => {
    // The default prefix, as a deployment runs it: this file's server holds no other unprefixed keys.
    const live = await createRedisLive({ url: redis.url })
    const raw = new Redis(redis.url)
    try {
      await announceWorker(live, worker("keys-1"))
      expect((await raw.keys("second:*")).sort()).toEqual(["second:workers:expiries", "second:workers:members"])
      expect(await raw.hkeys("second:workers:members")).toEqual(["keys-1"])
    } finally {
      await withdrawWorker(live, "keys-1")
      raw.disconnect()
      await live.close()
    }
  })
})
