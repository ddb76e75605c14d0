// What a person reviewing agents.json needs to see at a glance — each agent, what its tools call
// and with which kind of credential, the domains reached and the data collections touched — as
// plain JSON for the present_agents card and the Agents page. Effective only: disabled tools are
// not shown because they do not run.

import { type AgentsConfig, type BuiltinToolName, type CustomTool, HTTP_METHODS } from "./agents-config.ts"

export interface ToolSummary {
  readonly name: string
  /** The tool's displayName, or its name when it has none. */
  readonly displayName: string
  readonly description: string
  readonly method: (typeof HTTP_METHODS)[number]
  readonly domain: string
  /** The credential key the tool's grant is stored under (default "default"). */
  readonly keySlug: string
  readonly authType: "none" | "static" | "oauth2"
  readonly providerKey: string | null
  /** The OAuth scopes the tool asks for; empty unless authType is "oauth2". */
  readonly scopes: readonly string[]
}

export interface AgentSummary {
  readonly id: string
  readonly name: string
  readonly description: string
  readonly dataCollections: readonly string[]
  readonly builtinTools: readonly BuiltinToolName[]
  readonly tools: readonly ToolSummary[]
}

export interface AgentsSummary {
  readonly agents: readonly AgentSummary[]
  readonly appTools: readonly ToolSummary[]
  /** Every domain any effective tool calls, sorted, once each. */
  readonly domains: readonly string[]
}

export function summarizeAgents(config: AgentsConfig): AgentsSummary {
  const agents = config.agents.map((agent): AgentSummary => ({
    id: agent.id,
    name: agent.name,
    description: agent.description,
    dataCollections: [...(agent.dataCollections ?? [])],
    builtinTools: agent.tools.flatMap((tool) => (tool.type === "builtin" && tool.enabled !== false ? [tool.name] : [])),
    tools: agent.tools.flatMap((tool) => (tool.type === "custom" && tool.enabled !== false ? [summarizeTool(tool)] : [])),
  }))
  const appTools = (config.appTools ?? []).filter((tool) => tool.enabled !== false).map(summarizeTool)
  const domains = new Set([...agents.flatMap((agent) => agent.tools), ...appTools].map((tool) => tool.domain))
  return { agents, appTools, domains: [...domains].sort() }
}

export function summarizeTool(tool: CustomTool): ToolSummary {
  const auth = tool.integration.auth ?? { type: "none" as const }
  return {
    name: tool.name,
    displayName: tool.displayName || tool.name,
    description: tool.description,
    method: tool.endpoint.method,
    domain: tool.integration.domain,
    keySlug: tool.integration.keySlug ?? "default",
    authType: auth.type,
    providerKey: auth.type === "oauth2" ? auth.providerKey : null,
    scopes: auth.type === "oauth2" ? [...auth.scopes] : [],
  }
}
