// How wide the chat column is on a wide screen, as a percentage of the workspace: dragged or set
// with the keyboard on the separator, remembered in this browser. Applied as a CSS variable through
// the CSSOM (element.style.setProperty), which the Content-Security-Policy allows where a style
// attribute in the page's HTML would be refused.

import { useCallback, useEffect, useState, type RefObject } from "react"

export const CHAT_WIDTH = { min: 25, max: 70, initial: 42, step: 5 } as const
export const CHAT_WIDTH_STORAGE_KEY = "second.app-workspace.chat-width"

export const clampChatWidth = (percent: number) => Math.round(Math.min(CHAT_WIDTH.max, Math.max(CHAT_WIDTH.min, percent)))

/** A remembered width, if it is one (storage is the person's, but anything may be in it). */
export function parseStoredWidth(stored: string | null): number | null {
  if (stored === null) return null
  const value = Number(stored)
  return Number.isFinite(value) ? clampChatWidth(value) : null
}

function readStoredWidth(): number | null {
  try {
    return parseStoredWidth(window.localStorage.getItem(CHAT_WIDTH_STORAGE_KEY))
  } catch {
    // Storage can be refused (privacy settings): the width is then not remembered.
    return null
  }
}

function storeWidth(percent: number): void {
  try {
    window.localStorage.setItem(CHAT_WIDTH_STORAGE_KEY, String(percent))
  } catch {
    // Not remembered; the width still applies to this page.
  }
}

export interface ChatWidth {
  readonly percent: number
  /** Sets the width now; `remember` stores it (at the end of a drag, on each key press). */
  set(percent: number, remember: boolean): void
}

export function useChatWidth(container: RefObject<HTMLElement>): ChatWidth {
  // The server renders the default; the remembered width applies once the page is live.
  const [percent, setPercent] = useState<number>(CHAT_WIDTH.initial)

  useEffect(() => {
    const stored = readStoredWidth()
    if (stored !== null) setPercent(stored)
  }, [])

  useEffect(() => {
    container.current?.style.setProperty("--chat-width", `${percent}%`)
  }, [container, percent])

  const set = useCallback((next: number, remember: boolean) => {
    const clamped = clampChatWidth(next)
    setPercent(clamped)
    if (remember) storeWidth(clamped)
  }, [])

  return { percent, set }
}
