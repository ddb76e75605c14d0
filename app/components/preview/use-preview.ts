// Which version the preview frame shows, and when it loads again. The page's loader gives the
// first one (an app never built is "nothing yet", without an error in the browser's console);
// after that the frame changes only when something says so: a new version of this app
// (app.version.created, for every viewer), the Reload button, or the person picking a version.
// A loader revalidation alone (any workspace event reruns it) never reloads the app: a preview
// URL is a fresh capability each time, and the app would lose its state for nothing.

import { useCallback, useEffect, useRef, useState } from "react"
import { useWorkspaceEvents } from "../../events/use-workspace-events.ts"
import { apiProblem, trpc } from "../../trpc/client.ts"

export interface PreviewInfo {
  readonly versionId: string
  readonly number: number
  /** Same-origin, like /preview/<token>/. */
  readonly url: string
}

/** Only a path of this server under /preview/ is ever put in the frame. */
export const isPreviewUrl = (url: string) => /^\/preview\/[^/?#\\]+\/?(?:[?#].*)?$/.test(url)

export interface PreviewState {
  readonly shown: PreviewInfo | null
  /** Changes on every reload, so the frame loads again even when its URL is the same. */
  readonly loadCount: number
  readonly refreshing: boolean
  readonly problem: string | null
  /** Loads the shown version again, with a fresh URL. */
  reload(): void
}

export interface UsePreviewInput {
  readonly workspaceId: string
  readonly appId: string
  /** What the page's loader found: the pinned version, or the current one; null when there is none. */
  readonly loaded: PreviewInfo | null
  /** A version the person asked for (?version=), or null to follow the current one. */
  readonly pinned: string | null
}

export function usePreview({ workspaceId, appId, loaded, pinned }: UsePreviewInput): PreviewState {
  const [shown, setShown] = useState<PreviewInfo | null>(loaded && isPreviewUrl(loaded.url) ? loaded : null)
  const [loadCount, setLoadCount] = useState(0)
  const [refreshing, setRefreshing] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const shownRef = useRef(shown)
  shownRef.current = shown

  // The loader knows of another version (a pick, a restore, missed events): show it.
  const loadedId = loaded?.versionId ?? null
  useEffect(() => {
    if (loaded === null) return setShown(null)
    if (loaded.versionId !== shownRef.current?.versionId && isPreviewUrl(loaded.url)) setShown(loaded)
    // Keyed on the version alone: the same version under a new URL is not reloaded.
  }, [loadedId])

  const fetchPreview = useCallback(
    async (reason: "reload" | "new-version") => {
      setRefreshing(true)
      try {
        const versionId = pinned ?? (reason === "reload" ? shownRef.current?.versionId : undefined)
        const fresh = await trpc.versions.preview.query({ workspaceId, appId, ...(versionId ? { versionId } : {}) })
        if (!isPreviewUrl(fresh.url)) throw new Error("not a preview URL")
        setProblem(null)
        // A new-version hint for the version already shown (the loader got there first) changes nothing.
        if (reason === "new-version" && fresh.versionId === shownRef.current?.versionId) return
        setShown({ versionId: fresh.versionId, number: fresh.number, url: fresh.url })
        setLoadCount((count) => count + 1)
      } catch (error) {
        const { code, message } = apiProblem(error)
        setProblem(code === "NOT_FOUND" ? "This version could not be found." : message)
      } finally {
        setRefreshing(false)
      }
    },
    [workspaceId, appId, pinned],
  )

  useWorkspaceEvents(workspaceId, (event) => {
    // A pinned older version stays put; the banner offers the way back to the current one.
    if (event.type === "app.version.created" && event.appId === appId && pinned === null) void fetchPreview("new-version")
  })

  const reload = useCallback(() => void fetchPreview("reload"), [fetchPreview])
  return { shown, loadCount, refreshing, problem, reload }
}
