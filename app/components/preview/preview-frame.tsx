// The frame an app runs in. Sandboxed without allow-same-origin (and it must never get it): the
// app's origin is opaque, so it cannot read the platform's cookies, storage, DOM or APIs; all it
// can do is post messages to this page, which the bridge answers. The frame gets its address only
// once the page is live and the bridge listens, so an app's first request is never missed.

import { useEffect, useRef, useState } from "react"
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
}

export function PreviewFrame({ info, loadCount, target, title }: PreviewFrameProps) {
  const frame = useRef<HTMLIFrameElement>(null)
  const bridge = usePreviewBridge(frame, target)
  const [live, setLive] = useState(false)
  useEffect(() => setLive(true), [])

  // Another document is on its way: what the last one subscribed to and asked is forgotten.
  useEffect(() => bridge.current?.reset(), [bridge, info.url, loadCount])

  if (!live) return <div className="preview-frame preview-frame-pending" aria-busy="true" />
  return (
    <iframe
      key={loadCount}
      ref={frame}
      src={info.url}
      title={title}
      sandbox={PREVIEW_SANDBOX}
      referrerPolicy="no-referrer"
      className="preview-frame"
      data-testid="preview-frame"
      data-version-number={info.number}
    />
  )
}
