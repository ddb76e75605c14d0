// Which worker owns an app's session. An app's working directory and open agent session live on
// one worker; webs route the app's turns there. When the owner is gone (no live registry entry) or
// draining, a web claims the lease for another worker with the fence one higher. The worker
// remembers the fence it last served per app: a different fence means another worker may have
// changed the app since, so it resynchronises before the turn.
//
// The lease itself barely expires (SESSION_LEASE_TTL_MS): its liveness is its owner's registry
// entry. A lease naming a worker that is not live, or is draining, is lost and may be claimed.
//
// Fences rise by one within a lineage (claims that each saw the previous lease). A new lineage
// (the key absent: expired, evicted, lost with the store; or unreadable) starts at a random fence,
// not at 1: a worker that served some fence of an earlier lineage long ago must not take the new
// one for "same fence, my copy is current". Workers compare fences for equality only.

import { randomInt } from "node:crypto"
import { Option, Schema } from "effect"
import type { LiveCoordination } from "../live/live.server.ts"
import { WorkerId, type WorkerAnnouncement } from "./worker-registry.ts"

export const SessionLease = Schema.Struct({
  workerId: WorkerId,
  /** Increases by one with every claim, whoever claims; a new lineage starts at a random one (FIRST_FENCE_LIMIT). */
  fence: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
})
export type SessionLease = typeof SessionLease.Type

/** A lease as read: the stored text (compared on claim) and its decoded form (null: absent or unreadable). */
export interface SeenSessionLease {
  readonly raw: string | null
  readonly lease: SessionLease | null
}

export const sessionLeaseKey = (appId: string) => `app:${appId}:session-owner`
/** Long enough to outlive any idle spell worth remembering; it only bounds what an abandoned app leaves behind. */
export const SESSION_LEASE_TTL_MS = 7 * 24 * 60 * 60 * 1000

/**
 * A new lineage's first fence is drawn from [1, FIRST_FENCE_LIMIT): 2^47 leaves room for any number
 * of claims below Number.MAX_SAFE_INTEGER, and makes meeting an old lineage's fence by chance
 * negligible.
 */
export const FIRST_FENCE_LIMIT = 2 ** 47

const LeaseJson = Schema.fromJsonString(SessionLease)
const encodeLease = Schema.encodeSync(LeaseJson)
const decodeLease = Schema.decodeUnknownOption(LeaseJson)

export async function readSessionLease(live: LiveCoordination, appId: string): Promise<SeenSessionLease> {
  const raw = await live.getKey(sessionLeaseKey(appId))
  return { raw, lease: raw === null ? null : Option.getOrNull(decodeLease(raw)) }
}

/**
 * Claims the app's session for `workerId` with the next fence, only if the lease is still what the
 * caller saw (`seen.raw`, compared as stored text). Null when someone else changed it first: the
 * caller re-reads and routes to the new owner. An unreadable lease is replaced as if absent, and
 * either way the new lineage starts at a random fence.
 */
export async function claimSessionLease(
  live: LiveCoordination,
  appId: string,
  seen: SeenSessionLease,
  workerId: string,
): Promise<SessionLease | null> {
  const fence = seen.lease === null ? randomInt(1, FIRST_FENCE_LIMIT) : seen.lease.fence + 1
  const lease: SessionLease = { workerId, fence }
  const claimed = await live.compareAndSetKey(sessionLeaseKey(appId), seen.raw, encodeLease(lease), { ttlMs: SESSION_LEASE_TTL_MS })
  return claimed ? lease : null
}

/** The lease's owner among `workers` when it is live and not draining; null means the lease is lost. */
export function sessionLeaseOwner(lease: SessionLease | null, workers: ReadonlyArray<WorkerAnnouncement>): WorkerAnnouncement | null {
  if (lease === null) return null
  return workers.find((worker) => worker.id === lease.workerId && !worker.draining) ?? null
}
