// The `app_tools` tool set an app agent's run is given: each custom tool its agents.json declares
// (listed with a JSON Schema made from the tool's declared parameters) and the platform's
// report_tool_call_failed. The worker lists them from the run's grant and passes calls to the web
// by tool name only; the web executes the approved definition (app/agents, app/integrations).

import { Schema } from "effect"
import type { CustomTool } from "../agents/agents-config.ts"
import { REPORT_TOOL_FAILURE } from "./tool-names.ts"

export { REPORT_TOOL_FAILURE }

/** A custom tool's arguments, as the agent sent them (checked against the declared parameters by the web). */
export const AppToolInput = Schema.Record(Schema.String, Schema.Json)
export type AppToolInput = typeof AppToolInput.Type

export const ReportToolFailureInput = Schema.Struct({
  description: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(4_000)).annotate({
    description: "What went wrong, in a sentence or two, with the error the tool returned.",
  }),
  attemptedTask: Schema.optionalKey(Schema.String.check(Schema.isMaxLength(2_000))).annotate({ description: "What you were trying to do for the person." }),
  toolName: Schema.optionalKey(Schema.String.check(Schema.isMaxLength(64))).annotate({ description: "The tool that failed, if one did." }),
  /** Blocking: the agent cannot do its job until the app is fixed; the platform then starts a builder repair run. */
  blocking: Schema.optionalKey(Schema.Boolean),
})
export type ReportToolFailureInput = typeof ReportToolFailureInput.Type

export const REPORT_TOOL_FAILURE_DESCRIPTION =
  "Report that one of your tools keeps failing in a way you cannot work around (wrong endpoint, missing field, a response you cannot use). With blocking: true the app's builder is asked to fix the app. Do not use it for a person's mistake or a temporary outage."

/**
 * The web's answer to a custom tool call. `mock` is true when the answer is the tool's declared
 * mock data (the configuration is approved for mock data only, or the integration is not set up),
 * with the reason; the run shows it labelled as mock.
 */
export const AppToolAnswer = Schema.Struct({
  mock: Schema.Boolean,
  mockReason: Schema.NullOr(Schema.String),
  /** The provider's HTTP status; null for mock answers. */
  status: Schema.NullOr(Schema.Int),
  /** The provider's JSON (or text) body, bounded; for mock answers, the declared mock data. */
  body: Schema.Json,
})

/** One tool as a run's grant lists it: what MCP shows the runtime. */
export const AppToolListing = Schema.Struct({
  name: Schema.String,
  description: Schema.String,
  /** A JSON Schema object for the tool's arguments. */
  inputSchema: Schema.Record(Schema.String, Schema.Json),
})
export type AppToolListing = typeof AppToolListing.Type

/** The JSON Schema a custom tool is listed with: its declared parameters, nothing else. */
export function appToolInputSchema(tool: Pick<CustomTool, "input">): Record<string, Schema.Json> {
  const parameters = Object.entries(tool.input ?? {})
  const properties: Record<string, Schema.Json> = {}
  for (const [name, parameter] of parameters) {
    properties[name] = {
      type: parameter.type,
      ...(parameter.description ? { description: parameter.description } : {}),
      ...(parameter.enum ? { enum: [...parameter.enum] } : {}),
    }
  }
  const required = parameters.filter(([, parameter]) => parameter.required === true).map(([name]) => name)
  return { type: "object", properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false }
}

/** The listing of report_tool_call_failed, the same for every agent. */
export const reportToolFailureListing = (inputSchema: Record<string, Schema.Json>): AppToolListing => ({
  name: REPORT_TOOL_FAILURE,
  description: REPORT_TOOL_FAILURE_DESCRIPTION,
  inputSchema,
})
