// The app page fills the window below whatever the workspace draws above it, so the chat and the
// panels scroll inside themselves and the page never does. How far down the page starts is
// measured once it is live and set as --page-top through the CSSOM (a style attribute in the
// server's HTML would be refused by the Content-Security-Policy); the server's render assumes 0.

import { useEffect, type RefObject } from "react"

/** The class that uses the measurement: the window's height less what is above the element. */
export const FILL_VIEWPORT = "h-[calc(100dvh-var(--page-top,0px))]"

export function useFillViewport(element: RefObject<HTMLElement>): void {
  useEffect(() => {
    const target = element.current
    if (!target) return
    const measure = () => {
      const top = Math.max(0, Math.round(target.getBoundingClientRect().top + window.scrollY))
      target.style.setProperty("--page-top", `${top}px`)
    }
    measure()
    // What is above can change height (a bar that wraps, a banner): watch it, not only the window.
    const observer = new ResizeObserver(measure)
    for (let node: Element | null = target; node && node !== document.body; node = node.parentElement) {
      for (let sibling = node.previousElementSibling; sibling; sibling = sibling.previousElementSibling) observer.observe(sibling)
    }
    window.addEventListener("resize", measure)
    return () => {
      observer.disconnect()
      window.removeEventListener("resize", measure)
    }
  }, [element])
}
