// The builder tools' names, and the canonical names the chat and stored transcripts know them by
// (`second.present_plan`, whatever the runtime called it). Plain TypeScript with no Effect, so
// the browser bundle can import it; the tools' schemas live in builder-tools.ts.

/** The tool sets the broker serves; each is one MCP server name in a runtime's configuration. */
export const TOOL_SETS = ["second", "app_data", "app_tools"] as const
export type ToolSet = (typeof TOOL_SETS)[number]

/** The `second` tool set, in the order the broker lists them. */
export const BUILDER_TOOL_NAMES = [
  "present_plan",
  "present_suggestions",
  "present_agents",
  "present_integration_setup",
  "set_app_metadata",
  "done_building",
  "list_app_integration_keys",
] as const
export type BuilderToolName = (typeof BUILDER_TOOL_NAMES)[number]

/**
 * The `app_data` tool set: the builder reads and writes the app's own data (draft scope), in the
 * collections the app declares in its second.json, e.g. to seed sample data.
 */
export const APP_DATA_TOOL_NAMES = ["list_documents", "insert_document", "update_document", "delete_document"] as const
export type AppDataToolName = (typeof APP_DATA_TOOL_NAMES)[number]

export const isAppDataToolName = (name: string): name is AppDataToolName => (APP_DATA_TOOL_NAMES as readonly string[]).includes(name)

/** Tools whose call ends the turn once it has returned without error: the person answers next. */
export const APPROVAL_STOP_TOOLS: ReadonlySet<BuilderToolName> = new Set(["present_plan", "present_suggestions", "present_agents", "present_integration_setup"])

/**
 * The `app_tools` tool set, for an app agent's run only: its declared custom tools (names from
 * agents.json, listed from the run's grant) and this one, the platform's own.
 */
export const REPORT_TOOL_FAILURE = "report_tool_call_failed"

/** How the worker's text for an app tool's mock answer starts, so the agent and the chat know the data is not real. */
export const MOCK_ANSWER_PREFIX = "[mock data]"

export const isBuilderToolName = (name: string): name is BuilderToolName => (BUILDER_TOOL_NAMES as readonly string[]).includes(name)

export const canonicalToolName = (toolSet: ToolSet, tool: string): string => `${toolSet}.${tool}`

/** The builder tool a canonical name stands for, or null. */
export function builderToolOf(canonicalName: string): BuilderToolName | null {
  const [set, tool, ...rest] = canonicalName.split(".")
  return set === "second" && tool !== undefined && rest.length === 0 && isBuilderToolName(tool) ? tool : null
}

/** Whether a call of this (canonical) tool ends the turn once it has returned without error. */
export function isApprovalStop(canonicalName: string): boolean {
  const tool = builderToolOf(canonicalName)
  return tool !== null && APPROVAL_STOP_TOOLS.has(tool)
}
