// What an admin approves is the effective agents configuration, identified by a hash that only an
// effective change moves: reordering keys, reformatting, toggling a UI hint or adding a disabled
// tool keep an approval; a different URL, parameter, prompt or mock answer clears it. Pure JS
// sha256 so the browser (Agents page, chat cards) computes the same hash as the server.

import { sha256 } from "@oslojs/crypto/sha2"
import { encodeHexLowerCase } from "@oslojs/encoding"
import type { AgentDefinition, AgentsConfig, CustomTool, Integration, ToolParameter } from "./agents-config.ts"

/** Bumped when the effective form changes meaning, so an old approval never matches a new reading. */
export const AGENTS_CONFIG_HASH_VERSION = "v1"

/**
 * Deeper than any configuration that passed validation (json-depth.ts allows 32 levels inside a
 * free value, a few more for the file's own shape), far short of the stack's end.
 */
export const CANONICAL_JSON_MAX_DEPTH = 128

/** A value nested too deeply to put in canonical form; a reader treats its configuration as invalid. */
export class JsonTooDeepError extends Error {
  readonly _tag = "JsonTooDeepError"
  constructor() {
    super(`the value nests arrays and objects more than ${CANONICAL_JSON_MAX_DEPTH} levels deep`)
    this.name = "JsonTooDeepError"
  }
}

/**
 * JSON with object keys sorted, no whitespace, `undefined` members dropped (as JSON.stringify drops
 * them). Throws JsonTooDeepError, never a stack overflow, for a value nested too deeply.
 */
export function canonicalJson(value: unknown): string {
  return canonical(value, 0)
}

function canonical(value: unknown, depth: number): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null"
  if (depth >= CANONICAL_JSON_MAX_DEPTH) throw new JsonTooDeepError()
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? "null" : canonical(item, depth + 1))).join(",")}]`
  const members = Object.keys(value)
    .sort()
    .flatMap((key) => {
      const item = (value as Record<string, unknown>)[key]
      return item === undefined || typeof item === "function" ? [] : [`${JSON.stringify(key)}:${canonical(item, depth + 1)}`]
    })
  return `{${members.join(",")}}`
}

/** `"v1:<sha256 hex>"` of the effective configuration; throws JsonTooDeepError for one nested too deeply. */
export function agentsConfigHash(config: AgentsConfig): string {
  const digest = sha256(new TextEncoder().encode(canonicalJson(effectiveAgentsConfig(config))))
  return `${AGENTS_CONFIG_HASH_VERSION}:${encodeHexLowerCase(digest)}`
}

/**
 * The configuration as it runs: defaults written out, disabled tools and UI-only fields
 * (recommended, displayName, setupSearchQuery) gone, empty optional maps and lists gone.
 */
export function effectiveAgentsConfig(config: AgentsConfig): unknown {
  const appTools = (config.appTools ?? []).filter(isEnabled).map(effectiveCustomTool)
  return withoutEmpty({
    agents: config.agents.map(effectiveAgent),
    appTools,
  }, ["appTools"])
}

function effectiveAgent(agent: AgentDefinition): unknown {
  return {
    id: agent.id,
    name: agent.name,
    description: agent.description,
    systemPrompt: agent.systemPrompt,
    dataCollections: [...(agent.dataCollections ?? [])],
    tools: agent.tools.filter(isEnabled).map((tool) => (tool.type === "builtin" ? { type: "builtin", name: tool.name, enabled: true } : effectiveCustomTool(tool))),
  }
}

function effectiveCustomTool(tool: CustomTool): unknown {
  return withoutEmpty({
    type: "custom",
    name: tool.name,
    description: tool.description,
    enabled: true,
    integration: effectiveIntegration(tool.integration),
    endpoint: withoutEmpty({ ...tool.endpoint }, ["headers", "queryParams"]),
    input: Object.fromEntries(Object.entries(tool.input ?? {}).map(([name, parameter]) => [name, effectiveParameter(parameter)])),
    ...(tool.responseSchema === undefined ? {} : { responseSchema: tool.responseSchema }),
    mockData: tool.mockData,
  }, ["input"])
}

function effectiveIntegration(integration: Integration): unknown {
  const auth = integration.auth ?? { type: "none" as const }
  return {
    name: integration.name,
    domain: integration.domain,
    keySlug: integration.keySlug ?? "default",
    auth: auth.type === "oauth2" ? withoutEmpty({ ...auth }, ["authorizationParams", "tokenParams"]) : { type: auth.type },
  }
}

function effectiveParameter(parameter: ToolParameter): unknown {
  return withoutEmpty({ ...parameter, required: parameter.required ?? false }, ["description"])
}

const isEnabled = (tool: { readonly enabled?: boolean | undefined }) => tool.enabled !== false

/** Drops the named optional members when they are empty ("", [], {}), so absent and empty hash alike. */
function withoutEmpty<T extends Record<string, unknown>>(value: T, optional: readonly (keyof T)[]): T {
  const copy: Record<string, unknown> = { ...value }
  for (const key of optional) {
    const item = copy[key as string]
    const empty = item === undefined || item === "" || (Array.isArray(item) ? item.length === 0 : typeof item === "object" && item !== null && Object.keys(item).length === 0)
    if (empty) delete copy[key as string]
  }
  return copy as T
}
