// The contracts of app agent runs between web and worker. The web decides everything (which
// agent, with which approved tools, as whom) and sends the worker what it needs to run one turn
// detached: the same run stream, lease and completion report as a builder run
// (shared/runs/internal-api.ts RunDelivery and RunCompletion, reported to the same
// /api/internal/runs/:runId/complete), but in a directory of its own with no app source, and
// with only the agent's tools.

import { Schema } from "effect"
import { AGENT_ID_PATTERN, BUILTIN_TOOL_NAMES } from "../agents/agents-config.ts"
import { COLLECTION_NAME_PATTERN } from "../apps/app-data.ts"
import { AppToolListing } from "../mcp/app-tools.ts"
import { MODEL_NAME_PATTERN } from "../runtime/cli-arguments.ts"
import { RuntimeId } from "../runtime/run-event.ts"
import { RUN_ID_PATTERN, RunDelivery } from "./internal-api.ts"

const Id = Schema.String.check(Schema.isPattern(RUN_ID_PATTERN))

/** POST /agent-runs on the worker: run one app agent turn, detached; 202 StartTurnAccepted. */
export const StartAgentRunRequest = Schema.Struct({
  runId: Id,
  workspaceId: Id,
  appId: Id,
  agentId: Schema.String.check(Schema.isPattern(AGENT_ID_PATTERN)),
  runtime: RuntimeId,
  model: Schema.NullOr(Schema.String.check(Schema.isPattern(MODEL_NAME_PATTERN))),
  /** The agent's system prompt with the platform's rules around it (composed by the web). */
  systemPrompt: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(60_000)),
  /** What the app asked the agent to do. */
  prompt: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(20_000)),
  /** The agent's enabled custom tools as MCP lists them (report_tool_call_failed is added by the worker). */
  tools: Schema.Array(AppToolListing).check(Schema.isMaxLength(40)),
  /** The app's collections the agent may use through app_data (empty: no app_data tool set). */
  dataCollections: Schema.Array(Schema.String.check(Schema.isPattern(COLLECTION_NAME_PATTERN))).check(Schema.isMaxLength(50)),
  /** The runtime's own tools the agent may use; nothing that touches files or runs commands. */
  builtinTools: Schema.Array(Schema.Literals(BUILTIN_TOOL_NAMES)),
  delivery: RunDelivery,
  /**
   * Set when the web starts the run again after its worker stopped: the id of the stream's last
   * entry then. The worker links its first append to it (instead of to an empty stream), so the
   * second attempt continues the same stream its watchers follow. Absent: a fresh stream.
   */
  streamAfterId: Schema.optional(Schema.NullOr(Schema.String.check(Schema.isMaxLength(64)))),
})
export type StartAgentRunRequest = typeof StartAgentRunRequest.Type

/** The worker's directory and session key for an agent run: its own, never the app's. */
export const agentRunSessionKey = (runId: string) => `agent-${runId}`

export const agentRunStartPath = "/agent-runs"
export const agentRunCancelPath = (runId: string) => `/agent-runs/${encodeURIComponent(runId)}/cancel`
