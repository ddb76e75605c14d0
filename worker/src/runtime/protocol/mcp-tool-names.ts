// The canonical name (`second.present_plan`, `app_tools.get_weather`) of a tool the broker serves,
// from the name each runtime gives it, so the chat and stored transcripts know a broker tool
// whatever ran it. Tools of any other MCP server, and the runtimes' own tools, keep the runtime's name.

import { TOOL_NAME_PATTERN } from "#shared/agents/agents-config.ts"
import { APP_DATA_TOOL_NAMES, BUILDER_TOOL_NAMES, canonicalToolName, TOOL_SETS, type ToolSet } from "#shared/mcp/tool-names.ts"

/**
 * Whether the set can serve a tool of this name. The `app_tools` set's names come from each app's
 * agents.json, so any name agents.json may declare is one (report_tool_call_failed fits the
 * pattern too); the other sets serve fixed lists. OpenCode's names can only be told apart by this.
 */
const servesTool = (set: ToolSet, tool: string): boolean =>
  set === "app_tools" ? TOOL_NAME_PATTERN.test(tool) : (set === "second" ? (BUILDER_TOOL_NAMES as readonly string[]) : APP_DATA_TOOL_NAMES).includes(tool)

const isToolSet = (server: string): server is ToolSet => (TOOL_SETS as readonly string[]).includes(server)

/**
 * Where the runtime names the server apart from the tool (Claude, Codex), any tool of the fixed
 * sets is ours, even one a set no longer serves; an app tool still needs a name agents.json allows.
 */
const ownsTool = (set: ToolSet, tool: string): boolean => (set === "app_tools" ? TOOL_NAME_PATTERN.test(tool) : tool.length > 0)

/** Claude Code: `mcp__<server>__<tool>`. */
export function claudeToolName(name: string): string {
  for (const set of TOOL_SETS) {
    const prefix = `mcp__${set}__`
    const tool = name.slice(prefix.length)
    if (name.startsWith(prefix) && ownsTool(set, tool)) return canonicalToolName(set, tool)
  }
  return name
}

/** Codex: an `mcpToolCall` item names its server and tool apart; others keep `mcp__<server>__<tool>`. */
export function codexMcpToolName(server: string, tool: string): string {
  return isToolSet(server) && ownsTool(server, tool) ? canonicalToolName(server, tool) : `mcp__${server}__${tool}`
}

/**
 * OpenCode: `<server>_<tool>`. NOTE: the underscore also occurs inside server and tool names
 * (`second_present_plan`, `app_tools_get_weather`, a server called `second_brain`), so only a
 * tool the set can serve is read as one of ours.
 */
export function opencodeToolName(name: string): string {
  for (const set of TOOL_SETS) {
    const prefix = `${set}_`
    const tool = name.slice(prefix.length)
    if (name.startsWith(prefix) && servesTool(set, tool)) return canonicalToolName(set, tool)
  }
  return name
}
