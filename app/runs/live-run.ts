// A running run as the browser sees it: the SSE messages of /api/runs/:runId/events folded into a
// transcript with the fold the server persists (shared/runs/transcript.ts), so the live rendering
// and the saved one agree part for part. Pure, so the hook that feeds it stays a thin shell.

import { foldEvent, type Transcript } from "#shared/runs/transcript.ts"
import type { RunEvent } from "#shared/runtime/run-event.ts"

/** "connecting" until the stream answers (and again while EventSource reconnects); "ended" for good. */
export type LiveRunPhase = "connecting" | "streaming" | "ended"

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
  | { readonly kind: "event"; readonly event: RunEvent }
  | { readonly kind: "gap"; readonly transcript: Transcript | null }
  | { readonly kind: "reconnecting" }
  | { readonly kind: "end" }

export const runEventsUrl = (runId: string) => `/api/runs/${encodeURIComponent(runId)}/events`

export const startLiveRun = (runId: string): LiveRun => ({ runId, transcript: [], phase: "connecting", missedEvents: false })

export function applyLiveRunInput(state: LiveRun, input: LiveRunInput): LiveRun {
  // Nothing that arrives after the end (a late reconnect's replay) may change what was shown.
  if (state.phase === "ended") return state
  switch (input.kind) {
    case "open":
      return { ...state, phase: "streaming" }
    case "reconnecting":
      return { ...state, phase: "connecting" }
    case "end":
      return { ...state, phase: "ended" }
    case "gap":
      return input.transcript ? { ...state, transcript: input.transcript } : { ...state, missedEvents: true }
    case "event": {
      const transcript = foldEvent(state.transcript, input.event)
      return { ...state, transcript, phase: input.event.type === "turn.completed" ? "ended" : "streaming" }
    }
  }
}

const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set<RunEvent["type"]>([
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
  "raw",
])

/**
 * A default SSE message's data as a RunEvent, or null. The server wrote it from a validated event,
 * so only the type is checked here: a newer server's unknown type is skipped rather than folded
 * (the fold has no case for it), and the persisted transcript shows it once the run ends.
 */
export function parseRunEventData(data: string): RunEvent | null {
  try {
    const value: unknown = JSON.parse(data)
    const type = typeof value === "object" && value !== null ? (value as { type?: unknown }).type : undefined
    return typeof type === "string" && KNOWN_EVENT_TYPES.has(type) ? (value as RunEvent) : null
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
