// One browser's view of a run as Server-Sent Events: the entries after its Last-Event-ID, replayed
// from the stream, then the live tail from the process's RunEventHub, each exactly once, up to
// run.settled: the web's entry after the turn's end, saying the stored run is final.
//
// The seam: the hub subscription is made BEFORE the replay, from an id the stream really reached,
// so the hub delivers every entry past its cursor while the replay reads up to the stream's end;
// together they cover everything, and one cursor (the id last sent) drops what both delivered.
// Continuity is checked on every entry, not only the first: each record names the entry before it
// (`prev`), so an entry whose `prev` is not the id last sent means entries were trimmed in between,
// and the browser gets an explicit `gap` with the transcript instead of silent loss.
//
// Memory is bounded per client: the stream is pull-based (nothing moves until the response asks,
// and sendFetchResponse asks only as fast as the socket drains), the replay queues its next entry
// only once the client has taken most of what it had, and a client that lets more than
// `maxQueuedBytes` pile up is cut off; its browser reconnects with Last-Event-ID and resumes.

import { compareStreamIds, parseStreamId, STREAM_START, type LiveCoordination } from "#shared/live/live.server.ts"
import { runStreamKey } from "#shared/runs/run-stream.ts"
import { formatSse, SSE_HEARTBEAT, SSE_HEARTBEAT_MS } from "../sse/sse.server.ts"
import { caughtUpEnd, parseLastEventId } from "./run-stream-cursor.server.ts"
import { joinedBatch, pause, toRunStreamItem, type RunEventHub, type RunStreamItem, type RunStreamListener } from "./run-event-hub.server.ts"

/** Bytes queued for one client (produced, not yet taken by the response) before it is cut off. */
export const MAX_QUEUED_BYTES = 1024 * 1024
const REPLAY_PAGE_SIZE = 500
/** Largest chunk handed to the response at once: fewer writes, without one huge buffer. */
const MAX_CHUNK_BYTES = 64 * 1024

export interface RunEventStreamOptions {
  readonly live: LiveCoordination
  readonly hub: RunEventHub
  readonly runId: string
  /** The Last-Event-ID header (or query parameter) as received; invalid values count as none. */
  readonly lastEventId: string | null
  /** The run's transcript so far (or final), sent with a gap so the browser can rebuild what it missed. */
  readonly loadTranscript: () => Promise<unknown[] | null>
  /** Whether the stored run is no longer running (its stream may end without run.settled). */
  readonly runEnded: () => Promise<boolean>
  /**
   * Asked again at every heartbeat: false (the viewer was removed, lost the app, or signed out)
   * ends the stream, so access is not only checked once at connect.
   */
  readonly stillAllowed?: () => Promise<boolean>
  /** Aborts when the client goes away. */
  readonly signal: AbortSignal
  readonly heartbeatMs?: number
  readonly maxQueuedBytes?: number
  readonly replayPageSize?: number
  /** First and longest pause between retries of a failing read (Redis restarting). */
  readonly retryMinMs?: number
  readonly retryMaxMs?: number
}

/** What a `gap` event carries. `resumeAt` is null when nothing follows (the stream is gone). */
export interface RunStreamGap {
  readonly from: string | null
  readonly resumeAt: string | null
  readonly transcript: unknown[] | null
}

const encoder = new TextEncoder()
const HEARTBEAT_BYTES = encoder.encode(SSE_HEARTBEAT)
const END_BYTES = encoder.encode(formatSse({ event: "end", data: "{}" }))

export function openRunEventStream(options: RunEventStreamOptions): ReadableStream<Uint8Array> {
  const { live, hub, runId, loadTranscript, runEnded, signal } = options
  const key = runStreamKey(runId)
  const maxQueuedBytes = options.maxQueuedBytes ?? MAX_QUEUED_BYTES
  const replayPageSize = options.replayPageSize ?? REPLAY_PAGE_SIZE
  const retryMinMs = options.retryMinMs ?? 100
  const retryMaxMs = options.retryMaxMs ?? 5_000
  // Replay reads its next page only once the client has taken most of the previous one.
  const replayLowWater = Math.min(MAX_CHUNK_BYTES, Math.floor(maxQueuedBytes / 4))

  let controller!: ReadableStreamDefaultController<Uint8Array>
  /** Bytes produced for the client that the response has not pulled yet. */
  const outbox: Uint8Array[] = []
  let outboxBytes = 0
  /** Hub items the pump has not processed yet (they arrive while it replays or loads a transcript). */
  let inbox: RunStreamItem[] = []
  let inboxBytes = 0
  let pendingPull: (() => void) | null = null
  let wakePump: (() => void) | null = null
  let wakeReplay: (() => void) | null = null
  /** Set once the last message is queued: close when the outbox is empty. */
  let finishing = false
  /** Set when everything is released; nothing more is produced. */
  let stopped = false
  const stop = new AbortController()
  let unsubscribe: (() => void) | null = null
  let sentSinceTick = false
  let heartbeat: NodeJS.Timeout | null = null
  /** The id of the last entry sent (or skipped as undecodable); null before the first. */
  let cursor = parseLastEventId(options.lastEventId)
  /** The client has the turn's end: only run.settled can follow. */
  let turnOver = false

  const wake = () => {
    wakePump?.()
    wakePump = null
    wakeReplay?.()
    wakeReplay = null
  }

  /** Stops producing: frees the hub subscription, the heartbeat and the inbox. */
  const detach = () => {
    if (heartbeat) clearInterval(heartbeat)
    heartbeat = null
    unsubscribe?.()
    unsubscribe = null
    inbox = []
    inboxBytes = 0
    stop.abort()
    wake()
  }

  /** Releases everything, dropping what the client has not taken. */
  const shutDown = (end: () => void) => {
    if (stopped) return
    stopped = true
    outbox.length = 0
    outboxBytes = 0
    detach()
    signal.removeEventListener("abort", onAbort)
    try {
      end()
    } catch {
      // Already closed or cancelled by the consumer.
    }
    pendingPull?.()
    pendingPull = null
  }

  const closeNow = () => shutDown(() => controller.close())
  const fail = (error: unknown) => shutDown(() => controller.error(error))

  // One message bigger than the whole cap still gets through on its own; cutting the client
  // there would only make it reconnect into the same message forever.
  const overCap = () => outboxBytes + inboxBytes > maxQueuedBytes && outbox.length + inbox.length > 1

  const send = (bytes: Uint8Array, isHeartbeat = false) => {
    if (stopped) return
    if (!isHeartbeat) sentSinceTick = true
    if (pendingPull && outbox.length === 0) {
      // The response is waiting for bytes: hand them over directly, nothing is queued.
      controller.enqueue(bytes)
      pendingPull()
      pendingPull = null
      return
    }
    outbox.push(bytes)
    outboxBytes += bytes.byteLength
    // The client is not keeping up: cut it off rather than buffer without bound.
    if (overCap()) closeNow()
  }

  /** Queues the last message; the stream closes once the client has taken everything. */
  const finish = () => {
    if (finishing || stopped) return
    finishing = true
    // Stop producing now; the abort listener stays until the client has taken the rest.
    detach()
    if (outbox.length === 0) closeNow()
  }

  const takeChunk = (): Uint8Array => {
    let size = 0
    let count = 0
    while (count < outbox.length && (count === 0 || size + outbox[count]!.byteLength <= MAX_CHUNK_BYTES)) {
      size += outbox[count]!.byteLength
      count += 1
    }
    const parts = outbox.splice(0, count)
    outboxBytes -= size
    if (parts.length === 1) return parts[0]!
    const chunk = new Uint8Array(size)
    let offset = 0
    for (const part of parts) {
      chunk.set(part, offset)
      offset += part.byteLength
    }
    return chunk
  }

  const listener: RunStreamListener = {
    onItems(items) {
      if (stopped || finishing) return
      // Live and caught up (the pump waits for work, nothing queued) and the batch follows on
      // from what this client has: send the batch's bytes, joined once for every subscriber.
      if (wakePump !== null && inbox.length === 0 && items[0]!.prev === cursor) {
        const joined = joinedBatch(items)
        if (joined !== null) {
          const last = items.at(-1)!
          send(joined)
          setCursor(last)
          if (last.terminal) finish()
          return
        }
      }
      for (const item of items) {
        inbox.push(item)
        inboxBytes += item.message.byteLength
      }
      if (overCap()) return closeNow()
      wakePump?.()
      wakePump = null
    },
    // The process is shutting down: end cleanly so the browser reconnects to another one.
    onClose: () => finish(),
  }

  function onAbort() {
    closeNow()
  }

  /** Calls `operation` until it succeeds, backing off while the live store is unreachable. */
  const retrying = async <T>(operation: () => Promise<T>): Promise<T | null> => {
    let retryMs = retryMinMs
    while (!stopped && !finishing) {
      try {
        return await operation()
      } catch {
        await pause(retryMs, stop.signal)
        retryMs = Math.min(retryMs * 2, retryMaxMs)
      }
    }
    return null
  }

  const active = () => !stopped && !finishing

  const sendGap = async (from: string | null, resumeAt: string | null) => {
    const transcript = await loadTranscript()
    const gap: RunStreamGap = { from, resumeAt, transcript }
    send(encoder.encode(formatSse({ event: "gap", data: JSON.stringify(gap) })))
  }

  /** Sends one entry unless it was already sent, announcing a gap first when entries are missing. */
  let cursorMs = -1
  let cursorSeq = -1
  const setCursor = (item: RunStreamItem) => {
    cursor = item.id
    cursorMs = item.ms
    cursorSeq = item.seq
    if (item.event?.type === "turn.completed") turnOver = true
  }
  if (cursor !== null) [cursorMs, cursorSeq] = parseStreamId(cursor)
  const sendItem = (item: RunStreamItem) => {
    send(item.message)
    setCursor(item)
    if (item.terminal) finish()
  }
  /** Synchronous unless a gap must be announced first (which loads the transcript). */
  const deliver = (item: RunStreamItem): Promise<void> | undefined => {
    if (item.ms < cursorMs || (item.ms === cursorMs && item.seq <= cursorSeq)) return
    if (item.event === null) {
      setCursor(item)
      return
    }
    if (item.prev === cursor) {
      sendItem(item)
      return
    }
    return sendGap(cursor, item.id).then(() => {
      if (active()) sendItem(item)
    })
  }

  const roomForReplay = () =>
    outboxBytes <= replayLowWater || !active() ? Promise.resolve() : new Promise<void>((resolve) => (wakeReplay = resolve))

  // A stream that never gets run.settled (older, or the append failed) still ends once the run
  // is settled in the store: checked after the replay and at every heartbeat.
  const endIfRunEnded = async () => {
    if (!turnOver || !active()) return
    if ((await runEnded().catch(() => false)) && active()) {
      send(END_BYTES)
      finish()
    }
  }

  const workArrived = () =>
    inbox.length > 0 || !active() ? Promise.resolve() : new Promise<void>((resolve) => (wakePump = resolve))

  const pump = async () => {
    const info = await retrying(() => live.streamInfo(key))
    if (info === null || !active()) return
    if (info.length === 0) {
      // Expired, or not written yet: only the run's state tells which.
      if (await runEnded()) {
        if (!active()) return
        await sendGap(cursor, null)
        send(END_BYTES)
        return finish()
      }
    } else if (cursor !== null && compareStreamIds(cursor, info.lastId!) >= 0) {
      const end = await retrying(() => caughtUpEnd(live, runId, cursor))
      if (end === "settled") {
        send(END_BYTES)
        return finish()
      }
      if (end === "turn-over") turnOver = true
    }
    if (!active()) return

    unsubscribe = hub.subscribe(runId, info.lastId ?? STREAM_START, listener)

    let readFrom = cursor ?? STREAM_START
    let pageSize = replayPageSize
    for (;;) {
      const limit = pageSize
      const page = await retrying(() => live.read(key, { after: readFrom, limit }))
      if (page === null || !active()) return
      let pageBytes = 0
      for (const entry of page) {
        // Paced by the client: the next entry is queued only once it has taken most of the rest.
        await roomForReplay()
        if (!active()) return
        const item = toRunStreamItem(entry)
        pageBytes += item.message.byteLength
        const gap = deliver(item)
        if (gap) await gap
        if (!active()) return
      }
      if (page.length > 0) {
        readFrom = page.at(-1)!.id
        // The hub delivered some of these too: drop them now rather than hold them.
        inbox = inbox.filter((item) => compareStreamIds(item.id, readFrom) > 0)
        inboxBytes = inbox.reduce((sum, item) => sum + item.message.byteLength, 0)
        // Large entries make smaller pages, so a page read ahead stays about the size of the queue.
        pageSize = Math.max(1, Math.min(replayPageSize, Math.floor(replayLowWater / (pageBytes / page.length))))
      }
      if (page.length < limit) break
    }
    await endIfRunEnded()

    while (active()) {
      await workArrived()
      const batch = inbox
      inbox = []
      for (const item of batch) {
        if (!active()) return
        inboxBytes -= item.message.byteLength
        const gap = deliver(item)
        if (gap) await gap
      }
    }
  }

  return new ReadableStream<Uint8Array>(
    {
      start(streamController) {
        controller = streamController
        if (signal.aborted) {
          stopped = true
          controller.close()
          return
        }
        signal.addEventListener("abort", onAbort, { once: true })
        heartbeat = setInterval(() => {
          if (!sentSinceTick) send(HEARTBEAT_BYTES, true)
          sentSinceTick = false
          void endIfRunEnded()
          options.stillAllowed?.().then(
            (allowed) => allowed || closeNow(),
            () => undefined,
          )
        }, options.heartbeatMs ?? SSE_HEARTBEAT_MS)
        heartbeat.unref()
        // Bytes at once, so the response's headers leave now (the browser's EventSource opens)
        // rather than with the first event, which may be a while.
        send(HEARTBEAT_BYTES, true)
        pump().catch(fail)
      },
      pull(streamController) {
        if (stopped) return
        if (outbox.length > 0) {
          streamController.enqueue(takeChunk())
          if (outboxBytes <= replayLowWater) {
            wakeReplay?.()
            wakeReplay = null
          }
          if (finishing && outbox.length === 0) closeNow()
          return
        }
        if (finishing) return closeNow()
        return new Promise<void>((resolve) => (pendingPull = resolve))
      },
      cancel() {
        // The response stopped reading (the client went away).
        shutDown(() => undefined)
      },
    },
    // Pull-based: nothing is produced into the stream's own queue before the response asks.
    { highWaterMark: 0 },
  )
}
