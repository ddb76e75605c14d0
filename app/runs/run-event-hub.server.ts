// Fans a run's live stream out to every browser this web process serves. However many tabs follow
// one run, the process reads its stream with ONE tail loop (one waitForEntries at a time), decodes
// and frames each entry once, and hands the same bytes to every subscriber. Each subscriber keeps
// its own cursor and de-duplicates (see run-event-sse.server.ts), so the hub only has to promise:
// every entry after the tail's cursor at the moment you subscribed reaches you once, in order.

import { compareStreamIds, parseStreamId, type LiveCoordination, type StreamEntry } from "#shared/live/live.server.ts"
import { decodeRunStreamRecord, isSettledEvent, runStreamKey, type RunStreamEvent } from "#shared/runs/run-stream.ts"
import { formatSse } from "../sse/sse.server.ts"

/** One stream entry, decoded and framed once for every subscriber. */
export interface RunStreamItem {
  readonly id: string
  /** `id` parsed once, so subscribers compare numbers instead of re-parsing strings. */
  readonly ms: number
  readonly seq: number
  /** The writer's link to the entry before it (null for the run's first); checked to detect gaps. */
  readonly prev: string | null
  /** Null when the entry is not a run stream record (never written by the worker): it is skipped. */
  readonly event: RunStreamEvent | null
  /** The stream's last entry (run.settled): nothing follows it. */
  readonly terminal: boolean
  /** The SSE message (`id:` + `data:` with the event JSON), or empty when `event` is null. */
  readonly message: Uint8Array
}

export interface RunStreamListener {
  /** Entries in stream order. The array and its items are shared with other subscribers: read only. */
  readonly onItems: (items: readonly RunStreamItem[]) => void
  /** The hub is closing (shutdown): end the stream so the browser reconnects elsewhere. */
  readonly onClose: () => void
}

export interface RunEventHub {
  /**
   * Follows `runId`'s stream. `from` starts the tail loop when none runs for this run yet and must
   * be an id the stream really reached (its last id, or STREAM_START): never a client's cursor,
   * which could lie ahead and make the loop skip entries for everyone. Returns the unsubscribe.
   */
  subscribe(runId: string, from: string, listener: RunStreamListener): () => void
  stats(): { readonly tails: number; readonly subscribers: number }
  /** Stops every tail loop and tells every subscriber to close. */
  close(): Promise<void>
}

export interface RunEventHubOptions {
  /** Entries per read. */
  readonly batchSize?: number
  /** How long one blocking read waits before the loop checks in again. */
  readonly waitTimeoutMs?: number
  /** First and longest pause between retries of a failing read (Redis restarting). */
  readonly retryMinMs?: number
  readonly retryMaxMs?: number
}

// Buffers, not plain Uint8Arrays: node:http turns every Uint8Array it is given into a Buffer, an
// allocation per subscriber per write.
const EMPTY = Buffer.alloc(0)

/** Decodes and frames one entry. Shared by the tail loop and by each subscriber's replay. */
export function toRunStreamItem(entry: StreamEntry): RunStreamItem {
  const [ms, seq] = parseStreamId(entry.id)
  let record
  try {
    record = decodeRunStreamRecord(entry.data)
  } catch {
    // Not something a browser could render (the worker only writes records); skipping it loses
    // nothing a transcript would show, and the next entry's `prev` still chains through its id.
    return { id: entry.id, ms, seq, prev: null, event: null, terminal: false, message: EMPTY }
  }
  const message = Buffer.from(formatSse({ id: entry.id, data: JSON.stringify(record.event) }))
  return { id: entry.id, ms, seq, prev: record.prev, event: record.event, terminal: isSettledEvent(record.event), message }
}

const joinedCache = new WeakMap<readonly RunStreamItem[], Uint8Array | null>()
let lastBatch: readonly RunStreamItem[] | null = null
let lastJoined: Uint8Array | null = null

/**
 * A batch's messages as one buffer, joined once for every subscriber it is fanned out to; null
 * when it skips entries or is not a contiguous chain.
 */
export function joinedBatch(items: readonly RunStreamItem[]): Uint8Array | null {
  // The batch being fanned out right now, asked for by each subscriber in turn: no lookup.
  if (items === lastBatch) return lastJoined
  let joined = joinedCache.get(items)
  if (joined === undefined) joined = joinBatch(items)
  lastBatch = items
  lastJoined = joined
  return joined
}

function joinBatch(items: readonly RunStreamItem[]): Uint8Array | null {
  let joined: Uint8Array | null
  const contiguous = items.every((item, index) => item.event !== null && (index === 0 || item.prev === items[index - 1]!.id))
  if (!contiguous) joined = null
  else if (items.length === 1) joined = items[0]!.message
  else joined = Buffer.concat(items.map((item) => item.message))
  joinedCache.set(items, joined)
  return joined
}

/** Waits `ms`, or less when the signal aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener("abort", done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener("abort", done, { once: true })
  })
}

interface Tail {
  readonly runId: string
  cursor: string
  readonly listeners: Set<RunStreamListener>
  readonly stop: AbortController
  done: Promise<void>
}

export function createRunEventHub(live: LiveCoordination, options: RunEventHubOptions = {}): RunEventHub {
  const batchSize = options.batchSize ?? 500
  const waitTimeoutMs = options.waitTimeoutMs ?? 10_000
  const retryMinMs = options.retryMinMs ?? 100
  const retryMaxMs = options.retryMaxMs ?? 5_000
  const tails = new Map<string, Tail>()
  let closed = false

  const retire = (tail: Tail) => {
    if (tails.get(tail.runId) === tail) tails.delete(tail.runId)
    tail.stop.abort()
  }

  const follow = async (tail: Tail) => {
    const key = runStreamKey(tail.runId)
    const signal = tail.stop.signal
    let retryMs = retryMinMs
    let next: Promise<StreamEntry[]> | null = null
    const read = () => live.waitForEntries(key, { after: tail.cursor, limit: batchSize, timeoutMs: waitTimeoutMs, signal })
    while (!signal.aborted) {
      let entries: StreamEntry[]
      try {
        const pending = next ?? read()
        next = null
        entries = await pending
      } catch {
        // Redis restarting or unreachable: the cursor has not moved, so the retry neither loses
        // nor repeats an entry. Back off so a long outage costs little.
        await pause(retryMs, signal)
        retryMs = Math.min(retryMs * 2, retryMaxMs)
        continue
      }
      retryMs = retryMinMs
      // An abort resolves the wait with []; entries that arrived with it have no one left to read them.
      if (signal.aborted || entries.length === 0) continue
      const items = entries.filter((entry) => compareStreamIds(entry.id, tail.cursor) > 0).map(toRunStreamItem)
      if (items.length === 0) continue
      // Advance and fan out in the same synchronous step: a subscriber added at any moment is
      // either in this fan-out or sees a cursor that already includes these items.
      tail.cursor = items.at(-1)!.id
      // Ask for what follows before fanning these out, so the round trip overlaps the fan-out.
      if (!items.some((item) => item.terminal)) {
        next = read()
        next.catch(() => undefined)
      }
      for (const listener of [...tail.listeners]) listener.onItems(items)
      // Nothing follows run.settled: everyone still here has just received it.
      if (items.some((item) => item.terminal)) retire(tail)
    }
  }

  return {
    subscribe(runId, from, listener) {
      if (closed) {
        queueMicrotask(listener.onClose)
        return () => undefined
      }
      let tail = tails.get(runId)
      if (!tail) {
        const started: Tail = { runId, cursor: from, listeners: new Set(), stop: new AbortController(), done: Promise.resolve() }
        started.done = follow(started)
        tails.set(runId, started)
        tail = started
      }
      const joined = tail
      joined.listeners.add(listener)
      return () => {
        joined.listeners.delete(listener)
        if (joined.listeners.size === 0) retire(joined)
      }
    },

    stats() {
      let subscribers = 0
      for (const tail of tails.values()) subscribers += tail.listeners.size
      return { tails: tails.size, subscribers }
    },

    async close() {
      closed = true
      const stopping = [...tails.values()]
      tails.clear()
      for (const tail of stopping) {
        tail.stop.abort()
        for (const listener of [...tail.listeners]) listener.onClose()
        tail.listeners.clear()
      }
      await Promise.allSettled(stopping.map((tail) => tail.done))
    },
  }
}
