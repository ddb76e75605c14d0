// The frame an app runs in. Sandboxed without allow-same-origin (and it must never get it): the
// app's origin is opaque, so it cannot read the platform's cookies, storage, DOM or APIs; all it
// can do is post messages to this page, which the bridge answers. The frame gets its address only
// once the page is live and the bridge listens, so an app's first request is never missed.

import { useEffect, useRef, useState } from "react"
import { cn } from "../ui/cn.ts"
import type { PreviewInfo } from "./use-preview.ts"
import { usePreviewBridge, type BridgeTarget } from "./use-preview-bridge.ts"

/** Scripts, forms, pop-ups (links to other sites) and alert/confirm: an app needs no more. */
export const PREVIEW_SANDBOX = "allow-scripts allow-forms allow-popups allow-modals"

export interface PreviewFrameProps {
  readonly info: PreviewInfo
  /** Changes on each reload: the frame is made anew. */
  readonly loadCount: number
  readonly target: BridgeTarget
  readonly title: string
  readonly className?: string
}

/**
 * The frame's own background is the page's: an app that leaves its background to the browser gets
 * the browser's opaque canvas when its colour scheme differs from the page's (a light app in the
 * dark theme), and shows through to the page's background when they agree.
 */
const FRAME = "block min-h-80 w-full flex-1 rounded-lg border bg-background"

export function PreviewFrame({ info, loadCount, target, title, className }: PreviewFrameProps) {
  const frame = useRef<HTMLIFrameElement>(null)
  const bridge = usePreviewBridge(frame, target)
  const [live, setLive] = useState(false)
  useEffect(() => setLive(true), [])

  // Another document is on its way: what the last one subscribed to and asked is forgotten.
  useEffect(() => bridge.current?.reset(), [bridge, info.url, loadCount])

  if (!live) return <div className={cn(FRAME, "animate-pulse bg-muted motion-reduce:animate-none", className)} aria-busy="true" data-testid="preview-frame-pending" />
  return (
    <iframe
      key={loadCount}
      ref={frame}
      src={info.url}
      title={title}
      sandbox={PREVIEW_SANDBOX}
      referrerPolicy="no-referrer"
      className={cn(FRAME, className)}
      data-testid="preview-frame"
      data-version-number={info.number}
    />
  )
}
