// The production live coordination adapter on Redis (ioredis). Three connections per process,
// however many subscribers: commands, pub/sub, and one blocking stream reader.

import { randomUUID } from "node:crypto"
import { Redis } from "ioredis"
import {
  parseStreamId,
  StreamAppendConflict,
  type GroupMember,
  type LiveCoordination,
  type Lock,
  type StreamInfo,
  type Unsubscribe,
} from "./live.server.ts"
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

// Compare-and-set: ARGV[1] "1" expects the value ARGV[2], "0" expects no key ("" is a value, so
// absence needs its own flag). GET answers false for a missing key.
const COMPARE_AND_SET = `
local current = redis.call("GET", KEYS[1])
if ARGV[1] == "0" then
  if current then return 0 end
elseif current ~= ARGV[2] then
  return 0
end
redis.call("SET", KEYS[1], ARGV[3], "PX", ARGV[4])
return 1`

// Registry groups: KEYS[1] a hash member → value, KEYS[2] a sorted set member → expiry (ms). Every
// script reads the time from Redis itself, so members expire on one clock whoever puts or lists
// them. Expired members are dropped whenever their group is touched; both keys expire with the
// group's longest-lived member, so a group everyone stopped putting into disappears by itself.
const GROUP_PRELUDE = `
local time = redis.call("TIME")
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local expired = redis.call("ZRANGEBYSCORE", KEYS[2], "-inf", string.format("%d", now))
for _, member in ipairs(expired) do redis.call("HDEL", KEYS[1], member) end
if #expired > 0 then redis.call("ZREMRANGEBYSCORE", KEYS[2], "-inf", string.format("%d", now)) end
`
const PUT_MEMBER = `${GROUP_PRELUDE}
redis.call("HSET", KEYS[1], ARGV[1], ARGV[2])
redis.call("ZADD", KEYS[2], string.format("%d", now + math.ceil(tonumber(ARGV[3]))), ARGV[1])
local last = redis.call("ZRANGE", KEYS[2], -1, -1, "WITHSCORES")
local ttl = tonumber(last[2]) - now
redis.call("PEXPIRE", KEYS[1], string.format("%d", ttl))
redis.call("PEXPIRE", KEYS[2], string.format("%d", ttl))
return 1`
// Lists from the sorted set, so a hash field whose expiry entry is gone never shows up.
const LIST_MEMBERS = `${GROUP_PRELUDE}
local listed = {}
for _, member in ipairs(redis.call("ZRANGE", KEYS[2], 0, -1)) do
  local value = redis.call("HGET", KEYS[1], member)
  if value then
    listed[#listed + 1] = member
    listed[#listed + 1] = value
  end
end
return listed`
const REMOVE_MEMBER = `${GROUP_PRELUDE}
redis.call("ZREM", KEYS[2], ARGV[1])
return redis.call("HDEL", KEYS[1], ARGV[1])`

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
  const groupKeys = (group: string) => [full(`${group}:members`), full(`${group}:expiries`)] as const

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

    async compareAndSetKey(key, expected, value, { ttlMs }) {
      const reply = await commands.eval(COMPARE_AND_SET, 1, full(key), expected === null ? "0" : "1", expected ?? "", value, ttlMs)
      return reply === 1
    },

    async putMember(group, member, value, { ttlMs }) {
      await commands.eval(PUT_MEMBER, 2, ...groupKeys(group), member, value, ttlMs)
    },

    async listMembers(group): Promise<GroupMember[]> {
      const flat = (await commands.eval(LIST_MEMBERS, 2, ...groupKeys(group))) as string[]
      const members: GroupMember[] = []
      for (let index = 0; index + 1 < flat.length; index += 2) members.push({ member: flat[index]!, value: flat[index + 1]! })
      return members
    },

    async removeMember(group, member) {
      return (await commands.eval(REMOVE_MEMBER, 2, ...groupKeys(group), member)) === 1
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
