// What a run event session (run-event-sse-session.server.ts) is given: the run, the live store and
// hub, the run's state in the store, and where its bytes go.

import type { LiveCoordination } from "#shared/live/live.server.ts"
import type { RunEventHub } from "./run-event-hub.server.ts"

/** Bytes queued for one client (produced, not yet taken by the transport) before it is cut off. */
export const MAX_QUEUED_BYTES = 1024 * 1024
export const REPLAY_PAGE_SIZE = 500
/** Largest chunk handed to the transport at once: fewer writes, without one huge buffer. */
export const MAX_CHUNK_BYTES = 64 * 1024

export interface RunEventSessionOptions {
  readonly live: LiveCoordination
  readonly hub: RunEventHub
  readonly runId: string
  /** The Last-Event-ID header (or query parameter) as received; invalid values count as none. */
  readonly lastEventId: string | null
  /** The run's transcript so far (or final), sent with a gap so the browser can rebuild what it missed. */
  readonly loadTranscript: () => Promise<unknown[] | null>
  /** Whether the stored run is no longer running (its stream may end without run.settled). */
  readonly runEnded: () => Promise<boolean>
  /**
   * For a stream that saw its turn end but not run.settled yet: whether the run has been ended
   * long enough that run.settled is not merely on its way (default: runEnded).
   */
  readonly runEndedAwhile?: () => Promise<boolean>
  /**
   * Asked again at every heartbeat: false (the viewer was removed, lost the app, or signed out)
   * ends the stream, so access is not only checked once at connect.
   */
  readonly stillAllowed?: () => Promise<boolean>
  readonly heartbeatMs?: number
  readonly maxQueuedBytes?: number
  readonly replayPageSize?: number
  /** First and longest pause between retries of a failing read (Redis restarting). */
  readonly retryMinMs?: number
  readonly retryMaxMs?: number
}

/** Carries a session's bytes to the browser. */
export interface RunEventTransport {
  /** Hands bytes over. False: take no more until the session's resume() says it can. */
  write(bytes: Uint8Array): boolean
  /**
   * The session stopped by itself: end the response (or fail it with `failure.error`) and drop
   * any hooks. Called once; not called after the transport's own cancel().
   */
  end(failure: { readonly error: unknown } | null): void
}

/** What a `gap` event carries. `resumeAt` is null when nothing follows (the stream is gone). */
export interface RunStreamGap {
  readonly from: string | null
  readonly resumeAt: string | null
  readonly transcript: unknown[] | null
}
