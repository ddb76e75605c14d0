// One open stream of a per-process hub (workspace events, app data changes) as an SSE response:
// joined to the hub, each message one `data:` line of JSON, a heartbeat comment while idle, and
// cleaned up whichever side ends it (the browser going away, or the hub cutting a listener who
// lost access). The `retry:` and first heartbeat are sent at once, so the headers leave now and
// the browser's `open` means "subscribed". A reader that falls more than MAX_QUEUED_BYTES behind
// (it stopped reading, and changes keep coming) is cut off rather than buffered without end: a
// browser reconnects and reloads what it shows.

import { formatSse, SSE_HEADERS, SSE_HEARTBEAT, SSE_HEARTBEAT_MS } from "./sse.server.ts"

/** What a hub delivers to one open stream, and how it ends it. */
export interface HubSink<T> {
  send(message: T): void
  close(): void
}

export interface HubStreamOptions<T> {
  /** Joins the hub; resolves once subscribed, with the function that leaves it; rejects when it cannot. */
  readonly join: (sink: HubSink<T>) => Promise<() => void>
  /** The request's signal: aborted when the browser disconnects. */
  readonly signal: AbortSignal
  /** How long a browser waits before reconnecting after the stream drops. */
  readonly reconnectAfterMs: number
  readonly heartbeatMs?: number
}

const encoder = new TextEncoder()

/** What one stream may hold unread; an app data change alone can be 64 KiB. */
export const MAX_QUEUED_BYTES = 1024 * 1024

/** The stream, or null when the live subscription behind it cannot be made right now. */
export async function openHubStream<T>(options: HubStreamOptions<T>): Promise<Response | null> {
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let finished = false
  let heartbeat: NodeJS.Timeout | undefined
  let leave = () => {}

  const write = (text: string) => {
    if (finished) return
    controller.enqueue(encoder.encode(text))
    if ((controller.desiredSize ?? 0) < 0) finish()
  }
  const finish = () => {
    if (finished) return
    finished = true
    clearInterval(heartbeat)
    options.signal.removeEventListener("abort", finish)
    leave()
    try {
      controller.close()
    } catch {
      // Already closed or cancelled by the reader.
    }
  }

  const body = new ReadableStream<Uint8Array>(
    {
      start(streamController) {
        controller = streamController
      },
      cancel: finish,
    },
    new ByteLengthQueuingStrategy({ highWaterMark: MAX_QUEUED_BYTES }),
  )

  try {
    leave = await options.join({ send: (message) => write(formatSse({ data: JSON.stringify(message) })), close: finish })
  } catch {
    finish()
    return null
  }
  if (options.signal.aborted) finish()
  if (finished) {
    // The browser left (or the hub cut the stream) while joining.
    leave()
    return new Response(body, { headers: SSE_HEADERS })
  }
  options.signal.addEventListener("abort", finish, { once: true })
  write(`retry: ${options.reconnectAfterMs}\n${SSE_HEARTBEAT}`)
  heartbeat = setInterval(() => write(SSE_HEARTBEAT), options.heartbeatMs ?? SSE_HEARTBEAT_MS)
  heartbeat.unref()
  return new Response(body, { headers: SSE_HEADERS })
}
