// The behaviour every live coordination adapter must have. Each adapter's test file calls
// `liveCoordinationContract` with a harness that opens an isolated adapter per test.

import { randomUUID } from "node:crypto"
import { afterEach, describe, expect, it } from "vitest"
import { compareStreamIds, STREAM_START, StreamAppendConflict, type LiveCoordination } from "#shared/live/live.server.ts"
import { eventually } from "#tests/fixtures/eventually.ts"

export interface LiveHarness {
  open(): Promise<LiveCoordination>
}

/** Resolves with the first `count` messages a channel delivers. */
function collect(live: LiveCoordination, channel: string, count: number) {
  const received: string[] = []
  let done: (messages: string[]) => void = () => {}
  const all = new Promise<string[]>((resolve) => (done = resolve))
  const subscribed = live.subscribe(channel, (message) => {
    received.push(message)
    if (received.length === count) done(received)
  })
  return { subscribed, all, received }
}

export function liveCoordinationContract(name: string, harness: LiveHarness) {
  describe(`live coordination contract: ${name}`, () => {
    const opened: LiveCoordination[] = []
    afterEach(async () => {
      for (const live of opened.splice(0)) await live.close()
    })
    const open = async () => {
      const live = await harness.open()
      opened.push(live)
      return live
    }
    const key = (label: string) => `${label}:${randomUUID()}`

    describe("streams", () => {
      it("appends entries with increasing ids and reads them back in order from any cursor", async () => {
        const live = await open()
        const stream = key("run")
        const ids: string[] = []
        for (let index = 0; index < 5; index += 1) ids.push(await live.append(stream, `event ${index}`, { maxLength: 100 }))
        for (let index = 1; index < ids.length; index += 1) expect(compareStreamIds(ids[index]!, ids[index - 1]!)).toBeGreaterThan(0)

        const all = await live.read(stream, { after: STREAM_START, limit: 100 })
        expect(all.map((entry) => entry.data)).toEqual(["event 0", "event 1", "event 2", "event 3", "event 4"])
        expect(all.map((entry) => entry.id)).toEqual(ids)
        const rest = await live.read(stream, { after: ids[2]!, limit: 100 })
        expect(rest.map((entry) => entry.data)).toEqual(["event 3", "event 4"])
        expect((await live.read(stream, { after: STREAM_START, limit: 2 })).map((entry) => entry.data)).toEqual([
          "event 0",
          "event 1",
        ])
        expect(await live.read(key("empty"), { after: STREAM_START, limit: 10 })).toEqual([])
      })

      it("keeps only the newest entries up to the length cap, and says where the stream now starts", async () => {
        const live = await open()
        const stream = key("capped")
        const ids: string[] = []
        for (let index = 0; index < 10; index += 1) ids.push(await live.append(stream, String(index), { maxLength: 4 }))
        const info = await live.streamInfo(stream)
        expect(info).toEqual({ length: 4, firstId: ids[6], lastId: ids[9] })
        const entries = await live.read(stream, { after: STREAM_START, limit: 100 })
        expect(entries.map((entry) => entry.data)).toEqual(["6", "7", "8", "9"])
        expect(await live.streamInfo(key("none"))).toEqual({ length: 0, firstId: null, lastId: null })
      })

      it("links an append to the entry it follows, so a repeated append writes once and a stale one is refused", async () => {
        const live = await open()
        const stream = key("linked")
        const first = await live.append(stream, "first", { maxLength: 100, expectedLastId: null })
        const second = await live.append(stream, "second", { maxLength: 100, expectedLastId: first })
        // The same appends again, as after a lost reply or a client's resend: same ids, no new entries.
        expect(await live.append(stream, "first", { maxLength: 100, expectedLastId: null })).toBe(first)
        expect(await live.append(stream, "second", { maxLength: 100, expectedLastId: first })).toBe(second)
        expect((await live.read(stream, { after: STREAM_START, limit: 100 })).map((entry) => entry.data)).toEqual(["first", "second"])

        // Another writer's entry after the one we expected: refused, and nothing is written.
        await expect(live.append(stream, "other", { maxLength: 100, expectedLastId: first })).rejects.toBeInstanceOf(StreamAppendConflict)
        await expect(live.append(stream, "other", { maxLength: 100, expectedLastId: null })).rejects.toBeInstanceOf(StreamAppendConflict)
        await live.append(stream, "unlinked", { maxLength: 100 })
        await expect(live.append(stream, "third", { maxLength: 100, expectedLastId: second })).rejects.toBeInstanceOf(StreamAppendConflict)
        expect((await live.streamInfo(stream)).length).toBe(3)

        // Of two writers racing from the same entry, exactly one lands.
        const { lastId } = await live.streamInfo(stream)
        const raced = await Promise.allSettled(["a", "b"].map((data) => live.append(stream, data, { maxLength: 100, expectedLastId: lastId })))
        expect(raced.filter((result) => result.status === "fulfilled")).toHaveLength(1)
        expect(raced.find((result) => result.status === "rejected")?.reason).toBeInstanceOf(StreamAppendConflict)
        expect((await live.streamInfo(stream)).length).toBe(4)
      })

      it("appends after entries the store lost, rather than refuse a writer whose last entry is gone", async () => {
        const live = await open()
        const stream = key("lost")
        const first = await live.append(stream, "first", { maxLength: 100, expectedLastId: null })
        // Redis restarted without its newest writes: here, the whole stream.
        await live.expire(stream, 1)
        await eventually(async () => (await live.streamInfo(stream)).length === 0)
        const next = await live.append(stream, "second", { maxLength: 100, expectedLastId: first })
        expect((await live.read(stream, { after: STREAM_START, limit: 10 })).map((entry) => [entry.id, entry.data])).toEqual([[next, "second"]])
      })

      it("returns entries at once when they exist, else waits for the next append", async () => {
        const live = await open()
        const stream = key("tail")
        const first = await live.append(stream, "first", { maxLength: 100 })
        const immediate = await live.waitForEntries(stream, { after: STREAM_START, limit: 10, timeoutMs: 5_000 })
        expect(immediate.map((entry) => entry.data)).toEqual(["first"])

        const waiting = live.waitForEntries(stream, { after: first, limit: 10, timeoutMs: 10_000 })
        await live.append(stream, "second", { maxLength: 100 })
        expect((await waiting).map((entry) => entry.data)).toEqual(["second"])
      })

      it("serves many waiters on many streams at once, each from its own cursor", async () => {
        const live = await open()
        const streams = Array.from({ length: 20 }, (_, index) => key(`multi-${index}`))
        const cursors = await Promise.all(streams.map((stream) => live.append(stream, "before", { maxLength: 100 })))
        const waits = streams.map((stream, index) =>
          live.waitForEntries(stream, { after: cursors[index]!, limit: 10, timeoutMs: 10_000 }),
        )
        // A second waiter on the first stream, from its very beginning, gets both entries.
        const fromStart = live.waitForEntries(streams[0]!, { after: STREAM_START, limit: 10, timeoutMs: 10_000 })
        await Promise.all(streams.map((stream, index) => live.append(stream, `after ${index}`, { maxLength: 100 })))
        const results = await Promise.all(waits)
        results.forEach((entries, index) => expect(entries.map((entry) => entry.data)).toEqual([`after ${index}`]))
        expect((await fromStart).map((entry) => entry.data)[0]).toBe("before")
      })

      it("wakes a new reader promptly even while another reader waits on a quiet stream", async () => {
        const live = await open()
        const quiet = live.waitForEntries(key("quiet"), { after: STREAM_START, limit: 10, timeoutMs: 60_000 })
        const busy = key("busy")
        // Shorter than one blocking read on the quiet stream lasts: only a reader that is
        // interrupted to include this stream sees the entry before giving up.
        const waiting = live.waitForEntries(busy, { after: STREAM_START, limit: 10, timeoutMs: 5_000 })
        await live.append(busy, "hello", { maxLength: 10 })
        expect((await waiting).map((entry) => entry.data)).toEqual(["hello"])
        await live.close()
        expect(await quiet).toEqual([])
      })

      it("gives up with no entries on timeout or abort", async () => {
        const live = await open()
        const stream = key("quiet")
        expect(await live.waitForEntries(stream, { after: STREAM_START, limit: 10, timeoutMs: 50 })).toEqual([])
        const controller = new AbortController()
        const waiting = live.waitForEntries(stream, {
          after: STREAM_START,
          limit: 10,
          timeoutMs: 60_000,
          signal: controller.signal,
        })
        controller.abort()
        expect(await waiting).toEqual([])
      })

      it("expires a whole stream after its time to live", async () => {
        const live = await open()
        const stream = key("expiring")
        await live.append(stream, "x", { maxLength: 10 })
        expect(await live.ttl(stream)).toBeNull()
        expect(await live.expire(stream, 60_000)).toBe(true)
        const remaining = await live.ttl(stream)
        expect(remaining).toBeGreaterThan(50_000)
        expect(remaining).toBeLessThanOrEqual(60_000)
        expect(await live.expire(key("absent"), 1_000)).toBe(false)
        await live.expire(stream, 30)
        await eventually(async () => (await live.streamInfo(stream)).length === 0)
      })
    })

    describe("pub/sub", () => {
      it("delivers each message to every subscriber of the channel, in order", async () => {
        const live = await open()
        const channel = key("workspace")
        const one = collect(live, channel, 3)
        const two = collect(live, channel, 3)
        await Promise.all([one.subscribed, two.subscribed])
        for (const message of ["a", "b", "c"]) await live.publish(channel, message)
        expect(await one.all).toEqual(["a", "b", "c"])
        expect(await two.all).toEqual(["a", "b", "c"])
      })

      it("stops delivering to a subscriber that unsubscribed, and not to others", async () => {
        const live = await open()
        const channel = key("channel")
        const leaving: string[] = []
        const unsubscribe = await live.subscribe(channel, (message) => leaving.push(message))
        const staying = collect(live, channel, 2)
        await staying.subscribed
        await live.publish(channel, "before")
        await eventually(async () => leaving.length === 1)
        await unsubscribe()
        await live.publish(channel, "after")
        // "after" reached the remaining subscriber, so it would have reached this one by now too.
        expect(await staying.all).toEqual(["before", "after"])
        expect(leaving).toEqual(["before"])
        // Another channel's messages never cross over.
        const other = collect(live, key("other"), 1)
        await other.subscribed
        await live.publish(channel, "unseen by other")
        expect(other.received).toEqual([])
      })
    })

    describe("short-lived keys", () => {
      it("sets, reads, and refuses to overwrite with onlyIfAbsent", async () => {
        const live = await open()
        const name = key("state")
        expect(await live.setKey(name, "v1", { ttlMs: 60_000 })).toBe(true)
        expect(await live.getKey(name)).toBe("v1")
        expect(await live.setKey(name, "v2", { ttlMs: 60_000, onlyIfAbsent: true })).toBe(false)
        expect(await live.getKey(name)).toBe("v1")
        expect(await live.setKey(name, "v3", { ttlMs: 60_000 })).toBe(true)
        expect(await live.getKey(name)).toBe("v3")
        const ttl = await live.ttl(name)
        expect(ttl).toBeGreaterThan(50_000)
        expect(await live.deleteKey(name)).toBe(true)
        expect(await live.deleteKey(name)).toBe(false)
        expect(await live.getKey(name)).toBeNull()
      })

      it("hands a key to exactly one of many concurrent takers", async () => {
        const live = await open()
        const name = key("oauth-state")
        await live.setKey(name, "verifier", { ttlMs: 60_000 })
        const takes = await Promise.all(Array.from({ length: 10 }, () => live.takeKey(name)))
        expect(takes.filter((value) => value === "verifier")).toHaveLength(1)
        expect(takes.filter((value) => value === null)).toHaveLength(9)
        expect(await live.getKey(name)).toBeNull()
      })

      it("forgets a key after its time to live", async () => {
        const live = await open()
        const name = key("brief")
        await live.setKey(name, "x", { ttlMs: 30 })
        await eventually(async () => (await live.getKey(name)) === null)
        expect(await live.takeKey(name)).toBeNull()
      })
    })

    describe("compare-and-set", () => {
      it("sets from absent, then only from the value it holds, with a time to live", async () => {
        const live = await open()
        const name = key("owner")
        expect(await live.compareAndSetKey(name, null, "first", { ttlMs: 60_000 })).toBe(true)
        expect(await live.getKey(name)).toBe("first")
        const ttl = await live.ttl(name)
        expect(ttl).toBeGreaterThan(50_000)
        expect(ttl).toBeLessThanOrEqual(60_000)

        // Expecting absence, or any other value, is refused and changes nothing.
        expect(await live.compareAndSetKey(name, null, "other", { ttlMs: 60_000 })).toBe(false)
        expect(await live.compareAndSetKey(name, "stale", "other", { ttlMs: 60_000 })).toBe(false)
        expect(await live.compareAndSetKey(name, "", "other", { ttlMs: 60_000 })).toBe(false)
        expect(await live.getKey(name)).toBe("first")

        expect(await live.compareAndSetKey(name, "first", "second", { ttlMs: 120_000 })).toBe(true)
        expect(await live.getKey(name)).toBe("second")
        expect(await live.ttl(name)).toBeGreaterThan(60_000)

        // The empty string is a value, not absence.
        const empty = key("empty")
        await live.setKey(empty, "", { ttlMs: 60_000 })
        expect(await live.compareAndSetKey(empty, null, "x", { ttlMs: 60_000 })).toBe(false)
        expect(await live.compareAndSetKey(empty, "", "x", { ttlMs: 60_000 })).toBe(true)
        expect(await live.getKey(empty)).toBe("x")
      })

      it("lets exactly one of many writers racing from the same value win", async () => {
        const live = await open()
        const name = key("raced")
        await live.setKey(name, "seen", { ttlMs: 60_000 })
        const writers = Array.from({ length: 10 }, (_, index) => `writer-${index}`)
        const results = await Promise.all(writers.map((writer) => live.compareAndSetKey(name, "seen", writer, { ttlMs: 60_000 })))
        expect(results.filter(Boolean)).toHaveLength(1)
        expect(await live.getKey(name)).toBe(writers[results.indexOf(true)])

        const fresh = key("raced-absent")
        const fromAbsent = await Promise.all(writers.map((writer) => live.compareAndSetKey(fresh, null, writer, { ttlMs: 60_000 })))
        expect(fromAbsent.filter(Boolean)).toHaveLength(1)
      })

      it("sets from absent again once the key has expired", async () => {
        const live = await open()
        const name = key("lapsed")
        expect(await live.compareAndSetKey(name, null, "brief", { ttlMs: 30 })).toBe(true)
        await eventually(async () => (await live.getKey(name)) === null)
        expect(await live.compareAndSetKey(name, "brief", "late", { ttlMs: 60_000 })).toBe(false)
        expect(await live.compareAndSetKey(name, null, "next", { ttlMs: 60_000 })).toBe(true)
        expect(await live.getKey(name)).toBe("next")
      })
    })

    describe("registry groups", () => {
      const sorted = (members: ReadonlyArray<{ member: string; value: string }>) =>
        [...members].sort((left, right) => left.member.localeCompare(right.member))

      it("lists the members put, replaces a member's value, and removes one at once", async () => {
        const live = await open()
        const group = key("workers")
        expect(await live.listMembers(group)).toEqual([])
        await live.putMember(group, "a", "one", { ttlMs: 60_000 })
        await live.putMember(group, "b", "two", { ttlMs: 60_000 })
        await live.putMember(group, "a", "one again", { ttlMs: 60_000 })
        expect(sorted(await live.listMembers(group))).toEqual([
          { member: "a", value: "one again" },
          { member: "b", value: "two" },
        ])
        // Groups are separate: another group sees none of these.
        expect(await live.listMembers(key("other"))).toEqual([])

        expect(await live.removeMember(group, "a")).toBe(true)
        expect(await live.removeMember(group, "a")).toBe(false)
        expect(await live.removeMember(group, "never")).toBe(false)
        expect(await live.listMembers(group)).toEqual([{ member: "b", value: "two" }])
        expect(await live.removeMember(group, "b")).toBe(true)
        expect(await live.listMembers(group)).toEqual([])
      })

      it("drops a member that is not put again in time, and keeps the others", async () => {
        const live = await open()
        const group = key("heartbeats")
        await live.putMember(group, "steady", "s", { ttlMs: 60_000 })
        await live.putMember(group, "gone", "g", { ttlMs: 30 })
        await eventually(async () => (await live.listMembers(group)).length === 1)
        expect(await live.listMembers(group)).toEqual([{ member: "steady", value: "s" }])
        // An expired member counts as not there; putting it again brings it back.
        expect(await live.removeMember(group, "gone")).toBe(false)
        await live.putMember(group, "gone", "back", { ttlMs: 60_000 })
        expect(sorted(await live.listMembers(group))).toEqual([
          { member: "gone", value: "back" },
          { member: "steady", value: "s" },
        ])
      })

      it("keeps a member that is put again before it expires", async () => {
        const live = await open()
        const group = key("refreshed")
        await live.putMember(group, "worker", "v1", { ttlMs: 30 })
        await live.putMember(group, "worker", "v2", { ttlMs: 60_000 })
        // Put after the first, so once it has expired, the first put's 30 ms have passed too.
        await live.putMember(group, "brief", "b", { ttlMs: 30 })
        await eventually(async () => (await live.listMembers(group)).length === 1)
        expect(await live.listMembers(group)).toEqual([{ member: "worker", value: "v2" }])
      })

      it("forgets a whole group once every member has expired", async () => {
        const live = await open()
        const group = key("abandoned")
        await live.putMember(group, "a", "1", { ttlMs: 30 })
        await live.putMember(group, "b", "2", { ttlMs: 40 })
        await eventually(async () => (await live.listMembers(group)).length === 0)
        await live.putMember(group, "c", "3", { ttlMs: 60_000 })
        expect(await live.listMembers(group)).toEqual([{ member: "c", value: "3" }])
      })
    })

    describe("single-flight locks", () => {
      it("lets one holder in at a time and releases only for the holder", async () => {
        const live = await open()
        const name = key("refresh")
        const attempts = await Promise.all(Array.from({ length: 5 }, () => live.acquireLock(name, { ttlMs: 60_000 })))
        const holders = attempts.filter((lock) => lock !== null)
        expect(holders).toHaveLength(1)
        const holder = holders[0]!
        expect(await holder.extend(60_000)).toBe(true)
        expect(await holder.release()).toBe(true)
        expect(await holder.release()).toBe(false)
        const next = await live.acquireLock(name, { ttlMs: 60_000 })
        expect(next).not.toBeNull()
        await next!.release()
      })

      it("never lets an expired holder release or extend the next holder's lock", async () => {
        const live = await open()
        const name = key("expired")
        const stale = await live.acquireLock(name, { ttlMs: 30 })
        expect(stale).not.toBeNull()
        let fresh: Awaited<ReturnType<LiveCoordination["acquireLock"]>> = null
        await eventually(async () => (fresh = await live.acquireLock(name, { ttlMs: 60_000 })) !== null)
        expect(await stale!.release()).toBe(false)
        expect(await stale!.extend(60_000)).toBe(false)
        // The new holder still holds it: nobody else gets in.
        expect(await live.acquireLock(name, { ttlMs: 60_000 })).toBeNull()
        expect(await fresh!.release()).toBe(true)
      })
    })

    it("answers a ping", async () => {
      const live = await open()
      await expect(live.ping()).resolves.toBeUndefined()
    })
  })
}
