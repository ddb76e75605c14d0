// One open app data stream as an SSE response: joined to this process's hub, each change one
// `data:` line of AppDataChange JSON, a heartbeat comment while idle, and cleaned up whichever
// side ends it (the browser going away, or the hub cutting a viewer who lost access).

import type { AppDataChange } from "#shared/apps/app-data.ts"
import { formatSse, SSE_HEADERS, SSE_HEARTBEAT, SSE_HEARTBEAT_MS } from "../sse/sse.server.ts"
import type { AppDataHub, AppDataStreamOwner, AppDataStreamTarget } from "./app-data-hub.server.ts"

/** How long a browser waits before reconnecting after the stream drops. */
export const RECONNECT_AFTER_MS = 3_000

export interface AppDataStreamOptions {
  readonly hub: AppDataHub
  readonly target: AppDataStreamTarget
  readonly owner: AppDataStreamOwner
  /** The request's signal: aborted when the browser disconnects. */
  readonly signal: AbortSignal
  readonly heartbeatMs?: number
}

const encoder = new TextEncoder()

/** The stream, or null when the live subscription behind it cannot be made right now. */
export async function openAppDataStream(options: AppDataStreamOptions): Promise<Response | null> {
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let finished = false
  let heartbeat: NodeJS.Timeout | undefined
  let leave = () => {}

  const write = (text: string) => {
    if (!finished) controller.enqueue(encoder.encode(text))
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

  const body = new ReadableStream<Uint8Array>({
    start(streamController) {
      controller = streamController
    },
    cancel: finish,
  })

  try {
    leave = await options.hub.join(options.target, options.owner, {
      send: (change: AppDataChange) => write(formatSse({ data: JSON.stringify(change) })),
      close: finish,
    })
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
  // Sent at once so the headers leave now: the browser's `open` means "subscribed", the moment to
  // (re)load the data it shows, so no change falls between that read and the stream.
  write(`retry: ${RECONNECT_AFTER_MS}\n${SSE_HEARTBEAT}`)
  heartbeat = setInterval(() => write(SSE_HEARTBEAT), options.heartbeatMs ?? SSE_HEARTBEAT_MS)
  heartbeat.unref()
  return new Response(body, { headers: SSE_HEADERS })
}
