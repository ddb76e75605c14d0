// A run's event stream served as SSE, against both live coordination adapters (in-process and a
// real redis-server): exactly-once delivery across reconnects and the replay/tail seam, explicit
// gaps, the ends of a run (the turn's, then the settle's), one tail loop per run whatever the
// number of browsers, bounded memory for slow and idle clients, and a Redis restart in the middle
// of a run.

import { randomUUID } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { runInNewContext } from "node:vm"
import { setFlagsFromString } from "node:v8"
import { Redis } from "ioredis"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import type { LiveCoordination } from "#shared/live/live.server.ts"
import { createMemoryLive } from "#shared/live/memory-live.server.ts"
import { createRedisLive } from "#shared/live/redis-live.server.ts"
import { encodeRunStreamRecord, RUN_STREAM_MAX_LENGTH, runStreamKey, type RunStreamEvent } from "#shared/runs/run-stream.ts"
import { eventually } from "#tests/fixtures/eventually.ts"
import { startRedisServer, type RedisServer } from "#tests/fixtures/redis-server.ts"
import { SseReader, type SseMessage } from "#tests/fixtures/sse-client.ts"
import { formatSse } from "../sse/sse.server.ts"
import { createRunEventHub, type RunEventHub, type RunEventHubOptions } from "./run-event-hub.server.ts"
import { openRunEventStream, type RunEventStreamOptions } from "./run-event-sse.server.ts"
import { isCaughtUpPastEnd } from "./run-stream-cursor.server.ts"

const TRANSCRIPT = [{ kind: "text", text: "what the run said so far" }]

/** Appends like the worker does: each record links to the entry before it. */
function runWriter(live: LiveCoordination, runId: string, maxLength = RUN_STREAM_MAX_LENGTH) {
  let prev: string | null = null
  const ids: string[] = []
  const append = async (event: RunStreamEvent) => {
    const id = await live.append(runStreamKey(runId), encodeRunStreamRecord({ prev, event }), { maxLength })
    prev = id
    ids.push(id)
    return id
  }
  return {
    ids,
    append,
    text: (index: number, padding = "") => append({ type: "text.delta", text: `e${index}${padding}` }),
    endTurn: () => append({ type: "turn.completed", outcome: "completed" }),
    settle: () => append({ type: "run.settled", status: "completed" }),
    /** The turn's end, then the web's settle, as a run ends; the settle's id. */
    complete: async () => {
      await append({ type: "turn.completed", outcome: "completed" })
      return append({ type: "run.settled", status: "completed" })
    },
  }
}

/** How every run's stream ends: the worker's last event, then the web's. */
const END = ["turn.completed", "run.settled"]

/** What a test compares: the text of a delta, the type of any other event, the name of a control event. */
const label = (message: SseMessage): string => {
  if (message.event !== "message") return message.event
  const event = JSON.parse(message.data) as RunStreamEvent
  return event.type === "text.delta" ? event.text : event.type
}

const texts = (from: number, to: number) => Array.from({ length: to - from }, (_, index) => `e${from + index}`)

/** Deterministic randomness, so a failing interleaving can be replayed. */
function seeded(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const nextTick = () => new Promise((resolve) => setImmediate(resolve))
const millis = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface Harness {
  open(): Promise<LiveCoordination>
}

let redis: RedisServer

beforeAll(async () => {
  redis = await startRedisServer()
})

afterAll(async () => {
  await redis?.stop()
})

const harnesses: [string, Harness][] = [
  ["in-process", { open: async () => createMemoryLive() }],
  ["Redis", { open: () => createRedisLive({ url: redis.url, prefix: `test:${randomUUID()}:` }) }],
]

describe.each(harnesses)("run events over SSE (%s)", (_name, harness) => {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  async function setup(hubOptions: RunEventHubOptions = {}, wrap: (live: LiveCoordination) => LiveCoordination = (live) => live) {
    const base = await harness.open()
    const live = wrap(base)
    const hub = createRunEventHub(live, hubOptions)
    cleanups.push(async () => {
      await hub.close()
      await base.close()
    })
    const clients: { disconnect(): Promise<void> }[] = []
    cleanups.push(async () => {
      for (const client of clients) await client.disconnect()
    })

    const connect = (runId: string, lastEventId: string | null, extra: Partial<RunEventStreamOptions> = {}) => {
      const abort = new AbortController()
      const comments: string[] = []
      const body = openRunEventStream({
        live,
        hub,
        runId,
        lastEventId,
        signal: abort.signal,
        loadTranscript: async () => TRANSCRIPT,
        runEnded: async () => false,
        ...extra,
      })
      const reader = new SseReader(body, { lastEventId, onComment: (text) => comments.push(text) })
      const client = {
        reader,
        comments,
        /** Reads until the stream closes. */
        labels: async () => (await reader.collect()).map(label),
        async disconnect() {
          abort.abort()
          await reader.close()
        },
      }
      clients.push(client)
      return client
    }
    return { live, hub, connect }
  }

  it("replays what the run wrote, follows the live tail, and closes after the terminal event", async () => {
    const { live, connect } = await setup()
    const runId = randomUUID()
    const writer = runWriter(live, runId)
    for (let index = 0; index < 3; index += 1) await writer.text(index)
    const client = connect(runId, null)
    const first = await client.reader.collect((message) => label(message) === "e2")
    expect(first.map((message) => [message.id, label(message)])).toEqual(texts(0, 3).map((text, index) => [writer.ids[index], text]))

    for (let index = 3; index < 6; index += 1) await writer.text(index)
    await writer.complete()
    expect(await client.labels()).toEqual([...texts(3, 6), ...END])
    expect(client.reader.lastEventId).toBe(writer.ids.at(-1))
  })

  it("delivers every event exactly once, in order, to a client that keeps disconnecting and resuming while the run writes", async () => {
    const { live, connect } = await setup()
    const runId = randomUUID()
    const writer = runWriter(live, runId)
    const total = 400
    const writing = (async () => {
      for (let index = 0; index < total; index += 1) {
        await writer.text(index)
        if (index % 5 === 0) await nextTick()
      }
      await writer.complete()
    })()

    const random = seeded(7)
    const received: string[] = []
    let lastEventId: string | null = null
    let reconnects = 0
    for (let ended = false; !ended; reconnects += 1) {
      // A small page size makes resumes cross replay pages and the seam with the hub often.
      const client = connect(runId, lastEventId, { replayPageSize: 4 })
      const stopAfter = 1 + Math.floor(random() * 40)
      for (let count = 0; count < stopAfter; count += 1) {
        const message = await client.reader.next()
        if (message === null || message.event === "end") {
          ended = true
          break
        }
        received.push(label(message))
        lastEventId = client.reader.lastEventId
      }
      await client.disconnect()
    }
    await writing
    expect(received).toEqual([...texts(0, total), ...END])
    expect(reconnects).toBeGreaterThan(10)
  })

  it("joins replay and live tail without a duplicate or a hole for clients connecting mid-write", async () => {
    const { live, connect } = await setup()
    const runId = randomUUID()
    const writer = runWriter(live, runId)
    const total = 600
    const writing = (async () => {
      for (let index = 0; index < total; index += 1) {
        await writer.text(index)
        if (index % 10 === 0) await millis(1)
      }
      await writer.complete()
    })()

    const random = seeded(11)
    const followers: { from: number; done: Promise<string[]> }[] = []
    for (let join = 0; join < 20; join += 1) {
      await eventually(() => writer.ids.length >= join * 25)
      // Each starts from the beginning or from some event it had already seen.
      const from = random() < 0.3 ? 0 : Math.floor(random() * writer.ids.length)
      const client = connect(runId, from === 0 ? null : writer.ids[from - 1]!, { replayPageSize: 3 })
      followers.push({ from, done: client.labels() })
    }
    await writing
    for (const follower of followers) {
      expect(await follower.done).toEqual([...texts(follower.from, total), ...END])
    }
  })

  it("announces a gap, with the transcript, when the client's cursor was trimmed away", async () => {
    const { live, connect } = await setup()
    const runId = randomUUID()
    const writer = runWriter(live, runId, 11)
    for (let index = 0; index < 30; index += 1) await writer.text(index)
    await writer.complete()
    // The stream now holds e21..e29, the terminal event and the settle.

    const behind = await connect(runId, writer.ids[5]!).reader.collect()
    expect(behind[0]).toMatchObject({ event: "gap", id: null })
    expect(JSON.parse(behind[0]!.data)).toEqual({ from: writer.ids[5], resumeAt: writer.ids[21], transcript: TRANSCRIPT })
    expect(behind.slice(1).map(label)).toEqual([...texts(21, 30), ...END])

    const fromStart = await connect(runId, null).reader.collect()
    expect(JSON.parse(fromStart[0]!.data)).toEqual({ from: null, resumeAt: writer.ids[21], transcript: TRANSCRIPT })
    expect(fromStart.slice(1).map(label)).toEqual([...texts(21, 30), ...END])

    // The entry just before the oldest one kept is still a continuous cursor: no gap.
    expect(await connect(runId, writer.ids[20]!).labels()).toEqual([...texts(21, 30), ...END])
  })

  it("announces a gap when the live tail itself fell behind the trimming", async () => {
    // The hub's reads are held back while the writer outruns the stream's cap.
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let holding = false
    const { live, connect } = await setup({}, (base) => ({
      ...base,
      waitForEntries: async (stream, options) => {
        if (holding) await held
        return base.waitForEntries(stream, options)
      },
    }))
    const runId = randomUUID()
    const writer = runWriter(live, runId, 11)
    await writer.text(0)
    const client = connect(runId, null)
    expect(label((await client.reader.next())!)).toBe("e0")
    holding = true
    // Let the tail's current wait return (with e1) and start a held one.
    await writer.text(1)
    expect(label((await client.reader.next())!)).toBe("e1")
    for (let index = 2; index < 30; index += 1) await writer.text(index)
    await writer.complete()
    release()

    const rest = await client.reader.collect()
    expect(rest[0]!.event).toBe("gap")
    expect(JSON.parse(rest[0]!.data)).toEqual({ from: writer.ids[1], resumeAt: writer.ids[21], transcript: TRANSCRIPT })
    expect(rest.slice(1).map(label)).toEqual([...texts(21, 30), ...END])
  })

  it("when the stream is gone and the run ended, sends the transcript as a gap, then end", async () => {
    const { connect } = await setup()
    const runId = randomUUID()
    const fresh = await connect(runId, null, { runEnded: async () => true }).reader.collect()
    expect(fresh.map((message) => message.event)).toEqual(["gap", "end"])
    expect(JSON.parse(fresh[0]!.data)).toEqual({ from: null, resumeAt: null, transcript: TRANSCRIPT })

    const resumed = await connect(runId, "1700000000000-3", { runEnded: async () => true }).reader.collect()
    expect(JSON.parse(resumed[0]!.data)).toMatchObject({ from: "1700000000000-3", resumeAt: null })
    expect(resumed[1]!.event).toBe("end")
  })

  it("when the stream is not written yet, waits for the run's first events", async () => {
    const { live, hub, connect } = await setup()
    const runId = randomUUID()
    const client = connect(runId, null)
    await eventually(() => hub.stats().subscribers === 1)
    const writer = runWriter(live, runId)
    await writer.text(0)
    await writer.complete()
    expect(await client.labels()).toEqual(["e0", ...END])
  })

  it("ends at once for a client that already saw the terminal event", async () => {
    const { live, hub, connect } = await setup()
    const runId = randomUUID()
    const writer = runWriter(live, runId)
    await writer.text(0)
    expect(await isCaughtUpPastEnd(live, runId, writer.ids[0]!)).toBe(false)
    await writer.text(1)
    const terminal = await writer.complete()

    expect(await isCaughtUpPastEnd(live, runId, terminal)).toBe(true)
    expect(await isCaughtUpPastEnd(live, runId, writer.ids[1]!)).toBe(false)
    expect(await isCaughtUpPastEnd(live, runId, null)).toBe(false)
    expect(await isCaughtUpPastEnd(live, randomUUID(), terminal)).toBe(false)

    const messages = await connect(runId, terminal).reader.collect()
    expect(messages.map((message) => message.event)).toEqual(["end"])
    expect(hub.stats()).toEqual({ tails: 0, subscribers: 0 })
    expect(await connect(runId, writer.ids[1]!).labels()).toEqual(END)
  })

  it("follows the stream past the turn's end to the settle, and a browser resuming from the turn's end waits for it", async () => {
    const { live, hub, connect } = await setup()
    const runId = randomUUID()
    const writer = runWriter(live, runId)
    await writer.text(0)
    const client = connect(runId, null)
    const reading = client.labels()
    const turnEnd = await writer.endTurn()
    await eventually(() => client.reader.lastEventId === turnEnd)

    // The browser is not told to stop (204) between the turn's end and the settle.
    expect(await isCaughtUpPastEnd(live, runId, turnEnd)).toBe(false)
    const resumed = connect(runId, turnEnd)
    const resumedReading = resumed.labels()
    await eventually(() => hub.stats().subscribers === 2)
    const settle = await writer.settle()
    expect(await reading).toEqual(["e0", ...END])
    expect(await resumedReading).toEqual(["run.settled"])
    expect(resumed.reader.lastEventId).toBe(settle)
    await eventually(() => hub.stats().tails === 0)
  })

  it("ends a stream that never gets its settle once the run is settled in the store", async () => {
    const { live, connect } = await setup()
    const runId = randomUUID()
    const writer = runWriter(live, runId)
    await writer.text(0)
    const turnEnd = await writer.endTurn()
    let settled = false
    const client = connect(runId, null, { heartbeatMs: 20, runEnded: async () => settled })
    const reading = client.labels()
    // Still running in the store: the stream stays open for the settle.
    await eventually(() => client.reader.lastEventId === turnEnd && client.comments.length >= 3)
    settled = true
    expect(await reading).toEqual(["e0", "turn.completed", "end"])
    // A browser resuming from the turn's end of such a run is let go at once.
    expect(await connect(runId, turnEnd, { runEnded: async () => true }).labels()).toEqual(["end"])
  })

  it("treats an unreadable Last-Event-ID as no cursor", async () => {
    const { live, connect } = await setup()
    const runId = randomUUID()
    const writer = runWriter(live, runId)
    await writer.text(0)
    await writer.complete()
    expect(await connect(runId, "not-an-id").labels()).toEqual(["e0", ...END])
  })

  it("serves every browser on a run from one tail loop, stopped when the last one leaves", async () => {
    let waiting = 0
    let mostWaiting = 0
    const { live, hub, connect } = await setup({}, (base) => ({
      ...base,
      waitForEntries: async (stream, options) => {
        waiting += 1
        mostWaiting = Math.max(mostWaiting, waiting)
        try {
          return await base.waitForEntries(stream, options)
        } finally {
          waiting -= 1
        }
      },
    }))
    const runId = randomUUID()
    const writer = runWriter(live, runId)
    await writer.text(0)
    const clients = Array.from({ length: 50 }, () => connect(runId, null))
    await eventually(() => hub.stats().subscribers === 50)
    expect(hub.stats().tails).toBe(1)
    for (let index = 1; index < 20; index += 1) await writer.text(index)
    const firstTwenty = await Promise.all(clients.map((client) => client.reader.collect((message) => label(message) === "e19")))
    for (const messages of firstTwenty) expect(messages.map(label)).toEqual(texts(0, 20))
    expect(mostWaiting).toBe(1)

    for (const client of clients) await client.disconnect()
    await eventually(() => hub.stats().tails === 0 && waiting === 0)
    expect(hub.stats().subscribers).toBe(0)
  })

  it("cuts off a client that stops reading once its queue passes the cap, while the others carry on", async () => {
    const { live, hub, connect } = await setup()
    const runId = randomUUID()
    const writer = runWriter(live, runId)
    const cap = 16 * 1024
    const slow = connect(runId, null, { maxQueuedBytes: cap })
    const fast = connect(runId, null)
    const fastDone = fast.labels()
    await eventually(() => hub.stats().subscribers === 2)

    const padding = "x".repeat(200)
    let written = 0
    // Write until the slow client is dropped; the fast one reads all along.
    while (hub.stats().subscribers === 2) {
      await writer.text(written, padding)
      written += 1
      expect(written).toBeLessThan(1_000)
    }
    // It was cut off only once more than the cap was waiting for it.
    const bytesWritten = writer.ids.reduce(
      (sum, id, index) => sum + formatSse({ id, data: JSON.stringify({ type: "text.delta", text: `e${index}${padding}` }) }).length,
      0,
    )
    expect(bytesWritten).toBeGreaterThan(cap)
    for (let index = written; index < written + 20; index += 1) await writer.text(index, padding)
    await writer.complete()

    expect(await fastDone).toEqual([...texts(0, written + 20).map((text) => text + padding), ...END])
    // The slow client finds its stream closed, holding nothing: its browser resumes from its cursor.
    expect(await slow.reader.collect()).toEqual([])
  })

  it("retries failing reads from the same cursor, in the tail and in the replay", async () => {
    let failures = 0
    const failing = (base: LiveCoordination): LiveCoordination => ({
      ...base,
      read: async (stream, options) => {
        if (failures > 0 && failures-- % 2 === 0) throw new Error("connection lost")
        return base.read(stream, options)
      },
      waitForEntries: async (stream, options) => {
        if (failures > 0 && failures-- % 2 === 1) throw new Error("connection lost")
        return base.waitForEntries(stream, options)
      },
    })
    const { live, connect } = await setup({ retryMinMs: 1, retryMaxMs: 5 }, failing)
    const runId = randomUUID()
    const writer = runWriter(live, runId)
    for (let index = 0; index < 10; index += 1) await writer.text(index)
    failures = 6
    const client = connect(runId, writer.ids[2]!, { retryMinMs: 1, retryMaxMs: 5, replayPageSize: 2 })
    const reading = client.labels()
    for (let index = 10; index < 20; index += 1) {
      if (index === 15) failures = 6
      await writer.text(index)
    }
    await writer.complete()
    expect(await reading).toEqual([...texts(3, 20), ...END])
    expect(failures).toBe(0)
  })

  it("sends a heartbeat comment while idle", async () => {
    const { live, connect } = await setup()
    const runId = randomUUID()
    const client = connect(runId, null, { heartbeatMs: 20 })
    const reading = client.labels()
    await eventually(() => client.comments.length >= 3)
    expect(new Set(client.comments)).toEqual(new Set(["keep-alive"]))
    const writer = runWriter(live, runId)
    await writer.text(0)
    await writer.complete()
    expect(await reading).toEqual(["e0", ...END])
  })

  it("ends the stream of a viewer who loses access while watching", async () => {
    const { live, hub, connect } = await setup()
    const runId = randomUUID()
    await runWriter(live, runId).text(0)
    let allowed = true
    const client = connect(runId, null, { heartbeatMs: 20, stillAllowed: async () => allowed })
    const reading = client.labels()
    await eventually(() => client.comments.length >= 2)
    allowed = false
    // The stream ends without the run having ended: nothing more reaches this viewer.
    expect(await reading).toEqual(["e0"])
    await eventually(() => hub.stats().subscribers === 0)
  })

  it("frees the subscription when the client goes away, and ends streams when the hub closes", async () => {
    const { live, hub, connect } = await setup()
    const runId = randomUUID()
    await runWriter(live, runId).text(0)
    const leaving = connect(runId, null)
    const staying = connect(runId, null)
    expect(label((await leaving.reader.next())!)).toBe("e0")
    expect(label((await staying.reader.next())!)).toBe("e0")
    await eventually(() => hub.stats().subscribers === 2)

    await leaving.disconnect()
    expect(hub.stats()).toEqual({ tails: 1, subscribers: 1 })
    await hub.close()
    expect(await staying.reader.next()).toBeNull()
    expect(hub.stats()).toEqual({ tails: 0, subscribers: 0 })
  })

  it("keeps an idle subscriber small", async () => {
    setFlagsFromString("--expose-gc")
    const gc = runInNewContext("gc") as () => void
    const { hub, connect } = await setup()
    const runs = Array.from({ length: 20 }, () => randomUUID())
    const count = 1_000
    gc()
    const before = process.memoryUsage().heapUsed
    const clients = Array.from({ length: count }, (_, index) => connect(runs[index % runs.length]!, null))
    await eventually(() => hub.stats().subscribers === count, 20_000)
    gc()
    const perSubscriber = (process.memoryUsage().heapUsed - before) / count
    // Comfortably under the 64 KB budget (the test harness's own reader is counted too).
    expect(perSubscriber).toBeLessThan(16 * 1024)
    for (const client of clients) await client.disconnect()
    await eventually(() => hub.stats().tails === 0)
  })
})

describe("run events over SSE on Redis only", () => {
  it("keeps the process's Redis connections constant however many browsers follow how many runs", async () => {
    const connectionName = `sse-${randomUUID().slice(0, 8)}`
    const live = await createRedisLive({ url: redis.url, prefix: `${connectionName}:`, connectionName })
    const hub = createRunEventHub(live)
    const admin = new Redis(redis.url)
    const aborts: AbortController[] = []
    try {
      const runs = Array.from({ length: 10 }, () => randomUUID())
      const readers = Array.from({ length: 60 }, (_, index) => {
        const abort = new AbortController()
        aborts.push(abort)
        const body = openRunEventStream({
          live,
          hub,
          runId: runs[index % runs.length]!,
          lastEventId: null,
          signal: abort.signal,
          loadTranscript: async () => null,
          runEnded: async () => false,
        })
        return new SseReader(body).collect()
      })
      await eventually(() => hub.stats().subscribers === 60)
      expect(hub.stats().tails).toBe(10)
      for (const runId of runs) {
        const writer = runWriter(live, runId)
        await writer.text(0)
        await writer.complete()
      }
      for (const messages of await Promise.all(readers)) expect(messages.map(label)).toEqual(["e0", ...END])
      const ours = ((await admin.client("LIST")) as string).split("\n").filter((line) => line.includes(`name=${connectionName}`))
      // Commands and the one blocking stream reader (pub/sub connects only when someone subscribes).
      expect(ours.length).toBeLessThanOrEqual(3)
    } finally {
      for (const abort of aborts) abort.abort()
      await hub.close()
      await live.close()
      admin.disconnect()
    }
  })

  it("loses and repeats nothing when Redis restarts in the middle of a run", async () => {
    const dir = mkdtempSync(join(tmpdir(), "second-sse-redis-"))
    let server = await startRedisServer({ appendOnly: true, dir })
    const port = server.port
    const live = await createRedisLive({ url: server.url, prefix: "restart:" })
    const hub = createRunEventHub(live, { retryMinMs: 20, retryMaxMs: 200 })
    const abort = new AbortController()
    try {
      const runId = randomUUID()
      const writer = runWriter(live, runId)
      for (let index = 0; index < 20; index += 1) await writer.text(index)
      const body = openRunEventStream({
        live,
        hub,
        runId,
        lastEventId: null,
        signal: abort.signal,
        loadTranscript: async () => null,
        runEnded: async () => false,
        retryMinMs: 20,
        retryMaxMs: 200,
      })
      const reader = new SseReader(body)
      const received = (await reader.collect((message) => label(message) === "e19")).map(label)

      await server.stop()
      // The worker keeps writing through the outage; ioredis queues its commands until Redis is back.
      const writing = (async () => {
        for (let index = 20; index < 40; index += 1) await writer.text(index)
        await writer.complete()
      })()
      await millis(300)
      server = await startRedisServer({ appendOnly: true, dir, port })
      await writing

      received.push(...(await reader.collect()).map(label))
      expect(received).toEqual([...texts(0, 40), ...END])
      // A browser that reconnects after the restart replays the same run from the restored stream.
      const again = new SseReader(
        openRunEventStream({
          live,
          hub,
          runId,
          lastEventId: writer.ids[9]!,
          signal: abort.signal,
          loadTranscript: async () => null,
          runEnded: async () => false,
        }),
      )
      expect((await again.collect()).map(label)).toEqual([...texts(10, 40), ...END])
    } finally {
      abort.abort()
      await hub.close()
      await live.close()
      await server.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
