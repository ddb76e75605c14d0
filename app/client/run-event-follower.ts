// followRun: a run's events (GET /api/runs/:runId/events) as an async iterable, for Node scripts
// that have no EventSource. It does what a browser's EventSource does for the builder page:
// resumes with Last-Event-ID when the connection drops (a bounded number of times in a row), and
// stops at the stream's end (run.settled, an `end` message, or 204 when there is nothing left).

import { ID_PATTERN } from "#shared/ids.ts"
import type { RunStreamEvent } from "#shared/runs/run-stream-event.ts"
import { decodeGap, decodeRunStreamEvent, type RunStreamGap } from "./run-event-decoding.ts"
import { errorForResponse, SecondClientError, unreachable } from "./second-client-error.ts"
import { SseParser, type SseMessage } from "./sse-parser.ts"

export interface FollowRunOptions {
  /** Resume after this event id (a follower's `lastEventId`); by default the run is read from its first event. */
  readonly after?: string
  /** Stops following; iteration then throws the signal's reason. */
  readonly signal?: AbortSignal
  /**
   * Called when events were trimmed from the stream before this client read them (a very long
   * or old run). The stored run (runs.list) still has the whole transcript.
   */
  readonly onGap?: (gap: RunStreamGap) => void
  /** Reconnects in a row that bring nothing new before giving up (default 5). */
  readonly maxReconnects?: number
  /** Silence (not even a heartbeat) after which the connection counts as dropped (default 45 s; the server beats every 15 s). */
  readonly idleTimeoutMs?: number
}

export interface RunStreamConnection {
  /** The server's origin, without a trailing slash. */
  readonly origin: string
  readonly token: string
  readonly fetch: typeof fetch
}

const STREAM_ID = /^\d+-\d+$/
const FIRST_RETRY_MS = 250
const LONGEST_RETRY_MS = 5_000

/** Outcome of one connection: the stream is over, or it should be opened again. */
type ConnectionEnd = "finished" | "dropped"

export class RunEventFollower implements AsyncIterable<RunStreamEvent> {
  readonly runId: string
  readonly #connection: RunStreamConnection
  readonly #options: FollowRunOptions
  #lastEventId: string | null
  /** Whether the stream has answered at least once. */
  #connected = false

  constructor(connection: RunStreamConnection, runId: string, options: FollowRunOptions = {}) {
    if (!ID_PATTERN.test(runId)) {
      throw new SecondClientError("invalid-options", `"${runId.slice(0, 40)}" is not a run id: pass the \`id\` of a run that runs.send or apps.create returned.`, null, "runId")
    }
    if (options.after !== undefined && !STREAM_ID.test(options.after)) {
      throw new SecondClientError("invalid-options", "`after` must be an event id such as 1733450000000-0: pass a follower's `lastEventId`.", null, "after")
    }
    this.runId = runId
    this.#connection = connection
    this.#options = options
    this.#lastEventId = options.after ?? null
  }

  /** The id of the last event handed out: pass it as `after` to resume later without repeats. */
  get lastEventId(): string | null {
    return this.#lastEventId
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<RunStreamEvent> {
    const maxReconnects = this.#options.maxReconnects ?? 5
    let failures = 0
    for (;;) {
      const before = this.#lastEventId
      const end = yield* this.#followOnce()
      if (end === "finished") return
      failures = this.#lastEventId === before ? failures + 1 : 0
      if (failures > maxReconnects) {
        throw new SecondClientError(
          "unreachable",
          `The event stream of run ${this.runId} kept dropping (${failures} times in a row without new events): check the connection to Second, then follow again with after: "${this.#lastEventId ?? ""}".`,
        )
      }
      await pause(Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** (failures - 1)), this.#options.signal)
    }
  }

  async *#followOnce(): AsyncGenerator<RunStreamEvent, ConnectionEnd> {
    const { signal } = this.#options
    const idle = new AbortController()
    const idleTimeoutMs = this.#options.idleTimeoutMs ?? 45_000
    // unref: a forgotten follower never keeps a script alive on its own.
    let idleTimer = setTimeout(() => idle.abort(), idleTimeoutMs).unref()
    const touch = () => {
      clearTimeout(idleTimer)
      idleTimer = setTimeout(() => idle.abort(), idleTimeoutMs).unref()
    }
    const url = `${this.#connection.origin}/api/runs/${this.runId}/events`
    let reader: ReadableStreamDefaultReader<Uint8Array> | null = null
    try {
      let response: Response
      try {
        response = await this.#connection.fetch(url, {
          headers: {
            authorization: `Bearer ${this.#connection.token}`,
            accept: "text/event-stream",
            ...(this.#lastEventId ? { "last-event-id": this.#lastEventId } : {}),
          },
          signal: signal ? AbortSignal.any([signal, idle.signal]) : idle.signal,
        })
      } catch (error) {
        signal?.throwIfAborted()
        // Unreachable from the start: most likely a wrong URL, so say so at once. Later, it may
        // be down for a moment (a restart) or for good: the retry bound tells which.
        if (!this.#connected) throw unreachable(this.#connection.origin, error)
        return "dropped"
      }
      if (response.status === 204) return "finished"
      if (response.status === 429 || response.status >= 500) {
        await response.body?.cancel().catch(() => undefined)
        return "dropped"
      }
      if (response.status !== 200 || !/^text\/event-stream/.test(response.headers.get("content-type") ?? "") || !response.body) {
        throw await errorForResponse(
          response,
          `the event stream of run ${this.runId}`,
          `Run ${this.runId} was not found (404): it does not exist, its app is not one you can build, or it is in another workspace than the token's.`,
        )
      }
      reader = response.body.getReader()
      this.#connected = true
      const parser = new SseParser(this.#lastEventId)
      const decoder = new TextDecoder()
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>
        try {
          chunk = await reader.read()
        } catch {
          signal?.throwIfAborted()
          return "dropped"
        }
        if (chunk.done) return "dropped"
        touch()
        for (const message of parser.push(decoder.decode(chunk.value, { stream: true }))) {
          const handled = this.#handle(message)
          if (handled === "finished") return "finished"
          // Set before handing the event out: a caller that stops here has seen it.
          if (message.event === "message") this.#lastEventId = message.lastEventId
          if (handled) {
            yield handled
            if (handled.type === "run.settled") return "finished"
          }
        }
      }
    } finally {
      clearTimeout(idleTimer)
      await reader?.cancel().catch(() => undefined)
    }
  }

  /** The event a message carries, "finished" when it ends the stream, or null when there is nothing to hand out. */
  #handle(message: SseMessage): RunStreamEvent | "finished" | null {
    switch (message.event) {
      case "message":
        return decodeRunStreamEvent(message.data)
      case "gap":
        this.#options.onGap?.(decodeGap(message.data))
        return null
      // The server's word that the run's stream is over (it ended without run.settled, or is gone).
      case "end":
        return "finished"
      default:
        return null
    }
  }
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    signal?.addEventListener("abort", onAbort, { once: true })
  })
}
