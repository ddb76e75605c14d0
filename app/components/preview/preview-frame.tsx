// The frame an app runs in. Sandboxed without allow-same-origin (and it must never get it): the
// app's origin is opaque, so it cannot read the platform's cookies, storage, DOM or APIs; all it
// can do is post messages to this page, which the bridge answers. The frame gets its address only
// once the page is live and the bridge listens, so an app's first request is never missed. What
// else it may do (scripts, clipboard, other sites) is the workspace's runtime settings, as
// shared/apps/frame-policy.ts maps them, for the builder's preview and the published app alike.

import { useEffect, useRef, useState } from "react"
import { DEFAULT_APP_RUNTIME_SETTINGS, framePolicy, SCRIPTS_OFF_EFFECT, type FramePolicy } from "#shared/apps/frame-policy.ts"
import { cn } from "../ui/cn.ts"
import { Notice } from "../ui/notice.tsx"
import type { PreviewInfo } from "./use-preview.ts"
import { usePreviewBridge, type BridgeTarget } from "./use-preview-bridge.ts"

/** The frame of a workspace that never changed its runtime settings: everything an app may have. */
export const DEFAULT_FRAME_POLICY = framePolicy(DEFAULT_APP_RUNTIME_SETTINGS)

export interface PreviewFrameProps {
  readonly info: PreviewInfo
  /** Changes on each reload: the frame is made anew. */
  readonly loadCount: number
  readonly target: BridgeTarget
  readonly title: string
  /** From the page's loader (workspaces.runtimeSettings); the defaults when absent. */
  readonly policy?: FramePolicy
  readonly className?: string
}

/**
 * The frame's own background is the page's: an app that leaves its background to the browser gets
 * the browser's opaque canvas when its colour scheme differs from the page's (a light app in the
 * dark theme), and shows through to the page's background when they agree.
 */
const FRAME = "block min-h-80 w-full flex-1 rounded-lg border bg-background"

export function PreviewFrame({ info, loadCount, target, title, policy = DEFAULT_FRAME_POLICY, className }: PreviewFrameProps) {
  const frame = useRef<HTMLIFrameElement>(null)
  const bridge = usePreviewBridge(frame, target)
  const [live, setLive] = useState(false)
  useEffect(() => setLive(true), [])

  // Another document is on its way: what the last one subscribed to and asked is forgotten.
  useEffect(() => bridge.current?.reset(), [bridge, info.url, loadCount, policy.sandbox, policy.allow])

  if (!live) return <div className={cn(FRAME, "animate-pulse bg-muted motion-reduce:animate-none", className)} aria-busy="true" data-testid="preview-frame-pending" />
  const scriptsOff = !policy.sandbox.split(" ").includes("allow-scripts")
  return (
    <>
      {scriptsOff ? (
        <Notice tone="warning" className="mb-2" data-testid="scripts-off">
          Scripts are turned off for apps in this workspace (Settings → Runtime). {SCRIPTS_OFF_EFFECT} An owner or admin can turn them on again.
        </Notice>
      ) : null}
      {/* Keyed on the policy too: a sandbox changed on a live frame applies only at its next load. */}
      <iframe
        key={`${loadCount}:${policy.sandbox}:${policy.allow}`}
        ref={frame}
        src={info.url}
        title={title}
        sandbox={policy.sandbox}
        allow={policy.allow || undefined}
        referrerPolicy="no-referrer"
        className={cn(FRAME, className)}
        data-testid="preview-frame"
        data-version-number={info.number}
      />
    </>
  )
}
