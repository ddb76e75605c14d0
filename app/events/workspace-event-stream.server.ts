// One member's workspace event stream as an SSE response: joined to this process's hub, a
// heartbeat comment while idle, and cleaned up whichever side ends it (the browser going away,
// or the hub cutting a member who left).

import { formatSse, SSE_HEADERS, SSE_HEARTBEAT, SSE_HEARTBEAT_MS } from "../sse/sse.server.ts"
import type { StreamOwner, WorkspaceEventHub } from "./workspace-event-hub.server.ts"

/** How long a browser waits before reconnecting after the stream drops. */
export const RECONNECT_AFTER_MS = 5_000

export interface WorkspaceEventStreamOptions {
  readonly hub: WorkspaceEventHub
  readonly workspaceId: string
  readonly owner: StreamOwner
  /** The request's signal: aborted when the browser disconnects. */
  readonly signal: AbortSignal
  readonly heartbeatMs?: number
}

const encoder = new TextEncoder()

/** The stream, or null when the live subscription behind it cannot be made right now. */
export async function openWorkspaceEventStream(options: WorkspaceEventStreamOptions): Promise<Response | null> {
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
    leave = await options.hub.join(options.workspaceId, options.owner, {
      send: (event) => write(formatSse({ data: JSON.stringify(event) })),
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
  // Sent at once so the response (headers included) leaves now and the browser sees the stream open.
  write(`retry: ${RECONNECT_AFTER_MS}\n${SSE_HEARTBEAT}`)
  heartbeat = setInterval(() => write(SSE_HEARTBEAT), options.heartbeatMs ?? SSE_HEARTBEAT_MS)
  heartbeat.unref()
  return new Response(body, { headers: SSE_HEADERS })
}
