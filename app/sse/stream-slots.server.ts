// How many live event streams (run events, workspace events) one web process holds open, and for
// whom. A browser profile needs one workspace stream (tabs share it) plus one per run it watches;
// more than that from one session or one person is a bug or an attack, and each open stream holds
// a socket. Without a cap, one signed-in user exhausted the process's file descriptors and took
// /healthz and every page down with it. Counts are per process: each web instance guards itself.

import type { ServerResponse } from "node:http"
import { plainText } from "../server/plain-text.server.ts"

export interface StreamSlotLimits {
  /** One browser profile: its workspace stream and the runs its tabs watch. */
  readonly perSession: number
  /** Everyone signed in as one person: a few browsers. */
  readonly perUser: number
  /** The whole process, leaving sockets for pages, API calls and /healthz. */
  readonly total: number
}

export const STREAMS_PER_SESSION = 16
export const STREAMS_PER_USER = 32

/** The process's limits for `maxConnections` sockets: streams get three quarters of them. */
export const streamSlotLimits = (maxConnections: number): StreamSlotLimits => ({
  perSession: STREAMS_PER_SESSION,
  perUser: STREAMS_PER_USER,
  total: Math.floor((maxConnections * 3) / 4),
})

export interface StreamOwnerIds {
  readonly userId: string
  readonly sessionId: string
}

/**
 * When a stream's slot comes back: the request's signal (it aborts when the response closes,
 * however it ends), or the node:http response itself (its 'close'), which spares a stream served
 * by the host directly an AbortController and its listener.
 */
export type SlotRelease = AbortSignal | ServerResponse

export interface StreamSlots {
  /**
   * Takes a slot for one more stream of this owner, held until `released` says the response
   * closed. Returns null when taken, or the refusal to answer with instead.
   */
  take(owner: StreamOwnerIds, released: SlotRelease): Response | null
}

const isSignal = (released: SlotRelease): released is AbortSignal => "aborted" in released

/** Sent with a refusal: browsers (EventSource) and scripts wait this long before trying again. */
const RETRY_AFTER_SECONDS = 30

export function createStreamSlots(limits: StreamSlotLimits): StreamSlots {
  const bySession = new Map<string, number>()
  const byUser = new Map<string, number>()
  let total = 0

  const add = (counts: Map<string, number>, key: string, delta: number) => {
    const next = (counts.get(key) ?? 0) + delta
    if (next > 0) counts.set(key, next)
    else counts.delete(key)
  }

  // The refused client should not keep this socket either.
  const refusal = (message: string, status: number) =>
    plainText(message, status, { "retry-after": String(RETRY_AFTER_SECONDS), connection: "close" })

  return {
    take(owner, released) {
      // Its listener would never run: a slot taken now would never come back.
      if (isSignal(released) ? released.aborted : released.destroyed) return refusal("The request was closed before its stream opened.", 400)
      if ((bySession.get(owner.sessionId) ?? 0) >= limits.perSession) {
        return refusal(`Too many live streams open in this browser (${limits.perSession}); close some tabs and reload.`, 429)
      }
      if ((byUser.get(owner.userId) ?? 0) >= limits.perUser) {
        return refusal(`Too many live streams open for your account (${limits.perUser}); close tabs in your other browsers and reload.`, 429)
      }
      if (total >= limits.total) {
        return refusal("This server has as many live streams open as it can hold; pages still work, and live updates resume shortly.", 503)
      }
      add(bySession, owner.sessionId, 1)
      add(byUser, owner.userId, 1)
      total += 1
      const giveBack = () => {
        add(bySession, owner.sessionId, -1)
        add(byUser, owner.userId, -1)
        total -= 1
      }
      if (isSignal(released)) released.addEventListener("abort", giveBack, { once: true })
      else released.once("close", giveBack)
      return null
    },
  }
}
