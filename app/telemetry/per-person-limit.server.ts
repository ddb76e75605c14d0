// Per-person budgets for the telemetry forwarders (/api/analytics, /api/analytics/errors), on top
// of each forwarder's per-process cap (shared/telemetry/bounded-sender.ts): without them one
// signed-in person can spend a whole process's budget, and then another person's real error or
// event is dropped. Over budget, the route answers 429 with Retry-After.
//
// In memory and per web process: with several web processes a person gets the budget once per
// process they reach, which still keeps any one person to a small share of each process's cap.
// A fixed one-minute window per person, opened by their first request; the map is bounded
// (MAX_PEOPLE) and entries expire with their window, so it cannot grow with the number of people.

import type { WebServices } from "../services.server.ts"

const WINDOW_MS = 60_000
/** More people than this in one minute and the oldest window is forgotten (that person starts afresh; the process cap still holds). */
const DEFAULT_MAX_PEOPLE = 10_000

export interface PerPersonLimit {
  /** Counts one request by `personId`: null when within the budget, else the whole seconds until they may send again. */
  take(personId: string, now?: number): number | null
  /** People with an open window (tests). */
  readonly size: number
}

export function createPerPersonLimit(options: { readonly perMinute: number; readonly maxPeople?: number }): PerPersonLimit {
  const maxPeople = options.maxPeople ?? DEFAULT_MAX_PEOPLE
  // Insertion order is window-start order: a window is only ever added when it opens.
  const windows = new Map<string, { readonly start: number; count: number }>()

  const forgetExpired = (now: number) => {
    for (const [personId, window] of windows) {
      if (now - window.start < WINDOW_MS) break
      windows.delete(personId)
    }
  }

  return {
    take(personId, now = Date.now()) {
      forgetExpired(now)
      let window = windows.get(personId)
      if (window && now - window.start >= WINDOW_MS) {
        windows.delete(personId)
        window = undefined
      }
      if (!window) {
        if (windows.size >= maxPeople) {
          const oldest = windows.keys().next().value
          if (oldest !== undefined) windows.delete(oldest)
        }
        window = { start: now, count: 0 }
        windows.set(personId, window)
      }
      if (window.count >= options.perMinute) return Math.max(1, Math.ceil((window.start + WINDOW_MS - now) / 1000))
      window.count += 1
      return null
    },
    get size() {
      return windows.size
    },
  }
}

/** One limit per services object (per process, or per in-process test world), shared by every request. */
export function perServicesLimit(perMinute: number): (services: WebServices) => PerPersonLimit {
  const limits = new WeakMap<WebServices, PerPersonLimit>()
  return (services) => {
    let limit = limits.get(services)
    if (!limit) {
      limit = createPerPersonLimit({ perMinute })
      limits.set(services, limit)
    }
    return limit
  }
}

/** 429 with Retry-After (seconds) and the route's JSON problem shape. */
export const tooManyRequests = (retryAfterSeconds: number, message: string) =>
  Response.json(
    { error: { code: "rate_limited", message: `${message} Try again in ${retryAfterSeconds} s.` } },
    { status: 429, headers: { "cache-control": "no-store", "retry-after": String(retryAfterSeconds) } },
  )
