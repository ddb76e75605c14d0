// A run's events as a ReadableStream, for a Fetch Response (tests, and any caller outside the web's
// node:http host): the session (run-event-sse-session.server.ts) behind a pull-based stream, so
// nothing moves until the response asks, and sendFetchResponse asks only as fast as the socket
// drains. The web itself serves browsers through run-event-sse-node.server.ts, which writes the
// same session's bytes to the node:http response directly.

import type { RunEventSessionOptions, RunEventTransport } from "./run-event-sse-options.server.ts"
import { RunEventSession } from "./run-event-sse-session.server.ts"

export { MAX_QUEUED_BYTES, type RunStreamGap } from "./run-event-sse-options.server.ts"

export interface RunEventStreamOptions extends RunEventSessionOptions {
  /** Aborts when the client goes away. */
  readonly signal: AbortSignal
}

export function openRunEventStream(options: RunEventStreamOptions): ReadableStream<Uint8Array> {
  const { signal } = options
  let controller!: ReadableStreamDefaultController<Uint8Array>
  const onAbort = () => session.close()
  const transport: RunEventTransport = {
    // One chunk per pull: the next waits until the response reads again.
    write(bytes) {
      controller.enqueue(bytes)
      return false
    },
    end(failure) {
      signal.removeEventListener("abort", onAbort)
      try {
        if (failure) controller.error(failure.error)
        else controller.close()
      } catch {
        // Already closed or cancelled by the consumer.
      }
    },
  }
  const session = new RunEventSession(options, transport, false)

  return new ReadableStream<Uint8Array>(
    {
      start(streamController) {
        controller = streamController
        if (signal.aborted) {
          session.cancel()
          controller.close()
          return
        }
        signal.addEventListener("abort", onAbort, { once: true })
        session.start()
      },
      pull() {
        session.resume()
      },
      cancel() {
        // The response stopped reading (the client went away).
        signal.removeEventListener("abort", onAbort)
        session.cancel()
      },
    },
    // Pull-based: nothing is produced into the stream's own queue before the response asks.
    { highWaterMark: 0 },
  )
}
