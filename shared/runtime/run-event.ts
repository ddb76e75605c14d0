// One event schema for every agent runtime (Claude Code, Codex, OpenCode). Each CLI's protocol
// module turns what its CLI prints into these; the worker appends them to run streams and
// browsers render them. Anything a parser does not understand is kept as `raw`, never dropped.

import { Schema } from "effect"

export const RUNTIME_IDS = ["claude", "codex", "opencode"] as const
export const RuntimeId = Schema.Literals(RUNTIME_IDS)
export type RuntimeId = typeof RuntimeId.Type

const event = <const T extends string, const F extends Schema.Struct.Fields>(type: T, fields: F) =>
  Schema.Struct({ type: Schema.Literal(type), ...fields })

export const SessionStarted = event("session.started", {
  runtime: RuntimeId,
  /** The runtime's own session or thread id, used to resume. */
  sessionId: Schema.String,
  model: Schema.NullOr(Schema.String),
})

export const TextDelta = event("text.delta", { text: Schema.String })

export const ReasoningDelta = event("reasoning.delta", { text: Schema.String })

export const ToolStarted = event("tool.started", {
  callId: Schema.String,
  /** The runtime's tool name (Bash, Write, shell, apply_patch; our own tools canonically: second.present_plan, ...). */
  name: Schema.String,
  input: Schema.NullOr(Schema.Unknown),
})

export const ToolInput = event("tool.input", { callId: Schema.String, delta: Schema.String })

export const ToolResult = event("tool.result", {
  callId: Schema.String,
  output: Schema.String,
  isError: Schema.Boolean,
})

export const FileChanged = event("file.changed", {
  /** Relative to the app's working directory. */
  path: Schema.String,
  change: Schema.Literals(["created", "modified", "deleted"]),
})

export const Usage = event("usage", {
  inputTokens: Schema.Number,
  outputTokens: Schema.Number,
  cachedInputTokens: Schema.NullOr(Schema.Number),
  costUsd: Schema.NullOr(Schema.Number),
})

export const TurnCompleted = event("turn.completed", {
  outcome: Schema.Literals(["completed", "cancelled", "failed"]),
})

export const RunError = event("error", {
  message: Schema.String,
  /** True when trying the same message again may well work (a crash at start-up, a timeout). */
  retryable: Schema.Boolean,
  code: Schema.String,
})

/** One thing a build found wrong, with where it is when the tool said so (paths relative to the app). */
export const BuildProblem = Schema.Struct({
  step: Schema.Literals(["build", "typecheck", "dependencies"]),
  file: Schema.NullOr(Schema.String),
  line: Schema.NullOr(Schema.Number),
  column: Schema.NullOr(Schema.Number),
  message: Schema.String,
})
export type BuildProblem = typeof BuildProblem.Type

/** done_building started the app's build (vite build and a typecheck, in the sandbox). */
export const BuildStarted = event("build.started", { buildId: Schema.String })

/** A chunk of a build step's output, as it comes (bounded by the worker). */
export const BuildOutput = event("build.output", {
  buildId: Schema.String,
  step: Schema.Literals(["build", "typecheck", "dependencies"]),
  text: Schema.String,
})

export const BuildFinished = event("build.finished", {
  buildId: Schema.String,
  ok: Schema.Boolean,
  durationMs: Schema.Number,
  /** One line for the person: "Built in 2.1 s" or what failed. */
  message: Schema.String,
  problems: Schema.Array(BuildProblem),
  /** The app version the web recorded for a successful build; null when it failed or was not recorded. */
  versionNumber: Schema.NullOr(Schema.Number),
})

export const Raw = event("raw", { runtime: RuntimeId, payload: Schema.Unknown })

export const RunEvent = Schema.Union([
  SessionStarted,
  TextDelta,
  ReasoningDelta,
  ToolStarted,
  ToolInput,
  ToolResult,
  FileChanged,
  Usage,
  TurnCompleted,
  RunError,
  BuildStarted,
  BuildOutput,
  BuildFinished,
  Raw,
])
export type RunEvent = typeof RunEvent.Type

export const decodeRunEvent = Schema.decodeUnknownSync(RunEvent)
