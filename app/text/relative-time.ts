// "2 min ago" for versions and documents. The server cannot know the browser's clock, and a page
// whose first render differs from the server's is a hydration error, so pages show the UTC time
// until they are live (useNow is null until then) and the relative one from then on.

import { useEffect, useState } from "react"

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

/** The time now, refreshed every `everyMs`; null on the server and in the first render. */
export function useNow(everyMs = 30_000): number | null {
  const [now, setNow] = useState<number | null>(null)
  useEffect(() => {
    setNow(Date.now())
    const timer = setInterval(() => setNow(Date.now()), everyMs)
    return () => clearInterval(timer)
  }, [everyMs])
  return now
}

/** What to show for `iso` given useNow's value. */
export const whenText = (iso: string, now: number | null) => (now === null ? formatUtcTime(iso) : relativeTime(iso, now))
