// What the chat's agents cards read from the builder's present_agents and present_integration_setup
// answers, defensively: the answers arrive as text in the transcript, and a card that cannot read
// one gives way to the generic tool card. Plain guards rather than the shared Effect schemas, which
// stay out of the builder page's bundle (its first-load budget, docs/decisions/018). The shapes
// mirror shared/agents/agents-summary.ts; agents-summary-view.test.ts keeps them in step.

import { toolOutputFields } from "../builder/tool-input.ts"

type Fields = Readonly<Record<string, unknown>>

export type AuthType = "none" | "static" | "oauth2"

/** One HTTP tool, as a reviewer reads it: what it is called, what it calls, with which credential. */
export interface AgentToolView {
  readonly name: string
  readonly displayName: string | null
  readonly description: string | null
  readonly method: string
  readonly domain: string
  readonly authType: AuthType
  readonly providerKey: string | null
  readonly scopes: readonly string[]
}

export interface AgentView {
  readonly id: string
  readonly name: string
  readonly description: string
  readonly dataCollections: readonly string[]
  readonly builtinTools: readonly string[]
  readonly tools: readonly AgentToolView[]
}

export interface AgentsSummaryView {
  readonly agents: readonly AgentView[]
  /** Functions the app's own code calls. */
  readonly appTools: readonly AgentToolView[]
  /** Every domain any tool calls, sorted. */
  readonly domains: readonly string[]
}

const AUTH_TYPES = ["none", "static", "oauth2"] as const

const isFields = (value: unknown): value is Fields => typeof value === "object" && value !== null && !Array.isArray(value)
const text = (value: unknown): string | null => (typeof value === "string" && value.length > 0 ? value : null)
const optionalText = (value: unknown): string | null | undefined => (value === undefined || value === null ? null : typeof value === "string" ? value : undefined)
const texts = (value: unknown): string[] | null => (Array.isArray(value) && value.every((item) => typeof item === "string") ? value : null)

/** Every item read by `read`, or null when one cannot be. */
function all<T>(value: unknown, read: (item: unknown) => T | null): T[] | null {
  if (!Array.isArray(value)) return null
  const items = value.map(read)
  return items.every((item): item is T => item !== null) ? items : null
}

function toolView(value: unknown): AgentToolView | null {
  if (!isFields(value)) return null
  const name = text(value["name"])
  const method = text(value["method"])
  const domain = text(value["domain"])
  const displayName = optionalText(value["displayName"])
  const description = optionalText(value["description"])
  const providerKey = optionalText(value["providerKey"])
  const authType = AUTH_TYPES.find((type) => type === value["authType"])
  const scopes = value["scopes"] === undefined ? [] : texts(value["scopes"])
  if (name === null || method === null || domain === null || authType === undefined || scopes === null) return null
  if (displayName === undefined || description === undefined || providerKey === undefined) return null
  return { name, displayName, description, method, domain, authType, providerKey, scopes }
}

function agentView(value: unknown): AgentView | null {
  if (!isFields(value)) return null
  const id = text(value["id"])
  const name = text(value["name"])
  const description = optionalText(value["description"])
  const dataCollections = value["dataCollections"] === undefined ? [] : texts(value["dataCollections"])
  const builtinTools = value["builtinTools"] === undefined ? [] : texts(value["builtinTools"])
  const tools = all(value["tools"], toolView)
  if (id === null || name === null || description === undefined || dataCollections === null || builtinTools === null || tools === null) return null
  return { id, name, description: description ?? "", dataCollections, builtinTools, tools }
}

/** An AgentsSummary read from untrusted JSON, or null. */
export function agentsSummaryView(value: unknown): AgentsSummaryView | null {
  if (!isFields(value)) return null
  const agents = all(value["agents"], agentView)
  const appTools = value["appTools"] === undefined ? [] : all(value["appTools"], toolView)
  const domains = value["domains"] === undefined ? [] : texts(value["domains"])
  if (agents === null || appTools === null || domains === null) return null
  return { agents, appTools, domains }
}

export interface PresentedAgents {
  /** The canonical hash of the configuration shown: what an approval from this card approves. */
  readonly hash: string
  readonly summary: AgentsSummaryView
}

/** present_agents' answer ({ ok, status: "presented", hash, summary, next }), or null when it cannot be read. */
export function presentedAgents(output: string | null): PresentedAgents | null {
  const fields = toolOutputFields(output)
  if (fields === null || fields["ok"] === false) return null
  const hash = text(fields["hash"])
  const summary = agentsSummaryView(fields["summary"])
  return hash !== null && summary !== null ? { hash, summary } : null
}

export interface IntegrationSecretView {
  readonly name: string
  readonly label: string
  readonly required: boolean
}

export interface SetupStepView {
  readonly title: string
  readonly description: string | null
  readonly url: string | null
}

export interface IntegrationView {
  readonly name: string
  readonly domain: string
  readonly capability: string | null
  readonly why: string | null
  readonly authType: AuthType | null
  readonly providerKey: string | null
  readonly scopes: readonly string[]
  readonly permissions: readonly string[]
  readonly secrets: readonly IntegrationSecretView[]
  /** How an admin sets it up: an overview and steps (descriptions may hold Markdown links, shown as text). */
  readonly setup: { readonly overview: string | null; readonly steps: readonly SetupStepView[] }
}

function stepView(value: unknown): SetupStepView | null {
  if (!isFields(value)) return null
  const title = text(value["title"])
  return title === null ? null : { title, description: text(value["description"]), url: httpsUrl(value["url"]) }
}

/** Only https links become links: the setup is the builder's text, not the platform's. */
const httpsUrl = (value: unknown): string | null => (typeof value === "string" && /^https:\/\/[^\s]+$/.test(value) ? value : null)

function secretView(value: unknown): IntegrationSecretView | null {
  if (!isFields(value)) return null
  const name = text(value["name"])
  if (name === null) return null
  return { name, label: text(value["label"]) ?? name, required: value["required"] !== false }
}

/** Permission names from `permissionGroups[].permissions[]` or a flat `permissions[]`, whichever the summary has. */
function permissionsOf(value: Fields): string[] {
  const groups = Array.isArray(value["permissionGroups"]) ? value["permissionGroups"] : []
  const grouped = groups.flatMap((group) => (isFields(group) ? (texts(group["permissions"]) ?? []) : []))
  return [...grouped, ...(texts(value["permissions"]) ?? [])]
}

function integrationView(value: unknown): IntegrationView | null {
  if (!isFields(value)) return null
  const name = text(value["name"])
  const domain = text(value["domain"])
  if (name === null || domain === null) return null
  const auth = isFields(value["auth"]) ? value["auth"] : null
  const authType = AUTH_TYPES.find((type) => type === (auth?.["type"] ?? value["authType"])) ?? null
  const secrets = all(value["secrets"] ?? [], secretView) ?? []
  const setup = isFields(value["setupInstructions"]) ? value["setupInstructions"] : {}
  return {
    name,
    domain,
    capability: text(value["capabilityLabel"]) ?? text(value["capability"]),
    why: text(value["why"]),
    authType,
    providerKey: text(auth?.["providerKey"] ?? value["providerKey"]),
    scopes: texts(auth?.["scopes"] ?? value["scopes"]) ?? [],
    permissions: permissionsOf(value),
    secrets,
    setup: { overview: text(setup["overview"]), steps: all(setup["steps"] ?? [], stepView) ?? [] },
  }
}

/** present_integration_setup's answer ({ ok, status, summary }): the integrations to set up, or null. */
export function presentedIntegrationSetup(output: string | null): { readonly status: string | null; readonly integrations: readonly IntegrationView[] } | null {
  const fields = toolOutputFields(output)
  if (fields === null || fields["ok"] === false) return null
  const summary = isFields(fields["summary"]) ? fields["summary"] : null
  const integrations = all(summary?.["integrations"], integrationView)
  return integrations === null ? null : { status: text(fields["status"]), integrations }
}
