// A running run as the browser sees it: the SSE messages of /api/runs/:runId/events folded into a
// transcript with the fold the server persists (shared/runs/transcript-fold.ts), so the live rendering
// and the saved one agree part for part. Pure, so the hook that feeds it stays a thin shell.

import type { RunStreamEvent } from "#shared/runs/run-stream.ts"
import { foldEvent } from "#shared/runs/transcript-fold.ts"
import type { Transcript } from "#shared/runs/transcript.ts"

/**
 * "connecting" until the stream answers (and again while EventSource reconnects); "finishing"
 * once the turn has ended, while the web records the run; "ended" for good, when the stored run
 * is final (run.settled, or the server said the stream is over): reload it then, once.
 */
export type LiveRunPhase = "connecting" | "streaming" | "finishing" | "ended"

export interface LiveRun {
  readonly runId: string
  readonly transcript: Transcript
  readonly phase: LiveRunPhase
  /** Events were trimmed before this browser read them and no full transcript could replace them. */
  readonly missedEvents: boolean
}

/** What the event stream told us, already parsed. */
export type LiveRunInput =
  | { readonly kind: "open" }
  | { readonly kind: "event"; readonly event: RunStreamEvent }
  | { readonly kind: "gap"; readonly transcript: Transcript | null }
  | { readonly kind: "reconnecting" }
  | { readonly kind: "end" }

export const runEventsUrl = (runId: string) => `/api/runs/${encodeURIComponent(runId)}/events`

export const startLiveRun = (runId: string): LiveRun => ({ runId, transcript: [], phase: "connecting", missedEvents: false })

export function applyLiveRunInput(state: LiveRun, input: LiveRunInput): LiveRun {
  // Nothing that arrives after the end (a late reconnect's replay) may change what was shown.
  if (state.phase === "ended") return state
  // After the turn's end only the settle counts; the connection coming and going does not.
  const finishing = state.phase === "finishing"
  switch (input.kind) {
    case "open":
      return finishing ? state : { ...state, phase: "streaming" }
    case "reconnecting":
      return finishing ? state : { ...state, phase: "connecting" }
    case "end":
      return { ...state, phase: "ended" }
    case "gap":
      return input.transcript ? { ...state, transcript: input.transcript } : { ...state, missedEvents: true }
    case "event": {
      const { event } = input
      if (event.type === "run.settled") return { ...state, phase: "ended" }
      if (finishing) return state
      const transcript = foldEvent(state.transcript, event)
      return { ...state, transcript, phase: event.type === "turn.completed" ? "finishing" : "streaming" }
    }
  }
}

const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set<RunStreamEvent["type"]>([
  "session.started",
  "text.delta",
  "reasoning.delta",
  "tool.started",
  "tool.input",
  "tool.result",
  "file.changed",
  "usage",
  "turn.completed",
  "error",
  "build.started",
  "build.output",
  "build.finished",
  "raw",
  "run.settled",
])

/**
 * A default SSE message's data as a stream event, or null. The server wrote it from a validated event,
 * so only the type is checked here: a newer server's unknown type is skipped rather than folded
 * (the fold has no case for it), and the persisted transcript shows it once the run ends.
 */
export function parseRunEventData(data: string): RunStreamEvent | null {
  try {
    const value: unknown = JSON.parse(data)
    const type = typeof value === "object" && value !== null ? (value as { type?: unknown }).type : undefined
    return typeof type === "string" && KNOWN_EVENT_TYPES.has(type) ? (value as RunStreamEvent) : null
  } catch {
    return null
  }
}

/** A `gap` message's transcript: the run's full transcript when the server had one, else null. */
export function parseGapData(data: string): Transcript | null {
  try {
    const value: unknown = JSON.parse(data)
    const transcript = typeof value === "object" && value !== null ? (value as { transcript?: unknown }).transcript : null
    return Array.isArray(transcript) ? (transcript as Transcript) : null
  } catch {
    return null
  }
}
