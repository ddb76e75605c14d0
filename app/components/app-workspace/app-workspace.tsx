// The app page's body: the chat on the left, the panels on the right (tabs, then the panel), and
// between them a separator that resizes the two, by pointer or by keyboard (arrow keys, Home,
// End on the focused separator). Below `md` one column: the tabs, then the chat or the open
// panel. Which one is open is `pane`, from the URL. Each column scrolls inside itself: the page
// around it has a bounded height (use-fill-viewport.ts), and every flex child here is `min-h-0`.

import { useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from "react"
import { cn } from "../ui/cn.ts"
import type { AppPane } from "./panel-tabs.tsx"
import { CHAT_WIDTH, useChatWidth } from "./use-chat-width.ts"

export interface AppWorkspaceProps {
  readonly pane: AppPane
  readonly chat: ReactNode
  readonly tabs: ReactNode
  /** The panel area: the Preview (kept mounted, so the app keeps running) and the routed panel. */
  readonly children: ReactNode
}

const KEY_WIDTHS: Readonly<Record<string, (percent: number) => number>> = {
  ArrowLeft: (percent) => percent - CHAT_WIDTH.step,
  ArrowRight: (percent) => percent + CHAT_WIDTH.step,
  Home: () => CHAT_WIDTH.min,
  End: () => CHAT_WIDTH.max,
}

export function AppWorkspace({ pane, chat, tabs, children }: AppWorkspaceProps) {
  const container = useRef<HTMLDivElement>(null)
  const width = useChatWidth(container)
  const [dragging, setDragging] = useState(false)
  const onChat = pane === "chat"

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
    const next = KEY_WIDTHS[event.key]
    if (!next) return
    event.preventDefault()
    width.set(next(width.percent), true)
  }

  return (
    <div
      ref={container}
      className={cn(
        "flex min-h-0 min-w-0 flex-1 flex-col md:flex-row",
        // The frame would swallow the pointer while dragging over it.
        dragging && "cursor-col-resize select-none [&_iframe]:pointer-events-none",
      )}
      data-pane={pane}
      data-testid="app-workspace"
    >
      <section
        aria-label="Chat"
        className={cn("relative min-h-0 min-w-0 flex-1 scroll-pb-40 flex-col overflow-y-auto px-3 pt-3 sm:px-4 md:flex md:flex-none md:basis-[var(--chat-width,42%)]", onChat ? "flex" : "hidden")}
      >
        {chat}
      </section>
      <div
        className="group relative hidden w-3 shrink-0 cursor-col-resize touch-none -outline-offset-2 md:block"
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
      >
        <span aria-hidden className={cn("absolute inset-y-0 left-1/2 w-px -translate-x-1/2 bg-border group-hover:w-0.5 group-hover:bg-ring", dragging && "w-0.5 bg-ring")} />
      </div>
      {/* On a phone the tabs come first, above the chat too; the panel under them only off the chat. */}
      <div className={cn("order-first flex min-h-0 min-w-0 flex-col md:order-none md:flex-1 md:border-l-0", onChat ? "flex-none" : "flex-1")}>
        {tabs}
        <div className={cn("@container relative min-h-0 min-w-0 flex-1 flex-col overflow-y-auto p-3 sm:p-4 md:flex", onChat ? "hidden" : "flex")}>{children}</div>
      </div>
    </div>
  )
}
