// The canonical name (`second.present_plan`) of a tool the broker serves, from the name each
// runtime gives it, so the chat and stored transcripts know a builder tool whatever ran it. Tools
// of any other MCP server, and the runtimes' own tools, keep the runtime's name.

import { APP_DATA_TOOL_NAMES, BUILDER_TOOL_NAMES, canonicalToolName, TOOL_SETS, type ToolSet } from "#shared/mcp/tool-names.ts"

/** The tools each tool set serves; OpenCode's names can only be told apart by them (see below). */
const TOOLS_OF: { readonly [S in ToolSet]: readonly string[] } = { second: BUILDER_TOOL_NAMES, app_data: APP_DATA_TOOL_NAMES }

const isToolSet = (server: string): server is ToolSet => (TOOL_SETS as readonly string[]).includes(server)

/** Claude Code: `mcp__<server>__<tool>`. */
export function claudeToolName(name: string): string {
  for (const set of TOOL_SETS) {
    const prefix = `mcp__${set}__`
    if (name.startsWith(prefix) && name.length > prefix.length) return canonicalToolName(set, name.slice(prefix.length))
  }
  return name
}

/** Codex: an `mcpToolCall` item names its server and tool apart; others keep `mcp__<server>__<tool>`. */
export function codexMcpToolName(server: string, tool: string): string {
  return isToolSet(server) ? canonicalToolName(server, tool) : `mcp__${server}__${tool}`
}

/**
 * OpenCode: `<server>_<tool>`. NOTE: the underscore also occurs inside server and tool names
 * (`second_present_plan`, a server called `second_brain`), so only a tool the set really serves
 * is read as one of ours.
 */
export function opencodeToolName(name: string): string {
  for (const set of TOOL_SETS) {
    const prefix = `${set}_`
    const tool = name.slice(prefix.length)
    if (name.startsWith(prefix) && TOOLS_OF[set].includes(tool)) return canonicalToolName(set, tool)
  }
  return name
}
