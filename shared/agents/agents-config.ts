// agents.json: the app's own agents and the HTTP tools they (and the app itself) may call. The
// builder writes it in the app's source; an admin reviews it; nothing in it runs until the exact
// configuration (by its canonical hash, canonical-hash.ts) has been approved. This is the shape
// only: the rules that need more than one field (placeholders, domains, reserved names) are in
// validate-agents-config.ts, which reports every problem with its JSON path.
//
// Stricter than Second's format on purpose: a tool's inputs are declared parameters (so the agent
// gets a real JSON Schema and a placeholder can only name a declared input), and the kind of
// credential a tool uses is said outright (`auth.type`) rather than guessed from its templates.

import { Schema } from "effect"
import { COLLECTION_NAME_PATTERN } from "../apps/app-data.ts"

/** Agent ids: lower-case words joined by "-" ("inbox-triage"). */
export const AGENT_ID_PATTERN = /^[a-z][a-z0-9-]{0,47}$/
/** Tool and parameter names: snake_case, as the runtimes' tool names need. */
export const TOOL_NAME_PATTERN = /^[a-z][a-z0-9_]{0,47}$/
export const PARAMETER_NAME_PATTERN = /^[a-z][A-Za-z0-9_]{0,47}$/
/** A static secret's name, as `{{secrets.NAME}}` references it. */
export const SECRET_NAME_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/
/** The key an integration's credentials are stored under, per app and domain. */
export const KEY_SLUG_PATTERN = /^[a-z][a-z0-9-]{0,47}$/
/** A bare host name (no scheme, port or path), lower-case. */
export const DOMAIN_PATTERN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/

/** Tools that are the platform's own and cannot be declared. */
export const RESERVED_TOOL_NAMES: ReadonlySet<string> = new Set(["report_tool_call_failed"])
/** The runtimes' own tools an agent may be given. Nothing that reads or writes files or runs commands. */
export const BUILTIN_TOOL_NAMES = ["WebSearch", "WebFetch"] as const
export type BuiltinToolName = (typeof BUILTIN_TOOL_NAMES)[number]

export const AGENTS_CONFIG_LIMITS = {
  agents: 20,
  toolsPerAgent: 30,
  appTools: 30,
  parameters: 20,
  mockData: 10,
  /** agents.json itself, in bytes. */
  fileBytes: 256 * 1024,
} as const

const text = (max: number) => Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(max))
const optionalText = (max: number) => Schema.optionalKey(Schema.String.check(Schema.isMaxLength(max)))
const StringMap = Schema.Record(Schema.String, Schema.String)

export const ToolParameter = Schema.Struct({
  type: Schema.Literals(["string", "number", "integer", "boolean"]),
  description: optionalText(500),
  /** Default false: the agent may leave it out (a placeholder for it is then left empty). */
  required: Schema.optionalKey(Schema.Boolean),
  enum: Schema.optionalKey(Schema.Array(text(200)).check(Schema.isMinLength(1), Schema.isMaxLength(50))),
})
export type ToolParameter = typeof ToolParameter.Type

export const OAuthAuth = Schema.Struct({
  type: Schema.Literal("oauth2"),
  /** The workspace's OAuth client for this provider (Settings → Integrations). */
  providerKey: Schema.String.check(Schema.isPattern(KEY_SLUG_PATTERN)),
  /** Calls run with the account of the person who triggered the agent, never anyone else's. */
  identity: Schema.Literal("triggering_user"),
  authorizationUrl: text(2_000),
  tokenUrl: text(2_000),
  scopes: Schema.Array(text(300)).check(Schema.isMaxLength(50)),
  tokenAuthMethod: Schema.Literals(["client_secret_post", "client_secret_basic", "none"]),
  authorizationParams: Schema.optionalKey(StringMap),
  tokenParams: Schema.optionalKey(StringMap),
})
export type OAuthAuth = typeof OAuthAuth.Type

/**
 * A scope is one token (RFC 6749 §3.3: scopes are space-delimited on the wire): "a b" would be
 * requested as two scopes but checked as one, so every connect would end in missing_scopes.
 */
export function oauthScopeProblem(scope: string): string | null {
  return /[\s\u0000-\u001f\u007f]/.test(scope) ? `must be one scope without spaces or control characters; list each scope as its own string (split "${scope.replace(/[\u0000-\u001f\u007f]/g, "?")}" into separate entries)` : null
}

/** none: a public API; static: `{{secrets.NAME}}` values an admin stores per app; oauth2: the triggering person's account. */
export const IntegrationAuth = Schema.Union([Schema.Struct({ type: Schema.Literal("none") }), Schema.Struct({ type: Schema.Literal("static") }), OAuthAuth])
export type IntegrationAuth = typeof IntegrationAuth.Type

export const Integration = Schema.Struct({
  name: text(120),
  domain: Schema.String.check(Schema.isPattern(DOMAIN_PATTERN)),
  /** Default "default". */
  keySlug: Schema.optionalKey(Schema.String.check(Schema.isPattern(KEY_SLUG_PATTERN))),
  setupSearchQuery: optionalText(300),
  /** Default { type: "none" }. */
  auth: Schema.optionalKey(IntegrationAuth),
})
export type Integration = typeof Integration.Type

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const

export const Endpoint = Schema.Struct({
  method: Schema.Literals(HTTP_METHODS),
  /** https://<domain or a subdomain>/…, with `{{input.name}}` placeholders (URL-encoded when filled). */
  url: text(2_000),
  headers: Schema.optionalKey(StringMap),
  queryParams: Schema.optionalKey(StringMap),
  /** JSON; a string that is exactly one placeholder is replaced by the input's value itself. */
  body: Schema.optionalKey(Schema.Json),
})
export type Endpoint = typeof Endpoint.Type

export const CustomTool = Schema.Struct({
  type: Schema.Literal("custom"),
  name: Schema.String.check(Schema.isPattern(TOOL_NAME_PATTERN)),
  displayName: optionalText(120),
  /** What the tool does, for the agent that calls it. */
  description: text(2_000),
  /** Default true; a disabled tool is not part of the effective configuration. */
  enabled: Schema.optionalKey(Schema.Boolean),
  /** UI only: a hint that the tool is worth keeping on. Not part of the effective configuration. */
  recommended: Schema.optionalKey(Schema.Boolean),
  integration: Integration,
  endpoint: Endpoint,
  input: Schema.optionalKey(Schema.Record(Schema.String, ToolParameter)),
  responseSchema: Schema.optionalKey(Schema.Json),
  /** What the tool answers while it is not approved for live calls or not configured: at least one example. */
  mockData: Schema.Array(Schema.Json).check(Schema.isMinLength(1), Schema.isMaxLength(AGENTS_CONFIG_LIMITS.mockData)),
})
export type CustomTool = typeof CustomTool.Type

export const BuiltinTool = Schema.Struct({
  type: Schema.Literal("builtin"),
  name: Schema.Literals(BUILTIN_TOOL_NAMES),
  enabled: Schema.optionalKey(Schema.Boolean),
  recommended: Schema.optionalKey(Schema.Boolean),
})
export type BuiltinTool = typeof BuiltinTool.Type

export const AgentTool = Schema.Union([CustomTool, BuiltinTool])
export type AgentTool = typeof AgentTool.Type

export const AgentDefinition = Schema.Struct({
  id: Schema.String.check(Schema.isPattern(AGENT_ID_PATTERN)),
  name: text(120),
  description: text(1_000),
  systemPrompt: text(20_000),
  /** The app's data collections the agent may read and write (each must be in second.json's dataCollections). */
  dataCollections: Schema.optionalKey(Schema.Array(Schema.String.check(Schema.isPattern(COLLECTION_NAME_PATTERN))).check(Schema.isMaxLength(50))),
  tools: Schema.Array(AgentTool).check(Schema.isMaxLength(AGENTS_CONFIG_LIMITS.toolsPerAgent)),
})
export type AgentDefinition = typeof AgentDefinition.Type

export const AgentsConfig = Schema.Struct({
  agents: Schema.Array(AgentDefinition).check(Schema.isMaxLength(AGENTS_CONFIG_LIMITS.agents)),
  /** Functions the app's own code calls through the SDK (callAppTool), with the viewer's identity. */
  appTools: Schema.optionalKey(Schema.Array(CustomTool).check(Schema.isMaxLength(AGENTS_CONFIG_LIMITS.appTools))),
})
export type AgentsConfig = typeof AgentsConfig.Type

/** Where the builder writes it, relative to the app's directory. */
export const AGENTS_CONFIG_FILE = "agents.json"
