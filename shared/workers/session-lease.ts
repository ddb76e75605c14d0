// Which worker owns an app's session. An app's working directory and open agent session live on
// one worker; webs route the app's turns there. When the owner is gone (no live registry entry) or
// draining, a web claims the lease for another worker with the fence one higher. The worker
// remembers the fence it last served per app: a different fence means another worker may have
// changed the app since, so it resynchronises before the turn.
//
// The lease itself barely expires (SESSION_LEASE_TTL_MS): its liveness is its owner's registry
// entry. A lease naming a worker that is not live, or is draining, is lost and may be claimed.

import { Option, Schema } from "effect"
import type { LiveCoordination } from "../live/live.server.ts"
import { WorkerId, type WorkerAnnouncement } from "./worker-registry.ts"

export const SessionLease = Schema.Struct({
  workerId: WorkerId,
  /** Increases by one with every claim, whoever claims. */
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
 * caller re-reads and routes to the new owner. An unreadable lease is replaced as if absent.
 */
export async function claimSessionLease(
  live: LiveCoordination,
  appId: string,
  seen: SeenSessionLease,
  workerId: string,
): Promise<SessionLease | null> {
  const lease: SessionLease = { workerId, fence: (seen.lease?.fence ?? 0) + 1 }
  const claimed = await live.compareAndSetKey(sessionLeaseKey(appId), seen.raw, encodeLease(lease), { ttlMs: SESSION_LEASE_TTL_MS })
  return claimed ? lease : null
}

/** The lease's owner among `workers` when it is live and not draining; null means the lease is lost. */
export function sessionLeaseOwner(lease: SessionLease | null, workers: ReadonlyArray<WorkerAnnouncement>): WorkerAnnouncement | null {
  if (lease === null) return null
  return workers.find((worker) => worker.id === lease.workerId && !worker.draining) ?? null
}
