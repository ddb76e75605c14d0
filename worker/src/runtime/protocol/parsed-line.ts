// What a runtime's protocol module hands the supervisor for each stdout line: the normalized
// events, whether the line ends the turn, and the runtime's session id when the line reveals it.
// Also the few helpers every parser needs to read untrusted JSON without ever throwing: a CLI
// upgrade may change any shape, and one odd line must not take a run down.

import type { RunEvent, RuntimeId } from "#shared/runtime/run-event.ts"

export interface ParsedLine {
  readonly events: readonly RunEvent[]
  /** True on the line that ends the current turn (Claude's `result`, OpenCode's final step). */
  readonly turnEnded: boolean
  /** The runtime's own session id, when this line reveals it (for resuming later). */
  readonly sessionId?: string
}

export interface LineParser {
  parse(line: string): ParsedLine
}

export type Json = Readonly<Record<string, unknown>>

export const NOTHING: ParsedLine = { events: [], turnEnded: false }

export const isRecord = (value: unknown): value is Json =>
  value !== null && typeof value === "object" && !Array.isArray(value)

/** The value when it is a JSON object, else an empty one, so optional chains stay short. */
export const recordOf = (value: unknown): Json => (isRecord(value) ? value : {})

export const stringOf = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined)

export const numberOf = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) ? value : undefined

export const recordsOf = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isRecord) : [])

export type LineJson = { readonly kind: "blank" } | { readonly kind: "object"; readonly value: Json } | { readonly kind: "other"; readonly payload: unknown }

/** Parses one stdout line; blank lines are reported as such, anything not a JSON object as "other". */
export function readJsonLine(line: string): LineJson {
  const trimmed = line.trim()
  if (trimmed === "") return { kind: "blank" }
  try {
    const value: unknown = JSON.parse(trimmed)
    return isRecord(value) ? { kind: "object", value } : { kind: "other", payload: value }
  } catch {
    // A banner, a log line, a half-written line: kept verbatim as raw.
    return { kind: "other", payload: line }
  }
}

export const rawLine = (runtime: RuntimeId, payload: unknown): ParsedLine => ({
  events: [{ type: "raw", runtime, payload }],
  turnEnded: false,
})

/**
 * Guards a parser against its own bugs on shapes nobody foresaw: an exception becomes a raw event
 * carrying the line, so the stream goes on and the line is still there to look at.
 */
export function neverThrowing(runtime: RuntimeId, parse: (line: string) => ParsedLine): LineParser {
  return {
    parse(line) {
      try {
        return parse(line)
      } catch {
        return rawLine(runtime, line)
      }
    },
  }
}
