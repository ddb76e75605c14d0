// One open app data stream as an SSE response (app/sse/hub-stream.server.ts), joined to this
// process's app data hub: each change one `data:` line of AppDataChange JSON. The browser's `open`
// means "subscribed", the moment to (re)load the data it shows, so no change falls between that
// read and the stream.

import type { AppDataChange } from "#shared/apps/app-data.ts"
import { openHubStream } from "../sse/hub-stream.server.ts"
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

/** The stream, or null when the live subscription behind it cannot be made right now. */
export const openAppDataStream = (options: AppDataStreamOptions): Promise<Response | null> =>
  openHubStream<AppDataChange>({
    join: (sink) => options.hub.join(options.target, options.owner, sink),
    signal: options.signal,
    reconnectAfterMs: RECONNECT_AFTER_MS,
    heartbeatMs: options.heartbeatMs,
  })
