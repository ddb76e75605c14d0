// What the builder tools' calls say, read defensively in the browser: small guards that mirror
// the schemas in shared/mcp/builder-tools.ts without importing them (that module imports Effect,
// which stays out of the browser bundle). A guard returns null for a malformed input, and the
// chat then shows the generic tool card. tool-input.test.ts keeps these shapes in step with the schemas.

import type { TranscriptPart } from "#shared/runs/transcript.ts"

type ToolPart = Extract<TranscriptPart, { kind: "tool" }>

export interface PlanFeatureView {
  readonly name: string
  readonly description: string
  readonly emoji: string | null
}

export interface PlanView {
  readonly title: string
  readonly overview: string
  readonly features: readonly PlanFeatureView[]
  readonly dataFlow: string
  readonly agents: string | null
  readonly backend: string | null
}

export interface SuggestionView {
  readonly emoji: string | null
  readonly title: string
  readonly subtitle: string | null
}

export interface AppMetadataView {
  readonly name: string
  readonly description: string
}

type Fields = Readonly<Record<string, unknown>>

const isFields = (value: unknown): value is Fields => typeof value === "object" && value !== null && !Array.isArray(value)

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** A required text field: a non-blank string, else null. */
const text = (value: unknown): string | null => (typeof value === "string" && value.trim().length > 0 ? value : null)

/**
 * An optional text field: absent, null and blank all mean "none". NOTE: a present value of the
 * wrong type makes the whole input malformed (undefined), as the schema would.
 */
const optionalText = (value: unknown): string | null | undefined =>
  value === undefined || value === null ? null : typeof value === "string" ? (value.trim().length > 0 ? value : null) : undefined

/** The call's input as an object: `input` when the runtime reported one, else the streamed `inputText` as JSON. */
export function toolInputFields(part: Pick<ToolPart, "input" | "inputText">): Fields | null {
  const input = typeof part.input === "string" ? parseJson(part.input) : part.input
  if (isFields(input)) return input
  const streamed = part.inputText.length > 0 ? parseJson(part.inputText) : undefined
  return isFields(streamed) ? streamed : null
}

function planFeature(value: unknown): PlanFeatureView | null {
  if (!isFields(value)) return null
  const name = text(value["name"])
  const description = text(value["description"])
  const emoji = optionalText(value["emoji"])
  return name !== null && description !== null && emoji !== undefined ? { name, description, emoji } : null
}

export function planInput(fields: Fields | null): PlanView | null {
  if (fields === null || !Array.isArray(fields["features"]) || fields["features"].length === 0) return null
  const features = fields["features"].map(planFeature)
  const title = text(fields["title"])
  const overview = text(fields["overview"])
  const dataFlow = text(fields["dataFlow"])
  const agents = optionalText(fields["agents"])
  const backend = optionalText(fields["backend"])
  if (title === null || overview === null || dataFlow === null || agents === undefined || backend === undefined) return null
  if (!features.every((feature): feature is PlanFeatureView => feature !== null)) return null
  return { title, overview, features, dataFlow, agents, backend }
}

function suggestion(value: unknown): SuggestionView | null {
  if (!isFields(value)) return null
  const title = text(value["title"])
  const emoji = optionalText(value["emoji"])
  const subtitle = optionalText(value["subtitle"])
  return title !== null && emoji !== undefined && subtitle !== undefined ? { emoji, title, subtitle } : null
}

export function suggestionsInput(fields: Fields | null): readonly SuggestionView[] | null {
  if (fields === null || !Array.isArray(fields["suggestions"]) || fields["suggestions"].length === 0) return null
  const suggestions = fields["suggestions"].map(suggestion)
  return suggestions.every((item): item is SuggestionView => item !== null) ? suggestions : null
}

export function appMetadataInput(fields: Fields | null): AppMetadataView | null {
  const name = text(fields?.["name"])
  const description = text(fields?.["description"])
  return name !== null && description !== null ? { name, description } : null
}

export function doneBuildingInput(fields: Fields | null): { readonly summary: string } | null {
  const summary = text(fields?.["summary"])
  return summary !== null ? { summary } : null
}

/** The `domain` a list_app_integration_keys call asked about, or null for all (undefined: malformed). */
export const integrationKeysDomain = (fields: Fields | null): string | null | undefined => (fields === null ? null : optionalText(fields["domain"]))

/** The object in an MCP result's first text block, if it holds JSON. */
function textBlockFields(blocks: readonly unknown[]): Fields | null {
  const block = blocks.find((item): item is Fields => isFields(item) && item["type"] === "text" && typeof item["text"] === "string")
  const inner = block ? parseJson(String(block["text"])) : undefined
  return isFields(inner) ? inner : null
}

/**
 * A tool's answer as an object. A runtime reports an MCP result as its JSON text, as its content
 * blocks (`[{ type: "text", text }]`) or as the whole result, so all three are read.
 */
export function toolOutputFields(output: string | null): Fields | null {
  const parsed = output === null ? undefined : parseJson(output)
  if (Array.isArray(parsed)) return textBlockFields(parsed)
  if (!isFields(parsed)) return null
  if (isFields(parsed["structuredContent"])) return parsed["structuredContent"]
  return Array.isArray(parsed["content"]) ? textBlockFields(parsed["content"]) : parsed
}

/** How many keys a list_app_integration_keys answer listed, or null when the answer cannot be read. */
export function integrationKeyCount(output: string | null): number | null {
  const keys = toolOutputFields(output)?.["keys"]
  return Array.isArray(keys) ? keys.length : null
}

/** The name and description the web stored (cleaned), from set_app_metadata's answer; null when it cannot be read. */
export function appMetadataStored(output: string | null): AppMetadataView | null {
  return appMetadataInput(toolOutputFields(output))
}

/** What set_app_metadata answered: false when the person had named the app, whose name stays. */
export function appMetadataNameApplied(output: string | null): boolean | null {
  const applied = toolOutputFields(output)?.["nameApplied"]
  return typeof applied === "boolean" ? applied : null
}
