// What a person reads of a turn: text and reasoning merged into paragraphs, each tool call with
// its input and result, file changes, usage and errors. The schema is the contract of the
// worker's completion report and of what the web stores; the fold that builds a transcript from
// run events lives in transcript-fold.ts (re-exported here), which the browser imports alone so
// that Effect stays out of its bundle.

import { Schema } from "effect"
import { BuildProblem } from "../runtime/run-event.ts"

const part = <const K extends string, const F extends Schema.Struct.Fields>(kind: K, fields: F) =>
  Schema.Struct({ kind: Schema.Literal(kind), ...fields })

export const TextPart = part("text", { text: Schema.String })

export const ReasoningPart = part("reasoning", { text: Schema.String })

/** How a tool call ended when its turn ended first: "failed" with a failed turn, "stopped" otherwise. */
export const ToolCallCutShort = Schema.Literals(["stopped", "failed"])
export type ToolCallCutShort = typeof ToolCallCutShort.Type

export const ToolPart = part("tool", {
  callId: Schema.String,
  name: Schema.String,
  /**
   * The tool's input as the runtime reported it (streamed input is joined into `inputText`).
   * NOTE: optional because JSON drops an undefined input, and a report must still decode.
   */
  input: Schema.optionalKey(Schema.Unknown),
  inputText: Schema.String,
  /** Null until the tool returns. */
  output: Schema.NullOr(Schema.String),
  isError: Schema.Boolean,
  /**
   * Present when the turn ended before the tool returned, so no card says "running" for a call
   * that never will. Optional: transcripts persisted before it existed lack it.
   */
  cutShort: Schema.optionalKey(ToolCallCutShort),
})

export const FilePart = part("file", { path: Schema.String, change: Schema.Literals(["created", "modified", "deleted"]) })

export const UsagePart = part("usage", {
  inputTokens: Schema.Number,
  outputTokens: Schema.Number,
  cachedInputTokens: Schema.NullOr(Schema.Number),
  costUsd: Schema.NullOr(Schema.Number),
})

/** A build done_building ran: its state, the tail of its output, and what it found wrong. */
export const BuildPart = part("build", {
  buildId: Schema.String,
  state: Schema.Literals(["running", "succeeded", "failed"]),
  /** The last BUILD_OUTPUT_TAIL characters of the steps' output. */
  output: Schema.String,
  message: Schema.NullOr(Schema.String),
  durationMs: Schema.NullOr(Schema.Number),
  problems: Schema.Array(BuildProblem),
  versionNumber: Schema.NullOr(Schema.Number),
})

export const ErrorPart = part("error", { message: Schema.String, code: Schema.String, retryable: Schema.Boolean })

/** One part of a transcript, as the worker reports it and the web stores and renders it. */
export const TranscriptPartSchema = Schema.Union([TextPart, ReasoningPart, ToolPart, FilePart, UsagePart, ErrorPart, BuildPart])
export type TranscriptPart = typeof TranscriptPartSchema.Type

export const TranscriptSchema = Schema.Array(TranscriptPartSchema)
export type Transcript = typeof TranscriptSchema.Type

export { BUILD_OUTPUT_TAIL, closeOpenToolCalls, foldEvent, foldEvents } from "./transcript-fold.ts"
