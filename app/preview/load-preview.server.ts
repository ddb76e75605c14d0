// What a page needs to show an app's preview: the version asked for (?version=) or else the
// current one, with its preview URL; null when the app has no build yet. Read in the loader so an
// app never built shows "nothing yet" rather than a failed request in the browser.

import { TRPCError } from "@trpc/server"
import type { FramePolicy } from "#shared/apps/frame-policy.ts"
import { ID_PATTERN } from "#shared/ids.ts"
import type { callerFor } from "../trpc/caller.server.ts"

type Caller = Awaited<ReturnType<typeof callerFor>>

export interface LoadedPreview {
  readonly preview: { readonly versionId: string; readonly number: number; readonly url: string } | null
  /** A version was asked for and does not exist; `preview` is the current one. */
  readonly pinnedMissing: boolean
  /** The workspace's runtime settings as the frame's sandbox and allow (Settings → Runtime). */
  readonly frame: FramePolicy
}

const orNullWhenMissing = <T,>(call: Promise<T>): Promise<T | null> =>
  call.catch((error: unknown) => {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") return null
    throw error
  })

export async function loadPreview(caller: Caller, workspaceId: string, appId: string, asked: string | null): Promise<LoadedPreview> {
  const [shown, { frame }] = await Promise.all([previewAsked(caller, workspaceId, appId, asked), caller.workspaces.runtimeSettings({ workspaceId })])
  return { ...shown, frame }
}

async function previewAsked(caller: Caller, workspaceId: string, appId: string, asked: string | null): Promise<Omit<LoadedPreview, "frame">> {
  if (asked !== null && ID_PATTERN.test(asked)) {
    const pinned = await orNullWhenMissing(caller.versions.preview({ workspaceId, appId, versionId: asked }))
    if (pinned) return { preview: { versionId: pinned.versionId, number: pinned.number, url: pinned.url }, pinnedMissing: false }
  }
  const current = await orNullWhenMissing(caller.versions.preview({ workspaceId, appId }))
  return { preview: current && { versionId: current.versionId, number: current.number, url: current.url }, pinnedMissing: asked !== null }
}
