// Server-Sent Events framing shared by every streaming route (run events, workspace events).
// Proxies close connections that stay silent, so streams send a comment line as a heartbeat.

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-store, no-transform",
  // nginx and similar proxies buffer responses unless told not to.
  "x-accel-buffering": "no",
}

/** How often an idle stream sends a heartbeat comment. */
export const SSE_HEARTBEAT_MS = 15_000

export const SSE_HEARTBEAT = ": keep-alive\n\n"

export interface SseMessage {
  readonly id?: string
  readonly event?: string
  readonly data: string
  /** Tells the browser how long to wait before reconnecting. */
  readonly retryMs?: number
}

/** One SSE message. Multi-line data becomes several `data:` lines, as the format requires. */
export function formatSse(message: SseMessage): string {
  let out = ""
  if (message.retryMs !== undefined) out += `retry: ${message.retryMs}\n`
  if (message.id !== undefined) out += `id: ${message.id}\n`
  if (message.event !== undefined) out += `event: ${message.event}\n`
  for (const line of message.data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`
  return `${out}\n`
}
