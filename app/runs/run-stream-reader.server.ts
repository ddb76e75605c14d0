// Reads what a run's live stream holds, for the web's own bookkeeping (settling a run whose
// worker went away, stopping a run): the events folded into a transcript, whether the terminal
// event is there, and the last id (so an appended event links to it).

import { parseStreamId, STREAM_START, StreamAppendConflict, type LiveCoordination } from "#shared/live/live.server.ts"
import {
  decodeRunStreamRecord,
  encodeRunStreamRecord,
  isTerminalEvent,
  RUN_STREAM_MAX_LENGTH,
  RUN_STREAM_TTL_AFTER_END_MS,
  runStreamKey,
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

/** How often ending a stream starts over when the worker appends at the same moment. */
const END_ATTEMPTS = 5

/**
 * Ends a run's stream on the worker's behalf (it is gone, or did not stop in time), unless it has
 * ended already. Appends are linked to the last entry, so a worker still writing either lands
 * before (and we go again from its entry) or is refused after — the stream ends once.
 */
export async function endRunStream(live: LiveCoordination, runId: string, events: readonly RunEvent[]): Promise<void> {
  const key = runStreamKey(runId)
  for (let attempt = 1; ; attempt += 1) {
    let prev = (await live.streamInfo(key)).lastId
    if (await runStreamHasEnded(live, runId, prev)) break
    try {
      for (const event of events) {
        prev = await live.append(key, encodeRunStreamRecord({ prev, event }), { maxLength: RUN_STREAM_MAX_LENGTH, expectedLastId: prev })
      }
      break
    } catch (error) {
      if (!(error instanceof StreamAppendConflict) || attempt === END_ATTEMPTS) throw error
    }
  }
  await live.expire(key, RUN_STREAM_TTL_AFTER_END_MS)
}

const MAX_STREAM_SEQ = "18446744073709551615"

/** The id just before `id`, so an exclusive read from it starts AT `id`. */
export function streamIdBefore(id: string): string {
  const [ms, seq] = parseStreamId(id)
  if (seq > 0) return `${ms}-${seq - 1}`
  return ms > 0 ? `${ms - 1}-${MAX_STREAM_SEQ}` : STREAM_START
}

/**
 * Whether the run's stream ends with its terminal event, from its last entry alone (cheap enough
 * for every send and every connecting browser). `lastId` saves a round trip when already known.
 */
export async function runStreamHasEnded(live: LiveCoordination, runId: string, lastId?: string | null): Promise<boolean> {
  const key = runStreamKey(runId)
  const last = lastId === undefined ? (await live.streamInfo(key)).lastId : lastId
  if (last === null) return false
  const [entry] = await live.read(key, { after: streamIdBefore(last), limit: 1 })
  return entry?.id === last && isTerminalEvent(decodeRunStreamRecord(entry.data).event)
}
