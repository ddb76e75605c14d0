// The production live coordination adapter on Redis (ioredis). Three connections per process,
// however many subscribers: commands, pub/sub, and one blocking stream reader.

import { randomUUID } from "node:crypto"
import { Redis } from "ioredis"
import { parseStreamId, StreamAppendConflict, type LiveCoordination, type Lock, type StreamInfo, type Unsubscribe } from "./live.server.ts"
import { ENTRY_FIELD, RedisStreamTailer, toEntries } from "./redis-stream-tailer.server.ts"

// Compare-and-delete / compare-and-extend: only the holder that set the lock may touch it.
const RELEASE_IF_OWNER = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`
const EXTEND_IF_OWNER = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`

// The linked, idempotent append (see LiveCoordination.append). ARGV[1] is the expected last id
// ("" for an empty stream). The entry after it decides: none — the stream ends there, or ends
// earlier because Redis lost its newest entries (an AOF fsync window) — so append; one holding
// ARGV[2] — this append was applied before (a lost reply, or ioredis resending it after a
// reconnect) — so return its id; anything else is another writer's, a conflict.
const LINKED_APPEND_CONFLICT = "SECOND_APPEND_CONFLICT"
const LINKED_APPEND = `
local from = "-"
if ARGV[1] ~= "" then from = "(" .. ARGV[1] end
local written = redis.call("XRANGE", KEYS[1], from, "+", "COUNT", 1)[1]
if not written then
  return redis.call("XADD", KEYS[1], "MAXLEN", "=", ARGV[3], "*", ARGV[4], ARGV[2])
end
if written[2][1] == ARGV[4] and written[2][2] == ARGV[2] then return written[1] end
return redis.error_reply("${LINKED_APPEND_CONFLICT}")`

export interface RedisLiveOptions {
  readonly url: string
  /** Prefix for every key and channel, so several deployments or test runs can share a Redis. */
  readonly prefix?: string
  readonly connectionName?: string
}

// Connection errors reach callers as rejected commands and ioredis reconnects by itself; without a
// listener it would also print every failed reconnect attempt during an outage.
const quietly = (redis: Redis) => redis.on("error", () => undefined)

async function connect(redis: Redis): Promise<Redis> {
  try {
    await redis.connect()
    return redis
  } catch (error) {
    redis.disconnect()
    throw error
  }
}

export async function createRedisLive(options: RedisLiveOptions): Promise<LiveCoordination> {
  const prefix = options.prefix ?? "second:"
  const name = options.connectionName ?? "second"
  const base = { lazyConnect: true, connectionName: name }
  const commands = await connect(quietly(new Redis(options.url, base)))
  const full = (key: string) => `${prefix}${key}`

  let subscriber: Redis | null = null
  const channels = new Map<string, { listeners: Set<(message: string) => void>; active: Promise<unknown> }>()
  let tailer: RedisStreamTailer | null = null
  let reader: Redis | null = null

  const subscriberConnection = () => {
    if (subscriber) return subscriber
    subscriber = quietly(commands.duplicate({ connectionName: `${name}:pubsub` }))
    subscriber.on("message", (channel: string, message: string) => {
      for (const listener of [...(channels.get(channel)?.listeners ?? [])]) listener(message)
    })
    return subscriber
  }

  const streamTailer = () => {
    if (tailer) return tailer
    reader = quietly(commands.duplicate({ connectionName: `${name}:stream-reader`, lazyConnect: false }))
    tailer = new RedisStreamTailer(reader, commands)
    return tailer
  }

  const live: LiveCoordination = {
    kind: "redis",

    async append(stream, data, { maxLength, expectedLastId }) {
      if (expectedLastId !== undefined) {
        try {
          return String(await commands.eval(LINKED_APPEND, 1, full(stream), expectedLastId ?? "", data, maxLength, ENTRY_FIELD))
        } catch (error) {
          if (error instanceof Error && error.message.includes(LINKED_APPEND_CONFLICT)) {
            throw new StreamAppendConflict(`${stream} has moved on from ${expectedLastId ?? "empty"}`)
          }
          throw error
        }
      }
      const id = await commands.xadd(full(stream), "MAXLEN", "=", maxLength, "*", ENTRY_FIELD, data)
      if (id === null) throw new Error("XADD returned no id")
      return id
    },

    async read(stream, { after, limit }) {
      parseStreamId(after)
      // "(" makes the range exclusive of the cursor itself.
      const raw = (await commands.xrange(full(stream), `(${after}`, "+", "COUNT", limit)) as [string, string[]][]
      return toEntries(raw)
    },

    async waitForEntries(stream, { after, limit, timeoutMs, signal }) {
      const ready = await live.read(stream, { after, limit })
      if (ready.length > 0 || signal?.aborted) return ready
      return streamTailer().wait(full(stream), after, limit, timeoutMs, signal)
    },

    async streamInfo(stream): Promise<StreamInfo> {
      const key = full(stream)
      const [length, first, last] = await Promise.all([
        commands.xlen(key),
        commands.xrange(key, "-", "+", "COUNT", 1),
        commands.xrevrange(key, "+", "-", "COUNT", 1),
      ])
      return { length, firstId: first[0]?.[0] ?? null, lastId: last[0]?.[0] ?? null }
    },

    async publish(channel, message) {
      await commands.publish(full(channel), message)
    },

    async subscribe(channel, listener): Promise<Unsubscribe> {
      const key = full(channel)
      const wrapper = (message: string) => listener(message)
      let entry = channels.get(key)
      if (!entry) {
        entry = { listeners: new Set(), active: subscriberConnection().subscribe(key) }
        channels.set(key, entry)
      }
      entry.listeners.add(wrapper)
      await entry.active
      const subscribed = entry
      return async () => {
        subscribed.listeners.delete(wrapper)
        if (subscribed.listeners.size === 0 && channels.get(key) === subscribed) {
          channels.delete(key)
          await subscriber?.unsubscribe(key)
        }
      }
    },

    async setKey(key, value, { ttlMs, onlyIfAbsent }) {
      const reply = onlyIfAbsent
        ? await commands.set(full(key), value, "PX", ttlMs, "NX")
        : await commands.set(full(key), value, "PX", ttlMs)
      return reply === "OK"
    },

    async getKey(key) {
      return commands.get(full(key))
    },

    async takeKey(key) {
      return commands.getdel(full(key))
    },

    async deleteKey(key) {
      return (await commands.del(full(key))) > 0
    },

    async expire(key, ttlMs) {
      return (await commands.pexpire(full(key), ttlMs)) === 1
    },

    async ttl(key) {
      const remaining = await commands.pttl(full(key))
      return remaining < 0 ? null : remaining
    },

    async acquireLock(lockName, { ttlMs }) {
      const owner = randomUUID()
      const key = full(`lock:${lockName}`)
      if ((await commands.set(key, owner, "PX", ttlMs, "NX")) !== "OK") return null
      const lock: Lock = {
        name: lockName,
        async release() {
          return (await commands.eval(RELEASE_IF_OWNER, 1, key, owner)) === 1
        },
        async extend(ms) {
          return (await commands.eval(EXTEND_IF_OWNER, 1, key, owner, ms)) === 1
        },
      }
      return lock
    },

    async ping() {
      await commands.ping()
    },

    async close() {
      tailer?.close()
      // The reader may sit in a blocking XREAD that QUIT would wait behind: cut it instead.
      reader?.disconnect()
      await Promise.allSettled([commands.quit(), subscriber?.quit()])
    },
  }
  return live
}
