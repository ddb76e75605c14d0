// Keeps the newest output in view while the person reads along at the bottom of the chat, and
// leaves the scroll alone from the moment they scroll up (they are reading something earlier);
// "Jump to latest" and a new message of theirs bring it back. Works whether the chat scrolls in
// its own box or with the page: it follows the nearest scrolling ancestor, else the window.

import { useCallback, useEffect, useRef, useState, type RefObject } from "react"

/** How far from the very bottom still counts as "at the bottom" (a wheel notch is ~100 px). */
export const FOLLOW_SLACK_PX = 48

export interface ScrollMetrics {
  readonly scrollTop: number
  readonly clientHeight: number
  readonly scrollHeight: number
}

export const isNearBottom = ({ scrollTop, clientHeight, scrollHeight }: ScrollMetrics) => scrollHeight - scrollTop - clientHeight <= FOLLOW_SLACK_PX

/**
 * Whether the chat follows after a scroll: reaching the bottom resumes following, scrolling up
 * stops it, and anything else (a smooth jump still on its way down) leaves it as it was.
 */
export function followsAfterScroll(following: boolean, previousTop: number, metrics: ScrollMetrics): boolean {
  if (isNearBottom(metrics)) return true
  return metrics.scrollTop < previousTop ? false : following
}

interface Scroller {
  readonly metrics: () => ScrollMetrics
  readonly toBottom: (smooth: boolean) => void
  readonly target: EventTarget
}

function scrollerOf(element: HTMLElement): Scroller {
  for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
    if (/(auto|scroll|overlay)/.test(getComputedStyle(parent).overflowY)) {
      const box = parent
      return { metrics: () => box, toBottom: (smooth) => box.scrollTo({ top: box.scrollHeight, behavior: smooth ? "smooth" : "auto" }), target: box }
    }
  }
  const page = document.documentElement
  return {
    metrics: () => ({ scrollTop: window.scrollY, clientHeight: window.innerHeight, scrollHeight: page.scrollHeight }),
    toBottom: (smooth) => window.scrollTo({ top: page.scrollHeight, behavior: smooth ? "smooth" : "auto" }),
    target: window,
  }
}

const prefersReducedMotion = () => window.matchMedia("(prefers-reduced-motion: reduce)").matches
/** A chat hidden by the layout (a phone showing another panel) must not move the page. */
const isShown = (element: HTMLElement) => element.getClientRects().length > 0

/**
 * Follows `content` (the conversation) as it grows. `latestTurn` changes when a new message is
 * sent: the chat then goes to the bottom whatever the person was reading.
 */
export function useFollowOutput(content: RefObject<HTMLElement>, latestTurn: string | null): { following: boolean; jumpToLatest: () => void } {
  const [following, setFollowing] = useState(true)
  const followingRef = useRef(true)
  const scroller = useRef<Scroller | null>(null)

  const follow = useCallback((next: boolean) => {
    followingRef.current = next
    setFollowing(next)
  }, [])

  useEffect(() => {
    const element = content.current
    if (!element) return
    const current = scrollerOf(element)
    scroller.current = current
    let previousTop = current.metrics().scrollTop
    const onScroll = () => {
      const metrics = current.metrics()
      follow(followsAfterScroll(followingRef.current, previousTop, metrics))
      previousTop = metrics.scrollTop
    }
    current.target.addEventListener("scroll", onScroll, { passive: true })
    const observer = new ResizeObserver(() => {
      if (followingRef.current && isShown(element)) current.toBottom(false)
    })
    observer.observe(element)
    // Arriving, the person sees the latest message, as in any chat.
    if (isShown(element)) current.toBottom(false)
    return () => {
      current.target.removeEventListener("scroll", onScroll)
      observer.disconnect()
      scroller.current = null
    }
  }, [content, follow])

  const firstTurn = useRef(latestTurn)
  useEffect(() => {
    if (latestTurn === firstTurn.current) return
    firstTurn.current = latestTurn
    follow(true)
    const element = content.current
    if (element && isShown(element)) scroller.current?.toBottom(!prefersReducedMotion())
  }, [latestTurn, content, follow])

  const jumpToLatest = useCallback(() => {
    follow(true)
    scroller.current?.toBottom(!prefersReducedMotion())
  }, [follow])

  return { following, jumpToLatest }
}
