// A run's live event stream, shared by the worker (the only writer while the run is alive) and
// every web process (readers serving Server-Sent Events). Each entry's stream id is the SSE event
// id a browser resumes from. Entries carry the id of the entry before them, so a reader can tell
// "the client saw everything up to here" from "the entries after the client's cursor were trimmed".

import { Schema } from "effect"
import { parseStreamId, STREAM_START, type LiveCoordination } from "../live/live.server.ts"
import { RunStreamEvent, type RunSettled } from "./run-stream-event.ts"

export const runStreamKey = (runId: string) => `run:${runId}:events`
/** Present while someone is driving the run; it expires when they stop heartbeating. */
export const runLeaseKey = (runId: string) => `run:${runId}:lease`

/** Newest entries kept per run; a reader older than this gets an explicit gap. */
export const RUN_STREAM_MAX_LENGTH = 20_000
/** How long a finished run's stream stays replayable. */
export const RUN_STREAM_TTL_AFTER_END_MS = 60 * 60 * 1000

export { RunSettled, RunStreamEvent } from "./run-stream-event.ts"

export const RunStreamRecord = Schema.Struct({
  /** The stream id of the previous entry of this run, or null for the first. */
  prev: Schema.NullOr(Schema.String),
  event: RunStreamEvent,
})
export type RunStreamRecord = typeof RunStreamRecord.Type

export const encodeRunStreamRecord = (record: RunStreamRecord): string => JSON.stringify(record)
const decodeRecordJson = Schema.decodeUnknownSync(Schema.fromJsonString(RunStreamRecord))
export const decodeRunStreamRecord = (data: string): RunStreamRecord => decodeRecordJson(data)

/** The event that ends a run's turn: its worker appends nothing after it (the web may: run.settled). */
export const isTerminalEvent = (event: RunStreamEvent): boolean => event.type === "turn.completed"

/** The event that ends a run's stream: nothing at all is appended after it. */
export const isSettledEvent = (event: RunStreamEvent): event is RunSettled => event.type === "run.settled"

/** Whether a stream ending with `event` is past its turn: the terminal event, or the settle after it. */
export const isPastTurn = (event: RunStreamEvent): boolean => isTerminalEvent(event) || isSettledEvent(event)

const MAX_STREAM_SEQ = "18446744073709551615"

/** The id just before `id`, so an exclusive read from it starts AT `id`. */
export function streamIdBefore(id: string): string {
  const [ms, seq] = parseStreamId(id)
  if (seq > 0) return `${ms}-${seq - 1}`
  return ms > 0 ? `${ms - 1}-${MAX_STREAM_SEQ}` : STREAM_START
}

/** The event a run's stream ends with so far, from its last entry alone; null when it has none. */
export async function lastRunStreamEvent(live: LiveCoordination, runId: string, lastId?: string | null): Promise<RunStreamEvent | null> {
  const key = runStreamKey(runId)
  const last = lastId === undefined ? (await live.streamInfo(key)).lastId : lastId
  if (last === null) return null
  const [entry] = await live.read(key, { after: streamIdBefore(last), limit: 1 })
  return entry?.id === last ? decodeRunStreamRecord(entry.data).event : null
}

/**
 * Whether the run's turn has ended: its stream ends with the terminal event (or the settle after
 * it). From the last entry alone, cheap enough for every send, every connecting browser and every
 * worker heartbeat. `lastId` saves a round trip when already known.
 */
export async function runStreamHasEnded(live: LiveCoordination, runId: string, lastId?: string | null): Promise<boolean> {
  const last = await lastRunStreamEvent(live, runId, lastId)
  return last !== null && isPastTurn(last)
}
