// Runs the live coordination contract against a real redis-server started for this file, plus the
// Redis-only promise: connections per process stay constant however many readers wait.

import { randomUUID } from "node:crypto"
import { Redis } from "ioredis"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { eventually } from "#tests/fixtures/eventually.ts"
import { liveCoordinationContract } from "#tests/contracts/live-coordination.contract.ts"
import { startRedisServer, type RedisServer } from "#tests/fixtures/redis-server.ts"
import { STREAM_START } from "./live.server.ts"
import { createRedisLive } from "./redis-live.server.ts"

let server: RedisServer

beforeAll(async () => {
  server = await startRedisServer()
})

afterAll(async () => {
  await server?.stop()
})

// Each test gets its own key prefix, so tests never see each other's keys.
liveCoordinationContract("Redis", { open: () => createRedisLive({ url: server.url, prefix: `test:${randomUUID()}:` }) })

describe("Redis adapter", () => {
  it("uses three connections however many readers wait on how many streams", async () => {
    const connectionName = `conn-${randomUUID().slice(0, 8)}`
    const live = await createRedisLive({ url: server.url, prefix: `${connectionName}:`, connectionName })
    const admin = new Redis(server.url)
    try {
      await live.subscribe("workspace", () => undefined)
      const streams = Array.from({ length: 100 }, (_, index) => `run-${index}`)
      const waits = streams.map((stream) => live.waitForEntries(stream, { after: STREAM_START, limit: 10, timeoutMs: 30_000 }))
      const ours = async () =>
        ((await admin.client("LIST")) as string).split("\n").filter((line) => line.includes(`name=${connectionName}`))
      // The stream reader connects lazily, with the first waiter; never more than three appear.
      await eventually(async () => (await ours()).length === 3)
      await Promise.all(streams.map((stream) => live.append(stream, "go", { maxLength: 10 })))
      const results = await Promise.all(waits)
      expect(results.every((entries) => entries.length === 1 && entries[0]!.data === "go")).toBe(true)
      expect(await ours()).toHaveLength(3)
    } finally {
      await live.close()
      admin.disconnect()
    }
  })

  it("keeps every key and channel under its prefix", async () => {
    const prefix = `prefix-${randomUUID()}:`
    const live = await createRedisLive({ url: server.url, prefix })
    const admin = new Redis(server.url)
    try {
      await live.setKey("oauth:state:abc", "v", { ttlMs: 60_000 })
      await live.append("run:1", "e", { maxLength: 10 })
      const lock = await live.acquireLock("refresh", { ttlMs: 60_000 })
      const keys = (await admin.keys(`${prefix}*`)).sort()
      expect(keys).toEqual([`${prefix}lock:refresh`, `${prefix}oauth:state:abc`, `${prefix}run:1`])
      await lock?.release()
    } finally {
      await live.close()
      admin.disconnect()
    }
  })
})
