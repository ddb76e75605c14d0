// The in-process live coordination adapter for the one-process embedded default. It mirrors
// Redis semantics (stream ids, exact trimming, GETDEL, owner-checked locks) so code written
// against it behaves the same on Redis.

import { randomUUID } from "node:crypto"
import {
  compareStreamIds,
  parseStreamId,
  STREAM_START,
  StreamAppendConflict,
  type GroupMember,
  type LiveCoordination,
  type Lock,
  type StreamEntry,
  type StreamInfo,
  type Unsubscribe,
  type WaitOptions,
} from "./live.server.ts"

interface Stream {
  entries: StreamEntry[]
  lastMs: number
  lastSeq: number
}

interface Slot {
  value: string | Stream
  timer: NodeJS.Timeout | null
  expiresAt: number | null
}

interface Member {
  readonly value: string
  readonly expiresAt: number
}

interface Waiter {
  readonly after: string
  readonly limit: number
  readonly resolve: (entries: StreamEntry[]) => void
}

const entriesAfter = (stream: Stream | undefined, after: string, limit: number) =>
  (stream?.entries ?? []).filter((entry) => compareStreamIds(entry.id, after) > 0).slice(0, limit)

export function createMemoryLive(): LiveCoordination {
  const slots = new Map<string, Slot>()
  const waiters = new Map<string, Set<Waiter>>()
  const channels = new Map<string, Set<(message: string) => void>>()
  // Registry groups live apart from keys and streams (in Redis they are keys of their own). Members
  // expire lazily, whenever their group is touched, which is all a reader can observe.
  const groups = new Map<string, Map<string, Member>>()
  let closed = false

  const assertOpen = () => {
    if (closed) throw new Error("The live coordination adapter is closed")
  }

  const drop = (key: string) => {
    const slot = slots.get(key)
    if (slot?.timer) clearTimeout(slot.timer)
    return slots.delete(key)
  }

  const setExpiry = (key: string, slot: Slot, ttlMs: number | null) => {
    if (slot.timer) clearTimeout(slot.timer)
    slot.timer = null
    slot.expiresAt = null
    if (ttlMs === null) return
    slot.expiresAt = Date.now() + ttlMs
    slot.timer = setTimeout(() => {
      if (slots.get(key) === slot) drop(key)
    }, ttlMs)
    slot.timer.unref()
  }

  const streamAt = (key: string): Stream | undefined => {
    const value = slots.get(key)?.value
    if (value === undefined) return undefined
    if (typeof value === "string") throw new Error(`WRONGTYPE: ${key} holds a key, not a stream`)
    return value
  }

  const keyAt = (key: string): string | null => {
    const value = slots.get(key)?.value
    if (value === undefined) return null
    if (typeof value !== "string") throw new Error(`WRONGTYPE: ${key} holds a stream, not a key`)
    return value
  }

  /** The group with its expired members dropped; an emptied group is forgotten. */
  const liveGroup = (group: string): Map<string, Member> | undefined => {
    const members = groups.get(group)
    if (!members) return undefined
    const now = Date.now()
    for (const [member, entry] of members) if (entry.expiresAt <= now) members.delete(member)
    if (members.size > 0) return members
    groups.delete(group)
    return undefined
  }

  const notify = (key: string) => {
    const pending = waiters.get(key)
    if (!pending) return
    const stream = streamAt(key)
    for (const waiter of pending) {
      const entries = entriesAfter(stream, waiter.after, waiter.limit)
      if (entries.length > 0) waiter.resolve(entries)
    }
  }

  const live: LiveCoordination = {
    kind: "memory",

    async append(key, data, { maxLength, expectedLastId }) {
      assertOpen()
      let stream = streamAt(key)
      // Same rule as the Redis script: only an entry after the expected one stands in the way. The
      // search runs only when the newest entry is not the expected one (a retry, a conflict, lost
      // entries), so a run's appends stay constant-time however long its stream.
      if (expectedLastId !== undefined && (stream?.entries.at(-1)?.id ?? null) !== expectedLastId) {
        const written = entriesAfter(stream, expectedLastId ?? STREAM_START, 1)[0]
        if (written?.data === data) return written.id
        if (written) throw new StreamAppendConflict(`${key} has moved on from ${expectedLastId ?? "empty"}`)
      }
      if (stream === undefined) {
        stream = { entries: [], lastMs: 0, lastSeq: 0 }
        slots.set(key, { value: stream, timer: null, expiresAt: null })
      }
      const now = Date.now()
      // Same rule as Redis: ids never go backwards, even if the clock does.
      if (now > stream.lastMs) {
        stream.lastMs = now
        stream.lastSeq = 0
      } else {
        stream.lastSeq += 1
      }
      const id = `${stream.lastMs}-${stream.lastSeq}`
      stream.entries.push({ id, data })
      if (stream.entries.length > maxLength) stream.entries.splice(0, stream.entries.length - maxLength)
      notify(key)
      return id
    },

    async read(key, { after, limit }) {
      assertOpen()
      parseStreamId(after)
      return entriesAfter(streamAt(key), after, limit)
    },

    waitForEntries(key, options: WaitOptions) {
      assertOpen()
      parseStreamId(options.after)
      const ready = entriesAfter(streamAt(key), options.after, options.limit)
      if (ready.length > 0 || options.signal?.aborted) return Promise.resolve(ready)
      return new Promise<StreamEntry[]>((resolve) => {
        const pending = waiters.get(key) ?? new Set<Waiter>()
        waiters.set(key, pending)
        const finish = (entries: StreamEntry[]) => {
          clearTimeout(timer)
          options.signal?.removeEventListener("abort", onAbort)
          pending.delete(waiter)
          if (pending.size === 0) waiters.delete(key)
          resolve(entries)
        }
        const onAbort = () => finish([])
        const waiter: Waiter = { after: options.after, limit: options.limit, resolve: finish }
        const timer = setTimeout(() => finish([]), options.timeoutMs)
        options.signal?.addEventListener("abort", onAbort, { once: true })
        pending.add(waiter)
      })
    },

    async streamInfo(key): Promise<StreamInfo> {
      assertOpen()
      const entries = streamAt(key)?.entries ?? []
      return { length: entries.length, firstId: entries[0]?.id ?? null, lastId: entries.at(-1)?.id ?? null }
    },

    async publish(channel, message) {
      assertOpen()
      // Delivered after publish returns, as over Redis; a throwing listener cannot break the publisher.
      for (const listener of [...(channels.get(channel) ?? [])]) queueMicrotask(() => listener(message))
    },

    async subscribe(channel, listener): Promise<Unsubscribe> {
      assertOpen()
      // Each subscription gets its own wrapper so subscribing one function twice works like two subscribers.
      const wrapper = (message: string) => listener(message)
      const listeners = channels.get(channel) ?? new Set()
      channels.set(channel, listeners)
      listeners.add(wrapper)
      return async () => {
        listeners.delete(wrapper)
        if (listeners.size === 0) channels.delete(channel)
      }
    },

    async setKey(key, value, { ttlMs, onlyIfAbsent }) {
      assertOpen()
      if (onlyIfAbsent && slots.has(key)) return false
      drop(key)
      const slot: Slot = { value, timer: null, expiresAt: null }
      slots.set(key, slot)
      setExpiry(key, slot, ttlMs)
      return true
    },

    async getKey(key) {
      assertOpen()
      return keyAt(key)
    },

    async takeKey(key) {
      assertOpen()
      const value = keyAt(key)
      if (value !== null) drop(key)
      return value
    },

    async deleteKey(key) {
      assertOpen()
      return drop(key)
    },

    async expire(key, ttlMs) {
      assertOpen()
      const slot = slots.get(key)
      if (!slot) return false
      setExpiry(key, slot, ttlMs)
      return true
    },

    async ttl(key) {
      assertOpen()
      const expiresAt = slots.get(key)?.expiresAt
      return expiresAt == null ? null : Math.max(0, expiresAt - Date.now())
    },

    async compareAndSetKey(key, expected, value, { ttlMs }) {
      assertOpen()
      if (keyAt(key) !== expected) return false
      drop(key)
      const slot: Slot = { value, timer: null, expiresAt: null }
      slots.set(key, slot)
      setExpiry(key, slot, ttlMs)
      return true
    },

    async putMember(group, member, value, { ttlMs }) {
      assertOpen()
      const members = liveGroup(group) ?? new Map<string, Member>()
      groups.set(group, members)
      members.set(member, { value, expiresAt: Date.now() + ttlMs })
    },

    async listMembers(group): Promise<GroupMember[]> {
      assertOpen()
      return [...(liveGroup(group) ?? [])].map(([member, { value }]) => ({ member, value }))
    },

    async removeMember(group, member) {
      assertOpen()
      const members = liveGroup(group)
      const removed = members?.delete(member) ?? false
      if (members?.size === 0) groups.delete(group)
      return removed
    },

    async acquireLock(name, { ttlMs }) {
      const owner = randomUUID()
      const key = `lock:${name}`
      if (!(await live.setKey(key, owner, { ttlMs, onlyIfAbsent: true }))) return null
      const owns = () => !closed && keyAt(key) === owner
      const lock: Lock = {
        name,
        async release() {
          return owns() ? drop(key) : false
        },
        async extend(ms) {
          const slot = slots.get(key)
          if (!owns() || !slot) return false
          setExpiry(key, slot, ms)
          return true
        },
      }
      return lock
    },

    async ping() {
      assertOpen()
    },

    async close() {
      closed = true
      for (const pending of waiters.values()) for (const waiter of [...pending]) waiter.resolve([])
      for (const key of [...slots.keys()]) drop(key)
      groups.clear()
      channels.clear()
    },
  }
  return live
}
