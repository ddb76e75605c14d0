// What a run's stream carries, as its readers decode it: the turn's events, then the web's
// `run.settled`. Apart from run-stream.ts (which also reads the stream through the live port) so
// that a client outside the server (app/client) can decode events without server-only modules.

import { Schema } from "effect"
import { RunEvent } from "../runtime/run-event.ts"

/**
 * The web's last word on a run's stream, appended once it has settled the run (status, transcript
 * and snapshot recorded, the app free for the next message): a browser reloads the run once on
 * it, and nothing follows it. Runtimes never produce it, so it is not a RunEvent, and the worker,
 * which appends only RunEvents, cannot write one.
 */
export const RunSettled = Schema.Struct({
  type: Schema.Literal("run.settled"),
  status: Schema.Literals(["completed", "failed", "stopped"]),
})
export type RunSettled = typeof RunSettled.Type

/** What a run's stream holds: the turn's events, then the web's `run.settled`. */
export const RunStreamEvent = Schema.Union([RunEvent, RunSettled])
export type RunStreamEvent = typeof RunStreamEvent.Type
