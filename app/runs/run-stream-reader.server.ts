// Reads what a run's live stream holds, for the web's own bookkeeping (settling a run whose
// worker went away, stopping a run): the events folded into a transcript, whether the terminal
// event is there, and the last id (so an appended event links to it). Writes the web's own
// entries: the end of a turn the worker could not end, and the run.settled after every settle.

import { STREAM_START, StreamAppendConflict, type LiveCoordination } from "#shared/live/live.server.ts"
import {
  decodeRunStreamRecord,
  encodeRunStreamRecord,
  isPastTurn,
  isSettledEvent,
  isTerminalEvent,
  lastRunStreamEvent,
  RUN_STREAM_MAX_LENGTH,
  RUN_STREAM_TTL_AFTER_END_MS,
  runStreamKey,
  type RunSettled,
  type RunStreamEvent,
} from "#shared/runs/run-stream.ts"
import { foldEvent, type Transcript } from "#shared/runs/transcript.ts"
import type { RunEvent } from "#shared/runtime/run-event.ts"

export interface RunStreamState {
  readonly transcript: Transcript
  /** The terminal event, when the stream has one. */
  readonly terminal: Extract<RunEvent, { type: "turn.completed" }> | null
  readonly lastId: string | null
}

const PAGE = 1_000

export async function readRunStream(live: LiveCoordination, runId: string): Promise<RunStreamState> {
  let transcript: Transcript = []
  let terminal: RunStreamState["terminal"] = null
  let cursor = STREAM_START
  let lastId: string | null = null
  for (;;) {
    const entries = await live.read(runStreamKey(runId), { after: cursor, limit: PAGE })
    for (const entry of entries) {
      const { event } = decodeRunStreamRecord(entry.data)
      transcript = foldEvent(transcript, event)
      if (event.type === "turn.completed" && isTerminalEvent(event)) terminal = event
      lastId = entry.id
    }
    if (entries.length < PAGE) return { transcript, terminal, lastId }
    cursor = entries.at(-1)!.id
  }
}

/** How many times an append of the web's is attempted before it is left to the stream's readers. */
const END_ATTEMPTS = 5

/**
 * Ends a run's stream on the worker's behalf (it is gone, or did not stop in time), unless it has
 * ended already. Appends are linked to the last entry: a worker still writing either lands first
 * (we go again from its entry) or is refused after ours, and a failed write is retried from where
 * it stopped, so the stream gets its terminal event once and nothing is written twice.
 */
export const endRunStream = (live: LiveCoordination, runId: string, events: readonly RunEvent[]): Promise<void> =>
  appendUnlessEnded(live, runId, events, (last) => last !== null && isPastTurn(last))

/**
 * Appends `run.settled` once the run is settled, so every browser following the stream reloads
 * the run once and stops, instead of polling until the settle shows. Once per stream, however
 * often it is retried.
 */
export const markRunSettled = (live: LiveCoordination, runId: string, status: RunSettled["status"]): Promise<void> =>
  appendUnlessEnded(live, runId, [{ type: "run.settled", status }], (last) => last !== null && isSettledEvent(last))

async function appendUnlessEnded(
  live: LiveCoordination,
  runId: string,
  events: readonly RunStreamEvent[],
  ended: (last: RunStreamEvent | null) => boolean,
): Promise<void> {
  const key = runStreamKey(runId)
  let next = 0
  let prev: string | null = null
  let fromTop = true
  for (let attempt = 1; next < events.length; attempt += 1) {
    try {
      if (fromTop) {
        prev = (await live.streamInfo(key)).lastId
        if (ended(await lastRunStreamEvent(live, runId, prev))) break
        fromTop = false
      }
      for (; next < events.length; next += 1) {
        prev = await live.append(key, encodeRunStreamRecord({ prev, event: events[next]! }), { maxLength: RUN_STREAM_MAX_LENGTH, expectedLastId: prev })
      }
    } catch (error) {
      if (attempt === END_ATTEMPTS) throw error
      if (error instanceof StreamAppendConflict) {
        // The worker wrote meanwhile: look again, from its entry.
        fromTop = true
        next = 0
      } else {
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt))
      }
    }
  }
  await live.expire(key, RUN_STREAM_TTL_AFTER_END_MS)
}
