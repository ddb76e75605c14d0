// The app page's body: the chat on the left, the panels on the right (tabs, then the panel), and
// between them a separator that resizes the two, by pointer or by keyboard (arrow keys, Home,
// End on the focused separator). On a phone (≤ 768 px, CSS) one column: the tabs, then the chat
// or the open panel. Which one is open is `pane`, from the URL.

import { useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from "react"
import type { AppPane } from "./panel-tabs.tsx"
import { CHAT_WIDTH, useChatWidth } from "./use-chat-width.ts"

export interface AppWorkspaceProps {
  readonly pane: AppPane
  readonly chat: ReactNode
  readonly tabs: ReactNode
  /** The panel area: the Preview (kept mounted, so the app keeps running) and the routed panel. */
  readonly children: ReactNode
}

export function AppWorkspace({ pane, chat, tabs, children }: AppWorkspaceProps) {
  const container = useRef<HTMLDivElement>(null)
  const width = useChatWidth(container)
  const [dragging, setDragging] = useState(false)

  const widthAt = (clientX: number) => {
    const box = container.current?.getBoundingClientRect()
    return box && box.width > 0 ? ((clientX - box.left) / box.width) * 100 : width.percent
  }

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return
    event.preventDefault()
    // Captured, the pointer keeps reporting to the separator even over the preview's frame.
    event.currentTarget.setPointerCapture(event.pointerId)
    setDragging(true)
  }
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (dragging) width.set(widthAt(event.clientX), false)
  }
  const onPointerEnd = (event: PointerEvent<HTMLDivElement>) => {
    if (!dragging) return
    setDragging(false)
    if (event.currentTarget.hasPointerCapture(event.pointerId)) event.currentTarget.releasePointerCapture(event.pointerId)
    width.set(widthAt(event.clientX), true)
  }
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const next =
      event.key === "ArrowLeft"
        ? width.percent - CHAT_WIDTH.step
        : event.key === "ArrowRight"
          ? width.percent + CHAT_WIDTH.step
          : event.key === "Home"
            ? CHAT_WIDTH.min
            : event.key === "End"
              ? CHAT_WIDTH.max
              : null
    if (next === null) return
    event.preventDefault()
    width.set(next, true)
  }

  return (
    <div ref={container} className={`app-workspace${dragging ? " resizing" : ""}`} data-pane={pane} data-testid="app-workspace">
      <section className="workspace-chat" aria-label="Chat">
        {chat}
      </section>
      <div
        className="workspace-handle"
        role="separator"
        aria-orientation="vertical"
        aria-label="Resize the chat and the panel"
        aria-valuemin={CHAT_WIDTH.min}
        aria-valuemax={CHAT_WIDTH.max}
        aria-valuenow={width.percent}
        aria-valuetext={`Chat ${width.percent}% of the width`}
        tabIndex={0}
        data-testid="workspace-separator"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerEnd}
        onPointerCancel={onPointerEnd}
        onKeyDown={onKeyDown}
      />
      <div className="workspace-side">
        {tabs}
        <div className="workspace-body">{children}</div>
      </div>
    </div>
  )
}
