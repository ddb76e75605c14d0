// A run's events written straight to the node:http response: the web's path for browsers
// (app/server/http-host.server.ts sends GET /api/runs/:runId/events here once the request is
// authorized). The session (run-event-sse-session.server.ts) hands its bytes over while the
// socket takes them, and holds the rest until 'drain': the same backpressure as a pull-based body
// copied at the socket's pace, without a Request, a Response, a ReadableStream and a reader per
// subscriber. With thousands of browsers per web, those were most of a subscriber's memory and
// CPU per delivered event (bench/run-fanout.bench.test.ts).
//
// Every subscriber of a run gets the same bytes, so each batch is framed as an HTTP/1.1 chunk
// once, for all of them, and written to each socket in one piece: res.write would frame it again
// per subscriber (length line, data, CRLF: four writes and a deferred writev each). The bytes on
// the wire are the same; the response still ends through res.end() (the last chunk). A response
// that is not chunked (an HTTP/1.0 client) or whose write was replaced (compression) uses res.write.

import { ServerResponse } from "node:http"
import type { Socket } from "node:net"
import { SSE_HEADERS } from "../sse/sse.server.ts"
import type { RunEventSessionOptions, RunEventTransport } from "./run-event-sse-options.server.ts"
import { RunEventSession } from "./run-event-sse-session.server.ts"

const CRLF = Buffer.from("\r\n")
/** The batch being written to every subscriber right now, and its chunk. */
let lastBytes: Uint8Array | null = null
let lastChunk: Buffer | null = null

/** `bytes` as one HTTP/1.1 chunk, framed once for every subscriber it is written to. */
function chunkOf(bytes: Uint8Array): Buffer {
  if (bytes !== lastBytes) {
    lastChunk = Buffer.concat([Buffer.from(`${bytes.byteLength.toString(16)}\r\n`, "latin1"), bytes, CRLF])
    lastBytes = bytes
  }
  return lastChunk!
}

class ResponseTransport implements RunEventTransport {
  readonly #res: ServerResponse
  readonly #onError: ((error: unknown) => void) | undefined
  /** The socket written to directly (chunks framed here), or null: res.write. */
  readonly #socket: Socket | null
  /** Set while waiting for the socket's 'drain'. */
  #onDrain: (() => void) | null = null
  session: RunEventSession | null = null

  constructor(res: ServerResponse, onError: ((error: unknown) => void) | undefined) {
    this.#res = res
    this.#onError = onError
    // The headers leave now, so nothing res holds back can follow the chunks written directly.
    res.flushHeaders()
    const framedHere = res.chunkedEncoding && res.write === ServerResponse.prototype.write && res.socket !== null
    this.#socket = framedHere ? res.socket : null
  }

  write(bytes: Uint8Array): boolean {
    const socket = this.#socket
    if (socket === null) {
      const flushed = this.#res.write(bytes)
      // Compression middleware adds flush(); call it so streamed chunks leave at once.
      ;(this.#res as ServerResponse & { flush?: () => void }).flush?.()
      return flushed
    }
    // Gone: its 'close' (which cancels the session) is on its way.
    if (socket.destroyed || bytes.byteLength === 0) return !socket.destroyed
    if (socket.write(chunkOf(bytes))) return true
    this.#onDrain ??= () => {
      this.#onDrain = null
      this.session?.resume()
    }
    socket.once("drain", this.#onDrain)
    return false
  }

  end(failure: { readonly error: unknown } | null): void {
    this.release()
    const res = this.#res
    if (failure === null) return void res.end()
    res.destroy(failure.error as Error)
    this.#onError?.(failure.error)
  }

  /** Drops the socket listener: a kept-alive socket goes on to serve other requests. */
  release(): void {
    if (this.#onDrain && this.#socket) this.#socket.off("drain", this.#onDrain)
    this.#onDrain = null
  }
}

/**
 * Streams the run to `res` (status 200 and the SSE headers; headers already set on `res`, such as
 * the security headers, stay). `onError` hears of a failure that cut the stream (it is logged
 * there); the response is destroyed. Returns at once: the stream runs until the run settles, the
 * client leaves, or the session ends it.
 */
export function writeRunEventStream(res: ServerResponse, options: RunEventSessionOptions, onError?: (error: unknown) => void): void {
  // The client left while the request was being authorized: nothing to stream to.
  if (res.destroyed) return
  // Merged with the headers set on `res` already.
  res.writeHead(200, SSE_HEADERS)
  const transport = new ResponseTransport(res, onError)
  const session = new RunEventSession(options, transport, true)
  transport.session = session
  // Left in place when the session ends: it goes with the response, and a stopped session ignores
  // it. Not removing it spares a named closure (an idle process holds thousands).
  res.on("drain", () => session.resume())
  // The response closed, finished or not (the browser went away): release the session.
  res.on("close", () => {
    transport.release()
    session.cancel()
  })
  session.start()
}
