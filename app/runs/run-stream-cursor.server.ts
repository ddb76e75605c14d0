// Where a browser resumes a run's event stream: its Last-Event-ID, checked, made canonical, and
// compared with where the stream ends.

import { compareStreamIds, parseStreamId, STREAM_START, type LiveCoordination } from "#shared/live/live.server.ts"
import { isSettledEvent, isTerminalEvent, lastRunStreamEvent, runStreamKey } from "#shared/runs/run-stream.ts"

/** What is wrong with a Last-Event-ID a client sent, or null when it is absent or a stream id. */
export function lastEventIdProblem(value: string | null | undefined): string | null {
  const trimmed = value?.trim()
  if (!trimmed) return null
  // Ids this server sends are a millisecond timestamp and a counter. Larger parts would round to
  // other ids here (and Redis refuses those past 2^64): they were never sent by us.
  const parts = /^(\d{1,16})(?:-(\d{1,16}))?$/.exec(trimmed)
  if (parts && [parts[1], parts[2] ?? "0"].every((part) => Number.isSafeInteger(Number(part)))) return null
  return "Last-Event-ID must be the id of an event this stream sent, like 1733380000000-0 (or absent to start over)."
}

/**
 * The cursor a Last-Event-ID stands for, in canonical "<ms>-<seq>" form so it compares equal to
 * the `prev` links; null (read from the start) when absent, invalid, or the start itself. Routes
 * refuse invalid ones first (lastEventIdProblem).
 */
export function parseLastEventId(value: string | null | undefined): string | null {
  const trimmed = value?.trim()
  if (!trimmed) return null
  try {
    const [ms, seq] = parseStreamId(trimmed)
    const canonical = `${ms}-${seq}`
    return canonical === STREAM_START ? null : canonical
  } catch {
    return null
  }
}

/** How far a client that is at the stream's last entry has read: past the settle, or past the turn only. */
export type CaughtUpEnd = "settled" | "turn-over"

/**
 * Whether the client's cursor is at or past the stream's last entry, and that entry ends
 * something: "settled" (run.settled: nothing more will come; the route answers 204 so EventSource
 * stops) or "turn-over" (the turn's end: only the settle can follow). Null otherwise.
 */
export async function caughtUpEnd(live: LiveCoordination, runId: string, lastEventId: string | null): Promise<CaughtUpEnd | null> {
  const cursor = parseLastEventId(lastEventId)
  if (cursor === null) return null
  const { lastId } = await live.streamInfo(runStreamKey(runId))
  if (lastId === null || compareStreamIds(cursor, lastId) < 0) return null
  const last = await lastRunStreamEvent(live, runId, lastId)
  if (last === null) return null
  return isSettledEvent(last) ? "settled" : isTerminalEvent(last) ? "turn-over" : null
}

/** True when the client has already seen run.settled, the stream's last entry. */
export const isCaughtUpPastEnd = async (live: LiveCoordination, runId: string, lastEventId: string | null): Promise<boolean> =>
  (await caughtUpEnd(live, runId, lastEventId)) === "settled"
