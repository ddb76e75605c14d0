// A run's live event stream, shared by the worker (the only writer while the run is alive) and
// every web process (readers serving Server-Sent Events). Each entry's stream id is the SSE event
// id a browser resumes from. Entries carry the id of the entry before them, so a reader can tell
// "the client saw everything up to here" from "the entries after the client's cursor were trimmed".

import { Schema } from "effect"
import { parseStreamId, STREAM_START, type LiveCoordination } from "../live/live.server.ts"
import { RunEvent } from "../runtime/run-event.ts"

export const runStreamKey = (runId: string) => `run:${runId}:events`
/** Present while someone is driving the run; it expires when they stop heartbeating. */
export const runLeaseKey = (runId: string) => `run:${runId}:lease`

/** Newest entries kept per run; a reader older than this gets an explicit gap. */
export const RUN_STREAM_MAX_LENGTH = 20_000
/** How long a finished run's stream stays replayable. */
export const RUN_STREAM_TTL_AFTER_END_MS = 60 * 60 * 1000

export const RunStreamRecord = Schema.Struct({
  /** The stream id of the previous entry of this run, or null for the first. */
  prev: Schema.NullOr(Schema.String),
  event: RunEvent,
})
export type RunStreamRecord = typeof RunStreamRecord.Type

export const encodeRunStreamRecord = (record: RunStreamRecord): string => JSON.stringify(record)
const decodeRecordJson = Schema.decodeUnknownSync(Schema.fromJsonString(RunStreamRecord))
export const decodeRunStreamRecord = (data: string): RunStreamRecord => decodeRecordJson(data)

/** The event that ends a run's stream: nothing is appended after it. */
export const isTerminalEvent = (event: RunEvent): boolean => event.type === "turn.completed"

const MAX_STREAM_SEQ = "18446744073709551615"

/** The id just before `id`, so an exclusive read from it starts AT `id`. */
export function streamIdBefore(id: string): string {
  const [ms, seq] = parseStreamId(id)
  if (seq > 0) return `${ms}-${seq - 1}`
  return ms > 0 ? `${ms - 1}-${MAX_STREAM_SEQ}` : STREAM_START
}

/**
 * Whether the run's stream ends with its terminal event, from its last entry alone (cheap enough
 * for every send, every connecting browser and every worker heartbeat). `lastId` saves a round
 * trip when already known.
 */
export async function runStreamHasEnded(live: LiveCoordination, runId: string, lastId?: string | null): Promise<boolean> {
  const key = runStreamKey(runId)
  const last = lastId === undefined ? (await live.streamInfo(key)).lastId : lastId
  if (last === null) return false
  const [entry] = await live.read(key, { after: streamIdBefore(last), limit: 1 })
  return entry?.id === last && isTerminalEvent(decodeRunStreamRecord(entry.data).event)
}
