// One member's workspace event stream as an SSE response (app/sse/hub-stream.server.ts), joined
// to this process's workspace event hub.

import { openHubStream } from "../sse/hub-stream.server.ts"
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

/** The stream, or null when the live subscription behind it cannot be made right now. */
export const openWorkspaceEventStream = (options: WorkspaceEventStreamOptions): Promise<Response | null> =>
  openHubStream({
    join: (sink) => options.hub.join(options.workspaceId, options.owner, sink),
    signal: options.signal,
    reconnectAfterMs: RECONNECT_AFTER_MS,
    heartbeatMs: options.heartbeatMs,
  })
