// What a review would change in what the published app may do, in words: agents added or removed,
// their tools (what each calls, with which credential), the data collections they read and write,
// and the integration keys the app declares. Pure: the release's side and the draft's side in,
// PolicyChanges out. Only the effective configuration counts (disabled tools do not run).

import type { AgentsConfig } from "#shared/agents/agents-config.ts"
import { summarizeAgents, type AgentSummary, type ToolSummary } from "#shared/agents/agents-summary.ts"
import type { PolicyChange } from "#shared/publishing/publishing.ts"
import type { ReleasedIntegration } from "./publishing-collections.server.ts"

/** The effective configuration a tool call is checked against: its URL included, which the summary leaves out. */
interface ToolFacts extends ToolSummary {
  readonly url: string
}

const APP_TOOLS = "app"

const credentialWords = (tool: Pick<ToolSummary, "authType" | "providerKey" | "scopes">) =>
  tool.authType === "none"
    ? "no credential"
    : tool.authType === "static"
      ? "a stored key"
      : `the person's ${tool.providerKey ?? "OAuth"} account${tool.scopes.length > 0 ? ` (scopes ${tool.scopes.join(", ")})` : ""}`

const toolWords = (tool: ToolFacts) => [`${tool.method} ${tool.url}`, `integration ${tool.domain} (${tool.keySlug}) with ${credentialWords(tool)}`]

function toolsOf(config: AgentsConfig | null): Map<string, Map<string, ToolFacts>> {
  const byOwner = new Map<string, Map<string, ToolFacts>>()
  if (!config) return byOwner
  const summary = summarizeAgents(config)
  const urls = new Map<string, string>()
  for (const agent of config.agents) for (const tool of agent.tools) if (tool.type === "custom") urls.set(`${agent.id}/${tool.name}`, tool.endpoint.url)
  for (const tool of config.appTools ?? []) urls.set(`${APP_TOOLS}/${tool.name}`, tool.endpoint.url)
  const add = (owner: string, tools: readonly ToolSummary[]) =>
    byOwner.set(owner, new Map(tools.map((tool) => [tool.name, { ...tool, url: urls.get(`${owner}/${tool.name}`) ?? "" }])))
  for (const agent of summary.agents) add(agent.id, agent.tools)
  add(APP_TOOLS, summary.appTools)
  return byOwner
}

const agentsOf = (config: AgentsConfig | null) => new Map((config ? summarizeAgents(config).agents : []).map((agent) => [agent.id, agent]))

function agentChanges(before: ReadonlyMap<string, AgentSummary>, after: ReadonlyMap<string, AgentSummary>, configs: [AgentsConfig | null, AgentsConfig | null]): PolicyChange[] {
  const changes: PolicyChange[] = []
  for (const id of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const was = before.get(id)
    const now = after.get(id)
    const describe = (agent: AgentSummary) => [
      `${agent.name}: ${agent.description}`,
      ...(agent.builtinTools.length > 0 ? [`built-in tools: ${agent.builtinTools.join(", ")}`] : []),
    ]
    if (!was && now) changes.push({ kind: "agent", subject: id, change: "added", details: describe(now) })
    else if (was && !now) changes.push({ kind: "agent", subject: id, change: "removed", details: describe(was) })
    else if (was && now) {
      const details: string[] = []
      if (was.name !== now.name || was.description !== now.description) details.push(`now "${now.name}": ${now.description}`)
      const builtins = (agent: AgentSummary) => agent.builtinTools.join(", ") || "none"
      if (builtins(was) !== builtins(now)) details.push(`built-in tools: ${builtins(was)} → ${builtins(now)}`)
      const [beforeConfig, afterConfig] = configs
      const prompt = (config: AgentsConfig | null) => config?.agents.find((agent) => agent.id === id)?.systemPrompt
      if (prompt(beforeConfig) !== prompt(afterConfig)) details.push("its instructions (system prompt) changed")
      if (details.length > 0) changes.push({ kind: "agent", subject: id, change: "changed", details })
    }
  }
  return changes
}

function toolChanges(before: ReadonlyMap<string, ReadonlyMap<string, ToolFacts>>, after: ReadonlyMap<string, ReadonlyMap<string, ToolFacts>>): PolicyChange[] {
  const changes: PolicyChange[] = []
  for (const owner of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const was = before.get(owner) ?? new Map<string, ToolFacts>()
    const now = after.get(owner) ?? new Map<string, ToolFacts>()
    for (const name of [...new Set([...was.keys(), ...now.keys()])].sort()) {
      const subject = `${owner}/${name}`
      const old = was.get(name)
      const next = now.get(name)
      if (!old && next) changes.push({ kind: "tool", subject, change: "added", details: toolWords(next) })
      else if (old && !next) changes.push({ kind: "tool", subject, change: "removed", details: toolWords(old) })
      else if (old && next) {
        const [oldWords, nextWords] = [toolWords(old), toolWords(next)]
        const details = oldWords.flatMap((words, index) => (words === nextWords[index] ? [] : [`${words} → ${nextWords[index]}`]))
        if (details.length > 0) changes.push({ kind: "tool", subject, change: "changed", details })
      }
    }
  }
  return changes
}

function collectionChanges(before: ReadonlyMap<string, AgentSummary>, after: ReadonlyMap<string, AgentSummary>): PolicyChange[] {
  const access = (agents: ReadonlyMap<string, AgentSummary>) => {
    const byCollection = new Map<string, Set<string>>()
    for (const agent of agents.values()) for (const name of agent.dataCollections) byCollection.set(name, (byCollection.get(name) ?? new Set()).add(agent.id))
    return byCollection
  }
  const was = access(before)
  const now = access(after)
  const changes: PolicyChange[] = []
  for (const collection of [...new Set([...was.keys(), ...now.keys()])].sort()) {
    const oldAgents = was.get(collection) ?? new Set<string>()
    const newAgents = now.get(collection) ?? new Set<string>()
    const gained = [...newAgents].filter((id) => !oldAgents.has(id)).sort()
    const lost = [...oldAgents].filter((id) => !newAgents.has(id)).sort()
    if (gained.length === 0 && lost.length === 0) continue
    changes.push({
      kind: "collection",
      subject: collection,
      change: oldAgents.size === 0 ? "added" : newAgents.size === 0 ? "removed" : "changed",
      details: [...gained.map((id) => `read and write access added for agent ${id}`), ...lost.map((id) => `read and write access removed for agent ${id}`)],
    })
  }
  return changes
}

/** The agents' changes: the release's payload (null: none ran) against the draft's approved one (null: none would run). */
export function diffAgents(before: AgentsConfig | null, after: AgentsConfig | null): PolicyChange[] {
  const [agentsBefore, agentsAfter] = [agentsOf(before), agentsOf(after)]
  return [...agentChanges(agentsBefore, agentsAfter, [before, after]), ...toolChanges(toolsOf(before), toolsOf(after)), ...collectionChanges(agentsBefore, agentsAfter)]
}

const integrationWords = (key: ReleasedIntegration) => [
  `${key.name}: ${key.authType === "none" ? "no credential" : key.authType === "static" ? "a stored key" : `OAuth through ${key.providerKey ?? "its provider"}`}`,
  ...(key.scopes.length > 0 ? [`scopes ${key.scopes.join(", ")}`] : []),
]

/** The app's integration keys now against those the release had. */
export function diffIntegrations(before: readonly ReleasedIntegration[], after: readonly ReleasedIntegration[]): PolicyChange[] {
  const keyOf = (key: ReleasedIntegration) => `${key.domain} (${key.keySlug})`
  const was = new Map(before.map((key) => [keyOf(key), key]))
  const now = new Map(after.map((key) => [keyOf(key), key]))
  const changes: PolicyChange[] = []
  for (const subject of [...new Set([...was.keys(), ...now.keys()])].sort()) {
    const old = was.get(subject)
    const next = now.get(subject)
    if (!old && next) changes.push({ kind: "integration", subject, change: "added", details: integrationWords(next) })
    else if (old && !next) changes.push({ kind: "integration", subject, change: "removed", details: integrationWords(old) })
    else if (old && next && integrationWords(old).join("\n") !== integrationWords(next).join("\n")) {
      changes.push({ kind: "integration", subject, change: "changed", details: [`was ${integrationWords(old).join("; ")}`, `now ${integrationWords(next).join("; ")}`] })
    }
  }
  return changes
}
