// Blocking stream reads for every waiter of a process over ONE Redis connection: a loop issues a
// single XREAD BLOCK across all streams someone waits on, and a new waiter interrupts it with
// CLIENT UNBLOCK so the next XREAD includes its stream. Connections stay constant however many
// browsers follow runs.

import type { Redis } from "ioredis"
import { compareStreamIds, type StreamEntry } from "./live.server.ts"

interface Waiter {
  readonly after: string
  readonly limit: number
  readonly finish: (entries: StreamEntry[]) => void
}

type XReadReply = [key: string, entries: [id: string, fields: string[]][]][] | null

/** How long one XREAD may block; a new waiter interrupts it sooner. */
const BLOCK_MS = 10_000
const RETRY_MS = 250
export const ENTRY_FIELD = "d"

export function toEntries(raw: [id: string, fields: string[]][]): StreamEntry[] {
  return raw.map(([id, fields]) => ({ id, data: fields[fields.indexOf(ENTRY_FIELD) + 1] ?? "" }))
}

export class RedisStreamTailer {
  readonly #reader: Redis
  readonly #control: Redis
  readonly #waiters = new Map<string, Set<Waiter>>()
  #readerId: number | null = null
  #running = false
  #inFlight = 0
  #stale = false
  #closed = false

  constructor(reader: Redis, control: Redis) {
    this.#reader = reader
    this.#control = control
    // The id changes with every connection; the loop asks again before its next XREAD.
    reader.on("close", () => (this.#readerId = null))
  }

  wait(key: string, after: string, limit: number, timeoutMs: number, signal?: AbortSignal): Promise<StreamEntry[]> {
    return new Promise((resolve) => {
      const waiters = this.#waiters.get(key) ?? new Set<Waiter>()
      const isNewStream = !this.#waiters.has(key)
      this.#waiters.set(key, waiters)
      const finish = (entries: StreamEntry[]) => {
        clearTimeout(timer)
        signal?.removeEventListener("abort", onAbort)
        waiters.delete(waiter)
        if (waiters.size === 0 && this.#waiters.get(key) === waiters) this.#waiters.delete(key)
        resolve(entries)
      }
      const onAbort = () => finish([])
      const waiter: Waiter = { after, limit, finish }
      const timer = setTimeout(() => finish([]), timeoutMs)
      signal?.addEventListener("abort", onAbort, { once: true })
      const lowersCursor = [...waiters].every((other) => compareStreamIds(after, other.after) < 0)
      waiters.add(waiter)
      if (isNewStream || lowersCursor) this.#interrupt()
      this.#start()
    })
  }

  close() {
    this.#closed = true
    for (const waiters of this.#waiters.values()) for (const waiter of [...waiters]) waiter.finish([])
  }

  #start() {
    if (this.#running || this.#closed) return
    this.#running = true
    void this.#loop().finally(() => {
      this.#running = false
      // A waiter may have arrived just as the loop decided to stop.
      if (this.#waiters.size > 0 && !this.#closed) this.#start()
    })
  }

  async #loop() {
    while (this.#waiters.size > 0 && !this.#closed) {
      const keys = [...this.#waiters.keys()]
      const cursors = keys.map((key) => this.#lowestCursor(key))
      const count = Math.max(...keys.flatMap((key) => [...(this.#waiters.get(key) ?? [])].map((w) => w.limit)))
      this.#stale = false
      this.#inFlight += 1
      let reply: XReadReply
      try {
        // NOTE: asked on the reader itself, before the XREAD: once a blocking read is queued on a
        // connection, nothing else sent on it is answered until the read returns.
        if (this.#readerId === null) this.#readerId = (await this.#reader.client("ID")) as number
        reply = (await this.#reader.xread("COUNT", count, "BLOCK", BLOCK_MS, "STREAMS", ...keys, ...cursors)) as XReadReply
      } catch {
        if (this.#closed) return
        // Redis restarting or the connection dropping: ioredis reconnects; try again shortly.
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS))
        continue
      } finally {
        this.#inFlight -= 1
      }
      for (const [key, raw] of reply ?? []) this.#deliver(key, toEntries(raw))
    }
  }

  #deliver(key: string, entries: StreamEntry[]) {
    for (const waiter of [...(this.#waiters.get(key) ?? [])]) {
      const mine = entries.filter((entry) => compareStreamIds(entry.id, waiter.after) > 0).slice(0, waiter.limit)
      if (mine.length > 0) waiter.finish(mine)
    }
  }

  #lowestCursor(key: string): string {
    const cursors = [...(this.#waiters.get(key) ?? [])].map((waiter) => waiter.after)
    return cursors.reduce((lowest, cursor) => (compareStreamIds(cursor, lowest) < 0 ? cursor : lowest))
  }

  /**
   * Makes the running XREAD return so the next one covers a new stream or cursor. The XREAD may
   * not have reached Redis yet (UNBLOCK then answers 0), so retry until it does or it returned.
   */
  #interrupt() {
    if (this.#inFlight === 0) return
    this.#stale = true
    const attempt = (triesLeft: number) => {
      if (!this.#stale || this.#inFlight === 0 || this.#closed || triesLeft === 0) return
      const retry = () => setTimeout(() => attempt(triesLeft - 1), 2)
      // The id is being learned (a new connection): the XREAD has not been sent yet either.
      if (this.#readerId === null) return void retry()
      void (this.#control.client("UNBLOCK", this.#readerId) as Promise<number>).then(
        (unblocked) => unblocked === 0 && retry(),
        () => undefined,
      )
    }
    attempt(50)
  }
}
