// One browser's view of a run, written to a transport (the node:http response on the web's path,
// or a ReadableStream for a Fetch Response): the entries after its Last-Event-ID, replayed from the
// stream, then the live tail from the process's RunEventHub, each exactly once, up to run.settled
// (the web's entry after the turn's end: the stored run is final).
//
// The seam: the hub subscription is made BEFORE the replay, from an id the stream really reached,
// so the hub delivers every entry past its cursor while the replay reads up to the stream's end;
// together they cover everything, and one cursor (the id last sent) drops what both delivered.
// Continuity is checked on every entry, not only the first: each record names the entry before it
// (`prev`), so an entry whose `prev` is not the id last sent means entries were trimmed in between,
// and the browser gets an explicit `gap` with the transcript instead of silent loss.
//
// Memory is bounded per client: bytes go to the transport while it takes them (the socket is not
// backed up), the rest waits in the outbox; the replay queues more only once the client took most
// of it, and a client letting more than `maxQueuedBytes` pile up is cut off (it resumes from its
// Last-Event-ID). A process holds thousands of sessions, mostly idle: one object each, methods on
// the prototype, the hub's listener itself, its heartbeat a slot in the process's one ticker.

import { compareStreamIds, parseStreamId, STREAM_START, type StreamEntry } from "#shared/live/live.server.ts"
import { runStreamKey } from "#shared/runs/run-stream.ts"
import { heartbeatTicker, type Beating } from "../sse/heartbeat-ticker.server.ts"
import { formatSse, SSE_HEARTBEAT, SSE_HEARTBEAT_MS } from "../sse/sse.server.ts"
import { caughtUpEnd, parseLastEventId } from "./run-stream-cursor.server.ts"
import { joinedBatch, toRunStreamItem, type RunStreamItem, type RunStreamListener } from "./run-event-hub.server.ts"
import { MAX_CHUNK_BYTES, MAX_QUEUED_BYTES, REPLAY_PAGE_SIZE } from "./run-event-sse-options.server.ts"
import type { RunEventSessionOptions, RunEventTransport, RunStreamGap } from "./run-event-sse-options.server.ts"

// Buffers (as the hub's messages are): node:http would copy a plain Uint8Array into one per write.
const HEARTBEAT_BYTES = Buffer.from(SSE_HEARTBEAT)
const END_BYTES = Buffer.from(formatSse({ event: "end", data: "{}" }))

export class RunEventSession implements RunStreamListener, Beating {
  readonly #options: RunEventSessionOptions
  readonly #transport: RunEventTransport
  readonly #key: string
  readonly #maxQueuedBytes: number
  /** Replay reads its next page only once the client has taken most of the previous one. */
  readonly #replayLowWater: number
  /** The transport can take bytes now. */
  #ready: boolean
  /** Bytes produced for the client that the transport has not taken yet. */
  #outbox: Uint8Array[] = []
  #outboxBytes = 0
  /** Hub items the pump has not processed yet (they arrive while it replays or loads a transcript). */
  #inbox: RunStreamItem[] = []
  #inboxBytes = 0
  #wakePump: (() => void) | null = null
  #wakeReplay: (() => void) | null = null
  #wakeSleep: (() => void) | null = null
  /** Set once the last message is queued: close when the outbox is empty. */
  #finishing = false
  /** Set when everything is released; nothing more is produced. */
  #stopped = false
  #unsubscribe: (() => void) | null = null
  /** Replaying: sends wait in the outbox and leave in large writes, not one write per entry. */
  #batching = false
  #sentSinceTick = false
  /** The id of the last entry sent (or skipped as undecodable); null before the first. */
  #cursor: string | null
  #cursorMs = -1
  #cursorSeq = -1
  /** The client has the turn's end: only run.settled can follow. */
  #turnOver = false

  /** `ready`: whether the transport takes bytes before its first resume(). */
  constructor(options: RunEventSessionOptions, transport: RunEventTransport, ready: boolean) {
    this.#options = options
    this.#transport = transport
    this.#ready = ready
    this.#key = runStreamKey(options.runId)
    this.#maxQueuedBytes = options.maxQueuedBytes ?? MAX_QUEUED_BYTES
    this.#replayLowWater = Math.min(MAX_CHUNK_BYTES, Math.floor(this.#maxQueuedBytes / 4))
    this.#cursor = parseLastEventId(options.lastEventId)
    if (this.#cursor !== null) [this.#cursorMs, this.#cursorSeq] = parseStreamId(this.#cursor)
  }

  /** Starts the heartbeat and the replay, with bytes at once so the response's headers leave now. */
  start(): void {
    if (this.#stopped) return
    heartbeatTicker(this.#options.heartbeatMs ?? SSE_HEARTBEAT_MS).join(this)
    // Rather than with the first event, which may be a while: the browser's EventSource opens.
    this.#send(HEARTBEAT_BYTES, true)
    this.#pump().catch((error: unknown) => this.#shutDown({ error }))
  }

  /** The transport can take bytes again (its reader asks, or its socket drained). */
  resume(): void {
    if (this.#stopped) return
    this.#ready = true
    this.#flush()
  }

  /** Hands the outbox over while the transport takes it. */
  #flush() {
    if (this.#stopped) return
    while (this.#ready && this.#outbox.length > 0) this.#ready = this.#transport.write(this.#takeChunk())
    if (this.#outboxBytes <= this.#replayLowWater) this.#wake("replay")
    if (this.#finishing && this.#outbox.length === 0) this.close()
  }

  /** Ends the response now, dropping what the client has not taken (the client left, or lost access). */
  close(): void {
    this.#shutDown(null)
  }

  /** The transport ended by itself (the response stopped reading): release everything, quietly. */
  cancel(): void {
    this.#shutDown(null, false)
  }

  onItems(items: readonly RunStreamItem[]): void {
    if (this.#stopped || this.#finishing) return
    // Live and caught up (the pump waits for work, nothing queued) and the batch follows on from
    // what this client has: send the batch's bytes, joined once for every subscriber.
    if (this.#wakePump !== null && this.#inbox.length === 0 && items[0]!.prev === this.#cursor) {
      const joined = joinedBatch(items)
      if (joined !== null) {
        const last = items.at(-1)!
        this.#send(joined)
        this.#setCursor(last)
        if (last.terminal) this.#finish()
        return
      }
    }
    for (const item of items) {
      this.#inbox.push(item)
      this.#inboxBytes += item.message.byteLength
    }
    if (this.#overCap()) return this.close()
    this.#wake("pump")
  }

  /** The process is shutting down: end cleanly so the browser reconnects to another one. */
  onClose(): void {
    this.#finish()
  }

  /** One heartbeat period passed. */
  beat(): void {
    if (!this.#sentSinceTick) this.#send(HEARTBEAT_BYTES, true)
    this.#sentSinceTick = false
    void this.#endIfRunEnded()
    this.#options.stillAllowed?.().then((allowed) => allowed || this.close(), () => undefined)
  }

  #wake(which: "pump" | "replay" | "all") {
    const pump = which !== "replay" ? this.#wakePump : null
    const replay = which !== "pump" ? this.#wakeReplay : null
    if (pump) this.#wakePump = null
    if (replay) this.#wakeReplay = null
    pump?.()
    replay?.()
  }

  /** Stops producing: frees the hub subscription, the heartbeat and the inbox. */
  #detach() {
    heartbeatTicker(this.#options.heartbeatMs ?? SSE_HEARTBEAT_MS).leave(this)
    this.#unsubscribe?.()
    this.#unsubscribe = null
    this.#inbox = []
    this.#inboxBytes = 0
    this.#wakeSleep?.()
    this.#wake("all")
  }

  /** Releases everything, dropping what the client has not taken; tells the transport unless it ended itself. */
  #shutDown(failure: { readonly error: unknown } | null, tellTransport = true) {
    if (this.#stopped) return
    this.#stopped = true
    this.#outbox = []
    this.#outboxBytes = 0
    this.#detach()
    if (tellTransport) this.#transport.end(failure)
  }

  // One message bigger than the whole cap still gets through on its own; cutting the client
  // there would only make it reconnect into the same message forever.
  #overCap() {
    return this.#outboxBytes + this.#inboxBytes > this.#maxQueuedBytes && this.#outbox.length + this.#inbox.length > 1
  }

  #send(bytes: Uint8Array, isHeartbeat = false) {
    if (this.#stopped) return
    if (!isHeartbeat) this.#sentSinceTick = true
    if (this.#ready && !this.#batching && this.#outbox.length === 0) {
      // The transport takes bytes now: hand them over directly, nothing is queued.
      this.#ready = this.#transport.write(bytes)
      return
    }
    this.#outbox.push(bytes)
    this.#outboxBytes += bytes.byteLength
    // The client is not keeping up: cut it off rather than buffer without bound.
    if (this.#overCap()) this.close()
  }

  /** Queues the last message; the stream closes once the client has taken everything. */
  #finish() {
    if (this.#finishing || this.#stopped) return
    this.#finishing = true
    // Stop producing now; the transport keeps its hooks until the client has taken the rest.
    this.#detach()
    if (this.#outbox.length === 0) this.close()
  }

  #takeChunk(): Uint8Array {
    const outbox = this.#outbox
    let size = outbox[0]!.byteLength
    let count = 1
    while (count < outbox.length && size + outbox[count]!.byteLength <= MAX_CHUNK_BYTES) size += outbox[count++]!.byteLength
    // Taking everything starts a fresh array: an idle client does not keep a grown one.
    const parts = count === outbox.length ? outbox : outbox.splice(0, count)
    if (parts === outbox) this.#outbox = []
    this.#outboxBytes -= size
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, size)
  }

  #active() {
    return !this.#stopped && !this.#finishing
  }

  /** Waits `ms`, or less when the session stops. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        if (this.#wakeSleep === done) this.#wakeSleep = null
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.#wakeSleep = done
    })
  }

  /** Calls `operation` until it succeeds, backing off while the live store is unreachable. */
  async #retrying<T>(operation: () => Promise<T>): Promise<T | null> {
    let retryMs = this.#options.retryMinMs ?? 100
    while (this.#active()) {
      try {
        return await operation()
      } catch {
        await this.#sleep(retryMs)
        retryMs = Math.min(retryMs * 2, this.#options.retryMaxMs ?? 5_000)
      }
    }
    return null
  }

  async #sendGap(from: string | null, resumeAt: string | null) {
    const gap: RunStreamGap = { from, resumeAt, transcript: await this.#options.loadTranscript() }
    this.#send(Buffer.from(formatSse({ event: "gap", data: JSON.stringify(gap) })))
  }

  #setCursor(item: RunStreamItem) {
    this.#cursor = item.id
    this.#cursorMs = item.ms
    this.#cursorSeq = item.seq
    if (item.event?.type === "turn.completed") this.#turnOver = true
  }

  #sendItem(item: RunStreamItem) {
    this.#send(item.message)
    this.#setCursor(item)
    if (item.terminal) this.#finish()
  }

  /** Sends an entry not sent yet, after a gap when entries are missing (async only then: it loads the transcript). */
  #deliver(item: RunStreamItem): Promise<void> | undefined {
    if (item.ms < this.#cursorMs || (item.ms === this.#cursorMs && item.seq <= this.#cursorSeq)) return
    if (item.event === null) {
      this.#setCursor(item)
      return
    }
    if (item.prev === this.#cursor) {
      this.#sendItem(item)
      return
    }
    return this.#sendGap(this.#cursor, item.id).then(() => {
      if (this.#active()) this.#sendItem(item)
    })
  }

  #roomForReplay(): Promise<void> | null {
    return this.#outboxBytes <= this.#replayLowWater || !this.#active() ? null : new Promise<void>((resolve) => (this.#wakeReplay = resolve))
  }

  // A stream that never gets run.settled (older, or the append failed) still ends once the run
  // has been settled in the store for a while: checked after the replay and at every heartbeat.
  async #endIfRunEnded() {
    if (!this.#turnOver || !this.#active()) return
    if ((await (this.#options.runEndedAwhile ?? this.#options.runEnded)().catch(() => false)) && this.#active()) {
      this.#send(END_BYTES)
      this.#finish()
    }
  }

  #workArrived(): Promise<void> | null {
    return this.#inbox.length > 0 || !this.#active() ? null : new Promise<void>((resolve) => (this.#wakePump = resolve))
  }

  // In steps, so each step's locals (a replayed page, above all) are freed when it is done rather
  // than held by one long-lived frame for as long as the client stays.
  async #pump() {
    if (!(await this.#replay())) return
    await this.#endIfRunEnded()
    while (this.#active()) {
      const work = this.#workArrived()
      if (work) await work
      await this.#deliverQueued()
    }
  }

  /** Subscribes and replays what the client missed; false when the stream already ended. */
  async #replay(): Promise<boolean> {
    const { live, hub, runId } = this.#options
    const key = this.#key
    const info = await this.#retrying(() => live.streamInfo(key))
    if (info === null || !this.#active()) return false
    if (info.length === 0) {
      // Expired, or not written yet: only the run's state tells which.
      if (await this.#options.runEnded()) {
        if (!this.#active()) return false
        await this.#sendGap(this.#cursor, null)
        this.#send(END_BYTES)
        this.#finish()
        return false
      }
    } else if (this.#cursor !== null && compareStreamIds(this.#cursor, info.lastId!) >= 0) {
      const cursor = this.#cursor
      const end = await this.#retrying(() => caughtUpEnd(live, runId, cursor))
      if (end === "settled") {
        this.#send(END_BYTES)
        this.#finish()
        return false
      }
      if (end === "turn-over") this.#turnOver = true
    }
    if (!this.#active()) return false

    this.#unsubscribe = hub.subscribe(runId, info.lastId ?? STREAM_START, this)

    const replayPageSize = this.#options.replayPageSize ?? REPLAY_PAGE_SIZE
    let readFrom = this.#cursor ?? STREAM_START
    let pageSize = replayPageSize
    for (;;) {
      const [after, limit] = [readFrom, pageSize]
      const page = await this.#retrying(() => live.read(key, { after, limit }))
      if (page === null || !this.#active()) return false
      const pageBytes = await this.#replayPage(page)
      if (pageBytes === null) return false
      if (page.length > 0) {
        readFrom = page.at(-1)!.id
        // The hub delivered some of these too: drop them now rather than hold them.
        const past = readFrom
        this.#inbox = this.#inbox.filter((item) => compareStreamIds(item.id, past) > 0)
        this.#inboxBytes = this.#inbox.reduce((sum, item) => sum + item.message.byteLength, 0)
        // Large entries make smaller pages, so a page read ahead stays about the size of the queue.
        pageSize = Math.max(1, Math.min(replayPageSize, Math.floor(this.#replayLowWater / (pageBytes / page.length))))
      }
      if (page.length < limit) break
    }
    return true
  }

  /** Sends a page's entries, their bytes in a few large writes; null when the stream ended meanwhile. */
  async #replayPage(page: readonly StreamEntry[]): Promise<number | null> {
    let pageBytes = 0
    this.#batching = true
    try {
      for (const entry of page) {
        // Paced by the client: the next entry is queued only once it has taken most of the rest.
        if (this.#outboxBytes > this.#replayLowWater) this.#flush()
        const room = this.#roomForReplay()
        if (room) await room
        if (!this.#active()) return null
        const item = toRunStreamItem(entry)
        pageBytes += item.message.byteLength
        const gap = this.#deliver(item)
        if (gap) await gap
        if (!this.#active()) return null
      }
      return pageBytes
    } finally {
      this.#batching = false
      this.#flush()
    }
  }

  /** Delivers what the hub queued while the pump was busy (replaying, or announcing a gap). */
  async #deliverQueued() {
    const batch = this.#inbox
    this.#inbox = []
    for (const item of batch) {
      if (!this.#active()) return
      this.#inboxBytes -= item.message.byteLength
      const gap = this.#deliver(item)
      if (gap) await gap
    }
  }
}
