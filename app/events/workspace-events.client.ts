// The browser side of workspace events: ONE EventSource per browser profile and workspace,
// however many tabs are open on it. Browsers allow only a few connections per host over
// HTTP/1.1, and every tab holding its own stream would use them up (and cost the server one
// connection per tab). So tabs elect a leader with the Web Locks API: the tab holding the lock
// "second-workspace-events:<id>" opens the EventSource and rebroadcasts every event on a
// BroadcastChannel of the same name; the others listen there. A leader's lock is released when
// its tab closes, and the next tab waiting for it takes over and opens the stream. Without those
// APIs each tab opens its own stream.

import type { WorkspaceEvent } from "./workspace-events.server.ts"

export type { WorkspaceEvent }

export interface WorkspaceEventHandlers {
  onEvent(event: WorkspaceEvent): void
  /** Events may have been missed (the stream dropped, or another tab took over): refetch what is shown. */
  onResync?(): void
}

export const workspaceEventsUrl = (workspaceId: string) => `/api/w/${encodeURIComponent(workspaceId)}/events`
export const workspaceEventsLockName = (workspaceId: string) => `second-workspace-events:${workspaceId}`

/** What the leader rebroadcasts to the other tabs. */
type Broadcast = { readonly kind: "event"; readonly event: WorkspaceEvent } | { readonly kind: "resync" }

interface Feed {
  readonly handlers: Set<WorkspaceEventHandlers>
  stop(): void
}

// One feed per workspace in this tab, shared by every subscriber in it.
const feeds = new Map<string, Feed>()

/** Listens to a workspace's events; returns the function that stops listening. */
export function subscribeWorkspaceEvents(workspaceId: string, handlers: WorkspaceEventHandlers): () => void {
  let feed = feeds.get(workspaceId)
  if (!feed) {
    feed = startFeed(workspaceId)
    feeds.set(workspaceId, feed)
  }
  const joined = feed
  joined.handlers.add(handlers)
  return () => {
    joined.handlers.delete(handlers)
    if (joined.handlers.size === 0 && feeds.get(workspaceId) === joined) {
      feeds.delete(workspaceId)
      joined.stop()
    }
  }
}

const canShareBetweenTabs = () =>
  typeof BroadcastChannel === "function" && typeof navigator !== "undefined" && typeof navigator.locks?.request === "function"

function startFeed(workspaceId: string): Feed {
  const handlers = new Set<WorkspaceEventHandlers>()
  const dispatch = (message: Broadcast) => {
    for (const handler of [...handlers]) {
      if (message.kind === "event") handler.onEvent(message.event)
      else handler.onResync?.()
    }
  }
  if (!canShareBetweenTabs()) {
    const stream = openStream(workspaceEventsUrl(workspaceId), {
      onEvent: (event) => dispatch({ kind: "event", event }),
      onOpen: (first) => (first ? undefined : dispatch({ kind: "resync" })),
    })
    return { handlers, stop: () => stream.close() }
  }
  return { handlers, stop: shareBetweenTabs(workspaceId, dispatch) }
}

/** Leads or follows; returns the function that stops (releasing leadership to another tab). */
function shareBetweenTabs(workspaceId: string, dispatch: (message: Broadcast) => void): () => void {
  const name = workspaceEventsLockName(workspaceId)
  const channel = new BroadcastChannel(name)
  const stopped = new AbortController()
  channel.onmessage = (message: MessageEvent<unknown>) => {
    if (isBroadcast(message.data)) dispatch(message.data)
  }

  // Held (the promise pending) until this feed stops; the browser also releases it when the tab goes.
  const lead = (tookOver: boolean) =>
    new Promise<void>((release) => {
      if (stopped.signal.aborted) return release()
      const share = (message: Broadcast) => {
        dispatch(message)
        channel.postMessage(message)
      }
      const stream = openStream(workspaceEventsUrl(workspaceId), {
        onEvent: (event) => share({ kind: "event", event }),
        // A takeover or a reconnect leaves a gap in which events went to nobody.
        onOpen: (first) => (first && !tookOver ? undefined : share({ kind: "resync" })),
      })
      stopped.signal.addEventListener("abort", () => {
        stream.close()
        release()
      })
    })

  const ignoreAbort = (error: unknown) => {
    if (!stopped.signal.aborted) console.error("workspace events: could not take the lock", error)
  }
  navigator.locks
    .request(name, { ifAvailable: true }, async (lock) => {
      if (lock) return lead(false)
      // Another tab leads: queue for the lock, granted when that tab closes or stops.
      navigator.locks.request(name, { signal: stopped.signal }, () => lead(true)).catch(ignoreAbort)
    })
    .catch(ignoreAbort)

  return () => {
    stopped.abort()
    channel.close()
  }
}

function isBroadcast(data: unknown): data is Broadcast {
  if (typeof data !== "object" || data === null) return false
  const message = data as { kind?: unknown; event?: unknown }
  return message.kind === "resync" || (message.kind === "event" && parseEvent(message.event) !== null)
}

function parseEvent(value: unknown): WorkspaceEvent | null {
  if (typeof value !== "object" || value === null) return null
  const event = value as Record<string, unknown>
  return typeof event["type"] === "string" && typeof event["at"] === "string" ? (event as WorkspaceEvent) : null
}

interface StreamCallbacks {
  onEvent(event: WorkspaceEvent): void
  /** `first`: the first time this stream opened (later ones are reconnects). */
  onOpen(first: boolean): void
}

const MAX_RETRY_MS = 60_000

/**
 * An EventSource that keeps trying. The browser reconnects by itself after a dropped connection,
 * but gives up for good on an HTTP error (a 503 while the server restarts, a 404 once removed from
 * the workspace): then this retries with backoff and jitter, so a restart does not leave the
 * page stale and many pages do not come back at the same instant.
 */
function openStream(url: string, callbacks: StreamCallbacks): { close(): void } {
  let source: EventSource | null = null
  let retry: ReturnType<typeof setTimeout> | undefined
  let opened = 0
  let failures = 0
  let closed = false

  const connect = () => {
    if (closed) return
    const current = new EventSource(url)
    source = current
    current.onopen = () => {
      failures = 0
      callbacks.onOpen(opened === 0)
      opened += 1
    }
    current.onmessage = (message: MessageEvent<string>) => {
      let data: unknown
      try {
        data = JSON.parse(message.data)
      } catch {
        return
      }
      const event = parseEvent(data)
      if (event) callbacks.onEvent(event)
    }
    current.onerror = () => {
      if (current.readyState !== EventSource.CLOSED) return
      current.close()
      failures += 1
      const delay = Math.min(MAX_RETRY_MS, 1_000 * 2 ** failures)
      retry = setTimeout(connect, delay / 2 + Math.random() * (delay / 2))
    }
  }

  connect()
  return {
    close() {
      closed = true
      clearTimeout(retry)
      source?.close()
    },
  }
}
