// The subscribers of the load bench and the soak (bench/load-*.ts): one signed-in browser tab
// following one run (GET /api/runs/:runId/events with the person's session cookie), many in one
// process. Each is a node:http GET on its own socket (no agent, as separate browsers would have)
// parsed by a lean parser, so a thousand of them stay far cheaper than the webs they measure.
// Every message is kept as (id, event type, receipt time): the round compares the ids with the
// run's stream in Redis afterwards (lost, duplicated or reordered events), and the receipt time
// with the id's millisecond part (the append time) for delivery latency.

import { request, type IncomingMessage } from "node:http"

/** Wall-clock milliseconds with sub-millisecond precision (comparable with Redis stream ids). */
export const now = () => performance.timeOrigin + performance.now()

export interface ReceivedMessage {
  /** The SSE id (the Redis stream id), or null when the message had none. */
  readonly id: string | null
  /** The SSE event name ("message" unless named: gap, end). */
  readonly event: string
  /** The run event's type for "message" events (text.delta, turn.completed, run.settled, …). */
  readonly type: string | null
  /** The run.settled status, or turn.completed outcome, when this is one of those. */
  readonly outcome: string | null
  readonly at: number
}

export interface Subscriber {
  readonly runId: string
  readonly web: number
  /** When the first response's headers arrived (0 until then). */
  readonly openedAt: number
  readonly messages: readonly ReceivedMessage[]
  /** Why each reconnection was needed (a 408/429/5xx answer, or the stream dropped before its end). */
  readonly retries: readonly string[]
  /** Why it ended badly (a refused stream, too many drops), or null. */
  readonly problem: string | null
  /** Resolves when the stream ended (run.settled, `end`, 204), or it gave up. */
  readonly done: Promise<void>
  close(): void
}

export interface SubscribeOptions {
  readonly webUrl: string
  readonly web: number
  readonly runId: string
  readonly cookie: string
}

/** Reconnections in a row without a new event before a subscriber gives up (the app's own follower allows 5). */
const MAX_RETRIES = 5
const FIRST_RETRY_MS = 500
const LONGEST_RETRY_MS = 4_000

type Attempt = { readonly end: "finished" } | { readonly end: "retry"; readonly why: string } | { readonly end: "failed"; readonly why: string }

/**
 * Follows a run until run.settled or `end`, then closes the socket, as the tab's follower would.
 * Like the app's client (app/client/run-event-follower.ts) it reconnects with Last-Event-ID when
 * the stream drops or the web answers 429 or 5xx; unlike it, a 408 (the web too starved to read
 * the request's headers in time) is retried too, and every retry is recorded for the report.
 */
export function subscribe({ webUrl, web, runId, cookie }: SubscribeOptions): Subscriber {
  const messages: ReceivedMessage[] = []
  const retries: string[] = []
  let openedAt = 0
  let problem: string | null = null
  let closed = false
  let current: ReturnType<typeof request> | null = null

  const attempt = () =>
    new Promise<Attempt>((resolve) => {
      const lastId = messages.findLast((message) => message.id !== null)?.id ?? null
      let settled = false
      const finish = (result: Attempt) => {
        if (settled) return
        settled = true
        resolve(result)
        req.destroy()
      }
      const req = request(`${webUrl}/api/runs/${runId}/events`, {
        agent: false,
        headers: { cookie, accept: "text/event-stream", ...(lastId ? { "last-event-id": lastId } : {}) },
      })
      current = req
      req.on("error", (error) => finish(closed ? { end: "finished" } : { end: "retry", why: `request failed: ${error.message}` }))
      req.on("response", (res: IncomingMessage) => {
        if (openedAt === 0) openedAt = now()
        const status = res.statusCode ?? 0
        if (status !== 200) {
          res.resume()
          if (status === 204) return finish({ end: "finished" })
          return finish(status === 408 || status === 429 || status >= 500 ? { end: "retry", why: `status ${status}` } : { end: "failed", why: `status ${status}` })
        }
        res.setEncoding("utf8")
        let buffer = ""
        res.on("data", (chunk: string) => {
          if (settled) return
          const at = now()
          buffer += chunk
          let start = 0
          for (let end = buffer.indexOf("\n\n"); end !== -1; end = buffer.indexOf("\n\n", start)) {
            const message = parseBlock(buffer.slice(start, end), at)
            start = end + 2
            if (!message) continue
            messages.push(message)
            if (message.type === "run.settled" || message.event === "end") return finish({ end: "finished" })
          }
          buffer = buffer.slice(start)
        })
        const dropped = () => finish(closed ? { end: "finished" } : { end: "retry", why: "the stream ended before run.settled" })
        res.on("end", dropped)
        res.on("close", dropped)
        res.on("error", dropped)
      })
      req.end()
    })

  const done = (async () => {
    let failures = 0
    for (;;) {
      const before = messages.length
      const result = await attempt()
      if (result.end === "finished" || closed) return
      if (result.end === "failed") {
        problem = result.why
        return
      }
      retries.push(result.why)
      failures = messages.length === before ? failures + 1 : 1
      if (failures > MAX_RETRIES) {
        problem = `gave up after ${failures - 1} reconnections without a new event (last: ${result.why})`
        return
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** (failures - 1))))
    }
  })()

  return {
    runId,
    web,
    get openedAt() {
      return openedAt
    },
    messages,
    retries,
    get problem() {
      return problem
    },
    done,
    close() {
      closed = true
      current?.destroy()
    },
  }
}

/** One SSE message (the webs write `\n` line ends); null for comments (heartbeats) and data-less blocks. */
function parseBlock(block: string, at: number): ReceivedMessage | null {
  let id: string | null = null
  let event = "message"
  let data: string | null = null
  for (const line of block.split("\n")) {
    if (line.startsWith("data:")) {
      const value = line.slice(line.startsWith("data: ") ? 6 : 5)
      data = data === null ? value : `${data}\n${value}`
    } else if (line.startsWith("id:")) id = line.slice(line.startsWith("id: ") ? 4 : 3)
    else if (line.startsWith("event:")) event = line.slice(line.startsWith("event: ") ? 7 : 6)
  }
  if (data === null) return null
  let type: string | null = null
  let outcome: string | null = null
  if (event === "message") {
    // Only the few fields the round checks; the text itself is not kept (1,000 tabs × every delta).
    const parsed = JSON.parse(data) as { type?: string; status?: string; outcome?: string }
    type = parsed.type ?? null
    outcome = parsed.type === "run.settled" ? (parsed.status ?? null) : parsed.type === "turn.completed" ? (parsed.outcome ?? null) : null
  }
  return { id, event, type, outcome, at }
}
