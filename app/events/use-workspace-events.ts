// React's way in to workspace events: subscribes while the component is mounted, with the latest
// callbacks (so passing inline functions does not reconnect anything on every render).

import { useRevalidator } from "@remix-run/react"
import { useEffect, useRef } from "react"
import { subscribeWorkspaceEvents, type WorkspaceEvent } from "./workspace-events.client.ts"

export type { WorkspaceEvent }

export interface WorkspaceEventOptions {
  /** Called when events may have been missed (reconnect, another tab took over the stream). */
  readonly onResync?: () => void
}

export function useWorkspaceEvents(workspaceId: string, onEvent: (event: WorkspaceEvent) => void, options: WorkspaceEventOptions = {}): void {
  const latest = useRef({ onEvent, onResync: options.onResync })
  latest.current = { onEvent, onResync: options.onResync }

  useEffect(
    // Effects run only in the browser; on the server the .client module is empty and this never runs.
    () =>
      subscribeWorkspaceEvents(workspaceId, {
        onEvent: (event) => latest.current.onEvent(event),
        onResync: () => latest.current.onResync?.(),
      }),
    [workspaceId],
  )
}

/** How long events are gathered before the page's loaders run again: a burst costs one refetch. */
export const REVALIDATE_AFTER_MS = 250

/**
 * Re-runs the current page's loaders when anything in the workspace changes, at most once per
 * REVALIDATE_AFTER_MS. Events are gathered from the first one on (not reset by each new one), so
 * a steady stream of events still refreshes the page every REVALIDATE_AFTER_MS.
 */
export function useRevalidateOnWorkspaceEvents(workspaceId: string): void {
  const revalidator = useRevalidator()
  const revalidate = useRef(revalidator.revalidate)
  revalidate.current = revalidator.revalidate
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)

  useEffect(() => () => clearTimeout(pending.current), [])

  const schedule = () => {
    if (pending.current !== undefined) return
    pending.current = setTimeout(() => {
      pending.current = undefined
      revalidate.current()
    }, REVALIDATE_AFTER_MS)
  }
  useWorkspaceEvents(workspaceId, schedule, { onResync: schedule })
}
