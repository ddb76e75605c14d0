// Reads agents.json the way the builder's present_agents, the Agents page and tool execution all
// must: the shape first (every schema issue at its path), then the rules that span fields, all of
// them reported at once so the builder fixes a file in one pass rather than one error per turn.

import { AGENTS_CONFIG_FILE, AGENTS_CONFIG_LIMITS, type AgentDefinition, AgentsConfig, type CustomTool, RESERVED_TOOL_NAMES } from "./agents-config.ts"
import { canonicalJson } from "./canonical-hash.ts"
import { type ConfigProblem, type ConfigResult, decodeWithProblems, describeProblems, formatPath, type PathSegment, readJsonInput } from "./config-problems.ts"
import { type AddProblem, customToolProblems } from "./custom-tool-rules.ts"

export { type ConfigProblem, describeProblems }

export interface AgentsConfigValidationOptions {
  /** second.json's dataCollections; when given, an agent may only name these. */
  readonly declaredCollections?: readonly string[]
}

/**
 * `input` is the file's text (parsed as JSON) or an already-parsed value. Cross-field rules run
 * only once the shape is right, since they read typed fields.
 */
export function validateAgentsConfig(input: string | unknown, options: AgentsConfigValidationOptions = {}): ConfigResult<AgentsConfig> {
  const read = readJsonInput(input, AGENTS_CONFIG_FILE, AGENTS_CONFIG_LIMITS.fileBytes, isFreeJsonInAgentsConfig)
  if (!read.ok) return read
  const decoded = decodeWithProblems(AgentsConfig, read.value)
  if (!decoded.ok) return decoded
  const problems = agentsConfigProblems(decoded.config, options)
  return problems.length === 0 ? decoded : { ok: false, problems }
}

/**
 * The values agents.json leaves free-form (any JSON): a tool's mock answers, body template and
 * response schema, in agents[i].tools[j] or appTools[i]. Their nesting is limited from themselves.
 */
export function isFreeJsonInAgentsConfig(path: readonly PathSegment[]): boolean {
  const index = (at: number) => typeof path[at] === "number"
  const tail = path[0] === "agents" && index(1) && path[2] === "tools" && index(3) ? path.slice(4) : path[0] === "appTools" && index(1) ? path.slice(2) : null
  if (tail === null) return false
  const [field, item] = tail
  if (tail.length === 2) return (field === "mockData" && typeof item === "number") || (field === "endpoint" && item === "body")
  return tail.length === 1 && field === "responseSchema"
}

/** The cross-field rules alone, for a configuration that already has the right shape. */
export function agentsConfigProblems(config: AgentsConfig, options: AgentsConfigValidationOptions = {}): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  const add: AddProblem = (path, message) => problems.push({ path: formatPath(path), message })

  const appTools = config.appTools ?? []
  if (config.agents.length === 0 && appTools.length === 0) {
    add([], "declares nothing: add at least one agent to agents, or one tool to appTools")
  }
  const firstAgentIndex = new Map<string, number>()
  config.agents.forEach((agent, index) => {
    const earlier = firstAgentIndex.get(agent.id)
    if (earlier !== undefined) add(["agents", index, "id"], `"${agent.id}" is already the id of agents[${earlier}]; agent ids must be unique`)
    else firstAgentIndex.set(agent.id, index)
    agentProblems(agent, ["agents", index], options, add)
  })
  toolNameProblems(appTools.map((tool) => tool.name), ["appTools"], add)
  appTools.forEach((tool, index) => customToolProblems(tool, ["appTools", index], add))
  sharedCredentialProblems(config, add)
  return problems
}

function agentProblems(agent: AgentDefinition, at: readonly PathSegment[], options: AgentsConfigValidationOptions, add: AddProblem): void {
  toolNameProblems(agent.tools.map((tool) => tool.name), [...at, "tools"], add)
  agent.tools.forEach((tool, index) => {
    if (tool.type === "custom") customToolProblems(tool, [...at, "tools", index], add)
  })
  webToolProblems(agent, at, add)
  const collections = agent.dataCollections ?? []
  const declared = options.declaredCollections ? new Set(options.declaredCollections) : null
  collections.forEach((collection, index) => {
    const path = [...at, "dataCollections", index]
    if (collections.indexOf(collection) !== index) add(path, `repeats "${collection}"; list each collection once`)
    else if (declared && !declared.has(collection)) add(path, `"${collection}" is not one of the app's data collections; declare it in second.json's dataCollections first`)
  })
}

/** Unique, and none of the platform's own; a builtin listed twice is refused the same way. */
function toolNameProblems(names: readonly string[], at: readonly PathSegment[], add: AddProblem): void {
  names.forEach((name, index) => {
    const path = [...at, index, "name"]
    if (RESERVED_TOOL_NAMES.has(name)) add(path, `"${name}" is the platform's own tool and every agent already has it; choose another name`)
    const earlier = names.indexOf(name)
    if (earlier !== index) add(path, `"${name}" is already listed at ${formatPath([...at, earlier])}; tool names must be unique`)
  })
}

/**
 * An agent that can read company data (a credentialed tool) or the app's data (dataCollections)
 * must not also reach the open web, where it could send that data to any host: web tools need no
 * admin's approval, so they would be an exfiltration path nobody reviewed. Second asks this only in
 * its builder prompt; here it is a rule.
 */
function webToolProblems(agent: AgentDefinition, at: readonly PathSegment[], add: AddProblem): void {
  const credentialed = agent.tools.findIndex((tool) => tool.type === "custom" && tool.enabled !== false && (tool.integration.auth?.type ?? "none") !== "none")
  const collections = agent.dataCollections ?? []
  if (credentialed === -1 && collections.length === 0) return
  const reach: string[] = []
  if (credentialed !== -1) reach.push(`calls company APIs with credentials (${formatPath([...at, "tools", credentialed])})`)
  if (collections.length > 0) reach.push(`reads and writes app data (dataCollections: ${collections.join(", ")})`)
  const what = credentialed !== -1 && collections.length > 0 ? "company data and the app's data" : credentialed !== -1 ? "company data" : "the app's data"
  const without = [...(credentialed !== -1 ? ["credentialed tools"] : []), ...(collections.length > 0 ? ["dataCollections"] : [])].join(" or ")
  agent.tools.forEach((tool, index) => {
    if (tool.type !== "builtin" || tool.enabled === false) return
    add([...at, "tools", index], `${tool.name} is not allowed in an agent that ${reach.join(" and ")}: it could send ${what} to the web, to any host; move web research to a separate agent without ${without}`)
  })
}

/**
 * Tools on one domain and keySlug share one stored credential, and tools on one OAuth providerKey
 * share one workspace OAuth client, so their auth blocks must agree.
 */
function sharedCredentialProblems(config: AgentsConfig, add: AddProblem): void {
  const located: Array<{ tool: CustomTool; path: PathSegment[] }> = []
  config.agents.forEach((agent, agentIndex) =>
    agent.tools.forEach((tool, index) => {
      if (tool.type === "custom") located.push({ tool, path: ["agents", agentIndex, "tools", index] })
    }),
  )
  ;(config.appTools ?? []).forEach((tool, index) => located.push({ tool, path: ["appTools", index] }))

  const firstByKey = new Map<string, { auth: string; path: PathSegment[] }>()
  for (const { tool, path } of located) {
    const auth = tool.integration.auth
    if (auth === undefined || auth.type === "none") continue
    const shared = auth.type === "oauth2" ? { type: auth.type, providerKey: auth.providerKey, authorizationUrl: auth.authorizationUrl, tokenUrl: auth.tokenUrl, tokenAuthMethod: auth.tokenAuthMethod } : { type: auth.type }
    const keys = [`domain ${tool.integration.domain} keySlug ${tool.integration.keySlug ?? "default"}`]
    if (auth.type === "oauth2") keys.push(`providerKey ${auth.providerKey}`)
    for (const key of keys) {
      const first = firstByKey.get(key)
      if (first === undefined) firstByKey.set(key, { auth: canonicalJson(shared), path })
      else if (first.auth !== canonicalJson(shared)) {
        const reason = key.startsWith("providerKey")
          ? `uses OAuth provider "${(auth as { providerKey: string }).providerKey}" with other URLs or token method than ${formatPath(first.path)}; one providerKey is one OAuth client, so make them agree`
          : `shares domain "${tool.integration.domain}" and keySlug "${tool.integration.keySlug ?? "default"}" with ${formatPath(first.path)} but uses different auth; they share one stored credential, so make the auth agree or give one a different keySlug`
        add([...path, "integration", "auth"], reason)
      }
    }
  }
}
