// How long until a deadline, as people say it ("in 6 days", "in 3 h"): invitation links expire.
// The counterpart of relative-time.ts, which only looks back.

/** "in 6 days", "in 5 h", "in 12 min", "in under a minute"; null once the deadline has passed. Hours and minutes never round up. */
export function timeLeft(iso: string, now: number): string | null {
  const at = Date.parse(iso)
  if (Number.isNaN(at) || at <= now) return null
  const minutes = Math.floor((at - now) / 60_000)
  if (minutes < 1) return "in under a minute"
  if (minutes < 60) return `in ${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `in ${hours} h`
  // Rounded: a link made a moment ago still has "7 days", not "6 days".
  return `in ${Math.round(hours / 24)} days`
}
