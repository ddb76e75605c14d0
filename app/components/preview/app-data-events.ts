// Live changes to one app's data, in the browser: one EventSource per app and scope in this tab,
// shared by everything that listens (the preview's bridge, the Data tab). EventSource reconnects
// by itself after a dropped connection; when the server refused or ended the stream it is opened
// again here after a growing pause. Each time the stream opens, listeners are told to read again,
// since changes made before it were not heard.

import { parseAppDataChange } from "#shared/app-bridge/messages.ts"
import type { AppDataChange, AppDataScope } from "#shared/apps/app-data.ts"

export interface AppDataChangeHandlers {
  onChange(change: AppDataChange): void
  /** Changes may have been missed: read again what is shown. */
  onResync?(): void
}

export const appDataEventsUrl = (workspaceId: string, appId: string, scope: AppDataScope) =>
  `/api/w/${encodeURIComponent(workspaceId)}/apps/${encodeURIComponent(appId)}/data/events?scope=${scope}`

/** Pauses before reopening a stream the server closed: 1 s, doubling, at most 30 s. */
export const reopenDelayMs = (attempt: number) => Math.min(30_000, 1_000 * 2 ** Math.max(0, attempt))

interface Feed {
  readonly handlers: Set<AppDataChangeHandlers>
  stop(): void
}

const feeds = new Map<string, Feed>()

/** Listens to an app's data changes in one scope; returns the function that stops listening. */
export function subscribeAppDataChanges(workspaceId: string, appId: string, scope: AppDataScope, handlers: AppDataChangeHandlers): () => void {
  const url = appDataEventsUrl(workspaceId, appId, scope)
  let feed = feeds.get(url)
  if (!feed) {
    feed = startFeed(url, appId, scope)
    feeds.set(url, feed)
  }
  const joined = feed
  joined.handlers.add(handlers)
  return () => {
    joined.handlers.delete(handlers)
    if (joined.handlers.size === 0 && feeds.get(url) === joined) {
      feeds.delete(url)
      joined.stop()
    }
  }
}

function startFeed(url: string, appId: string, scope: AppDataScope): Feed {
  const handlers = new Set<AppDataChangeHandlers>()
  let source: EventSource | null = null
  let reopen: ReturnType<typeof setTimeout> | undefined
  let failures = 0
  let stopped = false

  const resync = () => {
    for (const handler of [...handlers]) handler.onResync?.()
  }

  const open = () => {
    if (stopped) return
    const stream = new EventSource(url)
    source = stream
    stream.onopen = () => {
      failures = 0
      // Changes made before the stream opened (or while it was down) were not heard: listeners
      // read again, whether this is the first opening (their first read may predate it) or not.
      resync()
    }
    stream.onmessage = (message: MessageEvent<string>) => {
      let value: unknown
      try {
        value = JSON.parse(message.data)
      } catch {
        return
      }
      const change = parseAppDataChange(value)
      // Only this app's and scope's changes, whatever a stream might carry.
      if (!change || change.appId !== appId || change.scope !== scope) return
      for (const handler of [...handlers]) handler.onChange(change)
    }
    stream.addEventListener("resync", resync)
    stream.onerror = () => {
      // CONNECTING: EventSource is retrying by itself. CLOSED: the server refused or ended it.
      if (stream.readyState !== EventSource.CLOSED) return
      stream.close()
      if (source === stream) source = null
      reopen = setTimeout(open, reopenDelayMs(failures))
      failures += 1
    }
  }

  open()
  return {
    handlers,
    stop() {
      stopped = true
      clearTimeout(reopen)
      source?.close()
      source = null
    },
  }
}
