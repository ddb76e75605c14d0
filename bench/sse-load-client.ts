// The clients of bench/run-fanout.bench.test.ts: many concurrent SSE streams in one process,
// identical for every server measured. With 100 clients at 500 events/s the client process takes
// 50,000 messages a second, so the client must be far cheaper than the servers or it becomes what
// is measured: by default each client is a node:http GET on its own socket, parsed by a lean
// parser (split on the blank line, read `id:` and `data:`). BENCH_CLIENT=fetch uses fetch streams
// parsed by the tests' browser-faithful SseReader (tests/fixtures/sse-client.ts) instead: it costs
// about twice the CPU per message, and in bursts it, not the baseline server, sets the pace.

import { request, type IncomingMessage } from "node:http"
import { SseReader } from "#tests/fixtures/sse-client.ts"

/** Wall-clock milliseconds with sub-millisecond precision. */
export const now = () => performance.timeOrigin + performance.now()

export interface SseClientOptions {
  /** Each message with data, in order; `at` is when the bytes carrying it arrived. Return true to stop reading. */
  readonly onMessage: (id: string | null, data: string, at: number) => boolean | void
}

export interface SseClient {
  /** Resolves with the status once the response headers arrived (0 if the request failed). */
  readonly opened: Promise<number>
  /** Resolves when the stream ended, onMessage asked to stop, or close() was called; rejects if it failed. */
  readonly done: Promise<void>
  close(): void
}

export const CLIENT_KIND = process.env["BENCH_CLIENT"] === "fetch" ? "fetch + SseReader" : "node:http + lean parser"

export function openSseClient(url: string, options: SseClientOptions): SseClient {
  return process.env["BENCH_CLIENT"] === "fetch" ? viaFetch(url, options) : viaHttp(url, options)
}

function viaHttp(url: string, { onMessage }: SseClientOptions): SseClient {
  let opened!: (status: number) => void
  const openedPromise = new Promise<number>((resolve) => (opened = resolve))
  let closing = false
  // No agent: one socket per client, as one browser per subscriber would have.
  const req = request(url, { agent: false })
  const done = new Promise<void>((resolve, reject) => {
    req.on("error", (error) => {
      opened(0)
      if (closing) resolve()
      else reject(error)
    })
    req.on("response", (res: IncomingMessage) => {
      opened(res.statusCode ?? 0)
      res.setEncoding("utf8")
      let buffer = ""
      res.on("data", (chunk: string) => {
        if (closing) return
        const at = now()
        buffer += chunk
        let start = 0
        for (let end = buffer.indexOf("\n\n"); end !== -1; end = buffer.indexOf("\n\n", start)) {
          const block = buffer.slice(start, end)
          start = end + 2
          if (parseBlock(block, at, onMessage)) {
            closing = true
            req.destroy()
            return resolve()
          }
        }
        buffer = buffer.slice(start)
      })
      res.on("end", () => resolve())
      res.on("close", () => resolve())
      res.on("error", (error) => (closing ? resolve() : reject(error)))
    })
  })
  req.end()
  return {
    opened: openedPromise,
    done,
    close() {
      closing = true
      req.destroy()
    },
  }
}

function viaFetch(url: string, { onMessage }: SseClientOptions): SseClient {
  const abort = new AbortController()
  let opened!: (status: number) => void
  const openedPromise = new Promise<number>((resolve) => (opened = resolve))
  const done = (async () => {
    const response = await fetch(url, { signal: abort.signal })
    opened(response.status)
    const reader = new SseReader(response)
    for (let message = await reader.next(); message !== null; message = await reader.next()) {
      if (onMessage(message.id, message.data, now())) break
    }
    await reader.close()
  })().catch((error: unknown) => {
    opened(0)
    if (!abort.signal.aborted) throw error
  })
  return { opened: openedPromise, done, close: () => abort.abort() }
}

/** One message (both servers write `\n` line ends). */
function parseBlock(block: string, at: number, onMessage: SseClientOptions["onMessage"]): boolean {
  let id: string | null = null
  let data: string | null = null
  for (const line of block.split("\n")) {
    if (line.startsWith("data: ")) data = data === null ? line.slice(6) : `${data}\n${line.slice(6)}`
    else if (line.startsWith("id: ")) id = line.slice(4)
  }
  return data !== null && onMessage(id, data, at) === true
}
