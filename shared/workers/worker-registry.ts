// The agent workers that are up right now, for webs that spread turns over several of them. Each
// worker puts its announcement into one registry group every heartbeat; an entry that is not put
// again within a few heartbeats expires on the store's clock, so a worker that died without
// withdrawing drops out by itself. Workers write announcements, webs decode them on receipt.

import { Option, Schema, SchemaTransformation } from "effect"
import type { LiveCoordination } from "../live/live.server.ts"
import { RUNTIME_IDS, RuntimeId } from "../runtime/run-event.ts"

/** The registry's group: the live adapter adds its own prefix (on Redis: second:workers:members and second:workers:expiries). */
export const WORKERS_GROUP = "workers"
/** How often a worker announces itself. */
export const WORKER_HEARTBEAT_MS = 2_000
/**
 * Five heartbeats: a worker is gone, not just slow. Each write may take up to a heartbeat before
 * it times out, so two slow or failed beats in a row must still leave the entry standing; a live
 * worker dropping out would make every session lease it holds count as lost.
 */
export const WORKER_ANNOUNCEMENT_TTL_MS = 5 * WORKER_HEARTBEAT_MS

/** A worker's name (SECOND_WORKER_NAME, default the hostname): hostname-like, so it is safe in logs and keys. */
export const WORKER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/
/** A worker's id: its name, "-", and a random suffix, new for every process. */
export const WORKER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/

export const WorkerName = Schema.String.check(Schema.isPattern(WORKER_NAME_PATTERN))
export const WorkerId = Schema.String.check(Schema.isPattern(WORKER_ID_PATTERN))

/**
 * An http(s) origin exactly as `new URL(url).origin` writes it (no path, no trailing slash), so
 * webs can compare it with their configured WORKER_URL list and append paths to it as is.
 */
export const WorkerUrl = Schema.String.check(
  Schema.makeFilter((value: string) => {
    const expected = "an http(s) origin such as http://worker-1:8787 (no path, no trailing slash)"
    if (!URL.canParse(value)) return expected
    const url = new URL(value)
    return (url.protocol === "http:" || url.protocol === "https:") && url.origin === value ? undefined : expected
  }),
)

const isKnownRuntime = (id: string): id is RuntimeId => (RUNTIME_IDS as ReadonlyArray<string>).includes(id)

/**
 * The runtimes a worker offers, read leniently: during a rolling upgrade a newer worker may offer a
 * runtime this version does not know. That one is dropped, not the whole announcement, so older
 * webs keep routing to the worker for the runtimes they do know.
 */
const AnnouncedRuntimes = Schema.Array(Schema.String).pipe(
  Schema.decodeTo(
    Schema.Array(RuntimeId),
    SchemaTransformation.transform<ReadonlyArray<RuntimeId>, ReadonlyArray<string>>({
      decode: (ids) => ids.filter(isKnownRuntime),
      encode: (ids) => ids,
    }),
  ),
)

const IsoTimestamp = Schema.String.check(
  Schema.makeFilter((value: string) =>
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/.test(value) && !Number.isNaN(Date.parse(value))
      ? undefined
      : "an ISO 8601 UTC timestamp",
  ),
)

export const WorkerAnnouncement = Schema.Struct({
  id: WorkerId,
  /** Where webs reach this worker. */
  url: WorkerUrl,
  name: WorkerName,
  /** The runtimes usable on this worker; [] until runtime detection has finished. */
  runtimes: AnnouncedRuntimes,
  /**
   * Runtime detection has not finished yet, so `runtimes` says nothing yet: [] here is "not known
   * yet", not "none usable". Absent (workers before this field) reads as false.
   */
  detecting: Schema.optionalKey(Schema.Boolean),
  /** Turns (builder and agent runs) it takes at once. */
  capacity: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  activeTurns: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  /** Shutting down: finishing its running turns, taking no new ones. */
  draining: Schema.Boolean,
  startedAt: IsoTimestamp,
})
export type WorkerAnnouncement = typeof WorkerAnnouncement.Type

const AnnouncementJson = Schema.fromJsonString(WorkerAnnouncement)
// Encoding checks too: a worker with a bad URL or name fails loudly where it announces, instead of
// every web silently skipping its entry.
const encodeAnnouncement = Schema.encodeSync(AnnouncementJson)
const decodeAnnouncement = Schema.decodeUnknownOption(AnnouncementJson)

/** Puts (or refreshes) the worker's entry; it expires unless announced again within WORKER_ANNOUNCEMENT_TTL_MS. */
export async function announceWorker(live: LiveCoordination, announcement: WorkerAnnouncement): Promise<void> {
  const value = encodeAnnouncement(announcement)
  await live.putMember(WORKERS_GROUP, announcement.id, value, { ttlMs: WORKER_ANNOUNCEMENT_TTL_MS })
}

/** Removes the worker's entry at once (a clean shutdown), rather than waiting for it to expire. */
export async function withdrawWorker(live: LiveCoordination, id: string): Promise<void> {
  await live.removeMember(WORKERS_GROUP, id)
}

/**
 * The workers announced and not expired, ordered by id. An entry that does not decode (a worker of
 * another version, a stray write) or that is filed under another worker's id is skipped, never
 * thrown on: one bad entry must not stop webs from routing to the others.
 */
export async function liveWorkers(live: LiveCoordination): Promise<WorkerAnnouncement[]> {
  const workers: WorkerAnnouncement[] = []
  for (const { member, value } of await live.listMembers(WORKERS_GROUP)) {
    const decoded = decodeAnnouncement(value)
    if (Option.isSome(decoded) && decoded.value.id === member) workers.push(decoded.value)
  }
  return workers.sort((left, right) => (left.id < right.id ? -1 : left.id > right.id ? 1 : 0))
}
