// How many appTools calls one person may have in flight for one app. An app's code calls its
// appTools from the browser as the signed-in viewer, as fast as a loop runs; each live call holds
// an outbound connection for up to 30 s. Bounding the calls in flight per (person, app) keeps one
// tab from holding the process's sockets or hammering a provider, without slowing a normal page
// (which waits for its answers). Counts are per process: each web instance guards itself.

export const APP_TOOL_CALLS_IN_FLIGHT = 8

export interface CallSlots {
  /** Takes a slot for `key`; returns its release (call it exactly once), or null when all are taken. */
  take(key: string): (() => void) | null
}

export function createCallSlots(max: number): CallSlots {
  const inFlight = new Map<string, number>()
  return {
    take(key) {
      const taken = inFlight.get(key) ?? 0
      if (taken >= max) return null
      inFlight.set(key, taken + 1)
      let released = false
      return () => {
        if (released) return
        released = true
        const left = (inFlight.get(key) ?? 1) - 1
        if (left > 0) inFlight.set(key, left)
        else inFlight.delete(key)
      }
    },
  }
}

/** The web process's slots for appTools.execute, keyed by person and app. */
export const appToolCallSlots = createCallSlots(APP_TOOL_CALLS_IN_FLIGHT)

export const appToolSlotKey = (userId: string, appId: string) => `${userId}\u0000${appId}`

export const tooManyAppToolCallsMessage = `Too many tool calls in flight for this app (${APP_TOOL_CALLS_IN_FLIGHT} at once); wait for some to answer before calling again.`
