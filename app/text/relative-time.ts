// "2 min ago" for versions and documents. The server cannot know the browser's clock, and a page
// whose first render differs from the server's is a hydration error, so pages show the UTC time
// until they are live (useNow is null until then) and the relative one from then on.

import { useSyncExternalStore } from "react"

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
const twoDigits = (n: number) => String(n).padStart(2, "0")

/** "Mar 5, 2025, 14:03 UTC": by hand, as ICU data differ between server and browser. */
export function formatUtcTime(iso: string): string {
  const at = new Date(iso)
  if (Number.isNaN(at.getTime())) return iso
  return `${MONTHS[at.getUTCMonth()]} ${at.getUTCDate()}, ${at.getUTCFullYear()}, ${twoDigits(at.getUTCHours())}:${twoDigits(at.getUTCMinutes())} UTC`
}

/** "just now", "3 min ago", "5 h ago", "2 d ago", then the date. */
export function relativeTime(iso: string, now: number): string {
  const at = Date.parse(iso)
  if (Number.isNaN(at)) return iso
  const seconds = Math.max(0, Math.round((now - at) / 1000))
  if (seconds < 45) return "just now"
  const minutes = Math.max(1, Math.round(seconds / 60))
  if (minutes < 60) return `${minutes} min ago`
  const hours = Math.round(minutes / 60)
  if (hours < 24) return `${hours} h ago`
  const days = Math.round(hours / 24)
  if (days < 30) return `${days} d ago`
  return formatUtcTime(iso).replace(/, \d\d:\d\d UTC$/, "")
}

const CLOCK_TICK_MS = 30_000

// One clock for the whole page: a list of 200 times shares one timer and one tick instead of
// keeping 200 intervals. 0 until someone first subscribes.
let clockNow = 0
let clockTimer: ReturnType<typeof setInterval> | null = null
const clockListeners = new Set<() => void>()

function subscribeToClock(listener: () => void): () => void {
  clockListeners.add(listener)
  if (clockTimer === null) {
    clockNow = Date.now()
    clockTimer = setInterval(() => {
      clockNow = Date.now()
      for (const notify of clockListeners) notify()
    }, CLOCK_TICK_MS)
  }
  return () => {
    clockListeners.delete(listener)
    if (clockListeners.size === 0 && clockTimer !== null) {
      clearInterval(clockTimer)
      clockTimer = null
    }
  }
}

const clockSnapshot = () => (clockNow === 0 ? null : clockNow)
const serverSnapshot = () => null

/** The time now, refreshed every 30 s; null on the server and while the page hydrates. */
export function useNow(): number | null {
  return useSyncExternalStore(subscribeToClock, clockSnapshot, serverSnapshot)
}

/** What to show for `iso` given useNow's value. */
export const whenText = (iso: string, now: number | null) => (now === null ? formatUtcTime(iso) : relativeTime(iso, now))
