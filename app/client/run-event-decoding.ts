// A run stream message's data as a typed event, decoded with the stream's own schema (never
// trusted as-is). Like the browser (app/runs/live-run.ts), a type this client does not know, from
// a newer server, is skipped; a known type that does not match the schema is an error, since the
// client's picture of the run would be wrong.

import { Exit, Schema } from "effect"
import { RunEvent } from "#shared/runtime/run-event.ts"
import { RunSettled, RunStreamEvent } from "#shared/runs/run-stream-event.ts"
import { SecondClientError } from "./second-client-error.ts"

const KNOWN_TYPES: ReadonlySet<string> = new Set([...RunEvent.members.map((member) => member.fields.type.literal), RunSettled.fields.type.literal])

const decodeEvent = Schema.decodeUnknownExit(RunStreamEvent)

/** The event, or null for a type this client does not know. Throws a SecondClientError for a malformed one. */
export function decodeRunStreamEvent(data: string): RunStreamEvent | null {
  let value: unknown
  try {
    value = JSON.parse(data)
  } catch {
    throw unreadable("it is not JSON")
  }
  const type = typeof value === "object" && value !== null && "type" in value ? value.type : undefined
  if (typeof type !== "string") throw unreadable("it has no type")
  if (!KNOWN_TYPES.has(type)) return null
  const decoded = decodeEvent(value)
  if (Exit.isSuccess(decoded)) return decoded.value
  throw unreadable(`its "${type}" event does not match the schema`)
}

const unreadable = (why: string) =>
  new SecondClientError(
    "unreadable-event",
    `Second sent a run event this client cannot read (${why}): use the client (app/client) from the same version of Second as the server.`,
  )

/** What a `gap` message says: events were trimmed before this client read them. */
const RunStreamGap = Schema.Struct({
  /** The id the client had; null when it had none. */
  from: Schema.NullOr(Schema.String),
  /** Where the stream resumes; null when nothing follows (the stream is gone). */
  resumeAt: Schema.NullOr(Schema.String),
})
export type RunStreamGap = typeof RunStreamGap.Type

const decodeGapJson = Schema.decodeUnknownExit(Schema.fromJsonString(RunStreamGap))

/** A `gap` message's data (its transcript is left to runs.list, which has the stored run). */
export function decodeGap(data: string): RunStreamGap {
  const decoded = decodeGapJson(data)
  return Exit.isSuccess(decoded) ? decoded.value : { from: null, resumeAt: null }
}
