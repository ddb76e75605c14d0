// React's way in to the app bridge: listens to `message` events for the frame this component
// hosts, calls tRPC as the signed-in viewer for the page's app (draft data: a preview of any
// version works on the draft), and follows the app's live data changes while the app in the frame
// has subscribed to any collection. Agent runs and appTools go through tRPC the same way, always
// for the page's app (a message never names one).

import { useEffect, useRef, type RefObject } from "react"
import type { AppDataScope } from "#shared/apps/app-data.ts"
import { apiProblem, trpc } from "../../trpc/client.ts"
import { subscribeAppDataChanges } from "./app-data-events.ts"
import { createPreviewBridge, type AppAgentsBackend, type AppDataBackend, type FrameWindow, type PreviewBridge } from "./preview-bridge.ts"

export interface BridgeTarget {
  readonly workspaceId: string
  readonly appId: string
  readonly scope: AppDataScope
}

/** How long the live stream stays open after the app stopped listening (it reloads, say, and subscribes again). */
const KEEP_STREAM_MS = 5_000

export function trpcAppDataBackend({ workspaceId, appId, scope }: BridgeTarget): AppDataBackend {
  const at = { workspaceId, appId, scope }
  return {
    appId,
    scope,
    list: (collection, cursor, limit) => trpc.appData.list.query({ ...at, collection, cursor, ...(limit === null ? {} : { limit }) }),
    get: (collection, id) => trpc.appData.get.query({ ...at, collection, id }),
    insert: (collection, data) => trpc.appData.insert.mutate({ ...at, collection, data }),
    update: (collection, id, data) => trpc.appData.update.mutate({ ...at, collection, id, data }),
    remove: (collection, id) => trpc.appData.remove.mutate({ ...at, collection, id }),
    problem: bridgeProblem,
  }
}

export function trpcAgentsBackend({ workspaceId, appId, scope }: BridgeTarget): AppAgentsBackend {
  return {
    trigger: async (agentId, prompt) => ({ runId: (await trpc.agentRuns.trigger.mutate({ workspaceId, appId, agentId, prompt, scope })).runId }),
    async status(runId) {
      const run = await trpc.agentRuns.get.query({ workspaceId, runId })
      // Runs of other apps the viewer can see are not this app's to ask about.
      if (run.appId !== appId) throw Object.assign(new Error("There is no such agent run in this app."), { code: "NOT_FOUND" })
      return { status: run.status, error: run.status === "failed" ? (run.error?.message ?? "The agent run failed.") : null }
    },
    // The published app's tools run under its release's approval, the preview's under the draft's.
    callTool: (toolName, input) => trpc.appTools.execute.mutate({ workspaceId, appId, toolName, input, scope }),
  }
}

/** A NOT_FOUND thrown here (not by tRPC) keeps its code; the rest is what tRPC said. */
const bridgeProblem = (error: unknown) =>
  error instanceof Error && (error as { code?: unknown }).code === "NOT_FOUND" ? { code: "NOT_FOUND", message: error.message } : apiProblem(error)

/** Hosts the bridge for `frame` while mounted; returns it, so the page can reset it when it loads another version. */
export function usePreviewBridge(frame: RefObject<HTMLIFrameElement>, target: BridgeTarget): RefObject<PreviewBridge | null> {
  const bridge = useRef<PreviewBridge | null>(null)
  const { workspaceId, appId, scope } = target

  useEffect(() => {
    let unsubscribe: (() => void) | null = null
    let closing: ReturnType<typeof setTimeout> | undefined
    const created = createPreviewBridge({
      // NOTE: the iframe's contentWindow is the same object across its navigations, so this is
      // "whatever document this frame holds", never another frame or window.
      frame: () => (frame.current?.contentWindow as FrameWindow | null | undefined) ?? null,
      backend: trpcAppDataBackend({ workspaceId, appId, scope }),
      agents: trpcAgentsBackend({ workspaceId, appId, scope }),
      onWantsChanges: (wants) => {
        clearTimeout(closing)
        if (wants && unsubscribe === null) {
          unsubscribe = subscribeAppDataChanges(workspaceId, appId, scope, {
            onChange: (change) => created.pushChange(change),
            onResync: () => created.resync(),
          })
        } else if (!wants && unsubscribe !== null) {
          closing = setTimeout(() => {
            unsubscribe?.()
            unsubscribe = null
          }, KEEP_STREAM_MS)
        }
      },
    })
    bridge.current = created
    const onMessage = (event: MessageEvent) => created.receive(event.source, event.data)
    window.addEventListener("message", onMessage)
    return () => {
      window.removeEventListener("message", onMessage)
      created.dispose()
      clearTimeout(closing)
      unsubscribe?.()
      bridge.current = null
    }
  }, [frame, workspaceId, appId, scope])

  return bridge
}
