// Runs the live coordination contract against a real redis-server started for this file, plus the
// Redis-only promise: connections per process stay constant however many readers wait.

import { randomUUID } from "node:crypto"
import { connect as connectTcp, createServer, type Server, type Socket } from "node:net"
import { Redis } from "ioredis"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
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

  it("keeps a registry group in two prefixed keys that expire with its longest-lived member, listed or not", async () => {
    const prefix = `group-${randomUUID()}:`
    const live = await createRedisLive({ url: server.url, prefix })
    const admin = new Redis(server.url)
    try {
      await live.putMember("workers", "a", "1", { ttlMs: 60_000 })
      await live.putMember("workers", "b", "2", { ttlMs: 120_000 })
      const keys = [`${prefix}workers:expiries`, `${prefix}workers:members`]
      expect((await admin.keys(`${prefix}*`)).sort()).toEqual(keys)
      for (const name of keys) {
        const ttl = await admin.pttl(name)
        expect(ttl).toBeGreaterThan(60_000)
        expect(ttl).toBeLessThanOrEqual(120_000)
      }
      // Expiry runs on Redis's clock: a process whose clock is ten minutes ahead still sees them.
      const ahead = vi.spyOn(Date, "now").mockReturnValue(Date.now() + 600_000)
      expect((await live.listMembers("workers")).map((entry) => entry.member).sort()).toEqual(["a", "b"])
      ahead.mockRestore()
      // A group whose members all stop heartbeating disappears without anyone listing it.
      await live.putMember("abandoned", "a", "1", { ttlMs: 30 })
      await eventually(async () => (await admin.exists(`${prefix}abandoned:members`, `${prefix}abandoned:expiries`)) === 0)
    } finally {
      await live.close()
      admin.disconnect()
    }
  })

  it("writes a linked append once when its reply is lost and ioredis sends it again after reconnecting", async () => {
    const proxy = await replyDroppingProxy(server.port)
    const live = await createRedisLive({ url: `redis://127.0.0.1:${proxy.port}`, prefix: `lost-reply-${randomUUID()}:` })
    try {
      const entries = async (stream: string) => (await live.read(stream, { after: STREAM_START, limit: 10 })).map((entry) => entry.data)
      // An unlinked append is applied twice: Redis ran it, the reply never came, ioredis resent it.
      proxy.dropNextReplyTo("XADD")
      await live.append("plain", "event", { maxLength: 10 })
      expect(proxy.dropped()).toBe(1)
      expect(await entries("plain")).toEqual(["event", "event"])

      // A linked append sees its own entry on the second try and returns it instead.
      const first = await live.append("linked", "first", { maxLength: 10, expectedLastId: null })
      proxy.dropNextReplyTo("XADD")
      const second = await live.append("linked", "second", { maxLength: 10, expectedLastId: first })
      expect(proxy.dropped()).toBe(2)
      expect(await entries("linked")).toEqual(["first", "second"])
      expect((await live.streamInfo("linked")).lastId).toBe(second)
    } finally {
      await live.close()
      await proxy.close()
    }
  })
})

/**
 * A TCP proxy to Redis that, when armed, lets the next command containing `marker` through and
 * then cuts the connection before its reply reaches the client: the command ran, the client
 * never heard.
 */
async function replyDroppingProxy(redisPort: number) {
  let marker: string | null = null
  let dropped = 0
  const sockets = new Set<Socket>()
  const proxy: Server = createServer((client) => {
    const upstream = connectTcp(redisPort, "127.0.0.1")
    let awaitingDrop = false
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on("close", () => sockets.delete(socket))
      socket.on("error", () => undefined)
    }
    client.on("data", (chunk) => {
      if (marker !== null && chunk.toString("latin1").toUpperCase().includes(marker)) {
        marker = null
        awaitingDrop = true
      }
      upstream.write(chunk)
    })
    upstream.on("data", (chunk) => {
      if (!awaitingDrop) return void client.write(chunk)
      dropped += 1
      client.destroy()
      upstream.destroy()
    })
    client.on("close", () => upstream.destroy())
    upstream.on("close", () => client.destroy())
  })
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve))
  const address = proxy.address()
  return {
    port: typeof address === "object" && address !== null ? address.port : 0,
    dropNextReplyTo(command: string) {
      marker = command
    },
    dropped: () => dropped,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        proxy.close(() => resolve())
      }),
  }
}
