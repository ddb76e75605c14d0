// The builder agent's own tools (the `second` tool set): what each takes, as one schema that the
// worker advertises to the runtimes (as JSON Schema) and decodes each call with, and the web
// decodes again where a tool reaches it. Names and canonical names are in tool-names.ts.

import { Schema } from "effect"
import { IntegrationSetup } from "../agents/integration-setup.ts"
import { APPROVAL_STOP_TOOLS, type BuilderToolName } from "./tool-names.ts"

export * from "./tool-names.ts"

const text = (max: number) => Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(max))
/** Optional, and null accepted too (models often send null for "none"). */
const optionalText = (max: number) => Schema.optionalKey(Schema.NullOr(Schema.String.check(Schema.isMaxLength(max))))

export const PlanFeature = Schema.Struct({
  name: text(120),
  description: text(1_000),
  emoji: optionalText(16),
})
export type PlanFeature = typeof PlanFeature.Type

export const PresentPlanInput = Schema.Struct({
  title: text(120).annotate({ description: "The app's working title, a few words." }),
  overview: text(4_000).annotate({ description: "What the app does and for whom, in two to four sentences." }),
  features: Schema.Array(PlanFeature)
    .check(Schema.isMinLength(1), Schema.isMaxLength(20))
    .annotate({ description: "The features to build, one line each." }),
  dataFlow: text(4_000).annotate({ description: "Where the app's data comes from, where it is kept, and who sees it." }),
  agents: optionalText(4_000).annotate({ description: "The app's own agents, if it needs any (else null)." }),
  backend: optionalText(4_000).annotate({ description: "Data collections or integrations it needs (else null)." }),
})
export type PresentPlanInput = typeof PresentPlanInput.Type

export const Suggestion = Schema.Struct({
  emoji: optionalText(16),
  title: text(80).annotate({ description: "The next step, as the person would say it." }),
  subtitle: optionalText(200),
})
export type Suggestion = typeof Suggestion.Type

export const PresentSuggestionsInput = Schema.Struct({
  suggestions: Schema.Array(Suggestion).check(Schema.isMinLength(2), Schema.isMaxLength(6)),
})
export type PresentSuggestionsInput = typeof PresentSuggestionsInput.Type

/**
 * present_agents and present_integration_setup read the files the builder wrote: they take
 * nothing. NOTE: not `Schema.Struct({})`, whose JSON Schema is "anything but null" — MCP clients
 * drop a whole server whose tool's input schema is not an object.
 */
export const PresentFileInput = Schema.Record(Schema.String, Schema.Unknown)

export const SetAppMetadataInput = Schema.Struct({
  name: text(60).annotate({ description: "A short, human name for the app (not a sentence)." }),
  description: text(200).annotate({ description: "One line saying what the app is for." }),
})
export type SetAppMetadataInput = typeof SetAppMetadataInput.Type

export const DoneBuildingInput = Schema.Struct({
  summary: text(4_000).annotate({ description: "What was built or changed in this turn, for the person." }),
})
export type DoneBuildingInput = typeof DoneBuildingInput.Type

export const ListIntegrationKeysInput = Schema.Struct({
  domain: optionalText(253).annotate({
    description: "Only keys for this API domain (e.g. api.github.com).",
  }),
})
export type ListIntegrationKeysInput = typeof ListIntegrationKeysInput.Type

/** A secret an integration key declares (never its value): whether an admin has stored it yet. */
export const IntegrationKeySecret = Schema.Struct({
  name: Schema.String,
  required: Schema.Boolean,
  configured: Schema.Boolean,
})
export type IntegrationKeySecret = typeof IntegrationKeySecret.Type

/**
 * One integration key granted to the app (one entry of the integration-setup.json it presented):
 * what an app agent's tool may call with, and whether an admin has finished setting it up
 * (static: every required secret stored; oauth: the provider's OAuth client saved; none: always).
 */
export const IntegrationKey = Schema.Struct({
  domain: Schema.String,
  keySlug: Schema.String,
  auth: Schema.Literals(["oauth", "static", "none"]),
  providerKey: Schema.NullOr(Schema.String),
  configured: Schema.Boolean,
  secrets: Schema.Array(IntegrationKeySecret),
  /** For oauth: the scopes the app's tools need from each person's connection. */
  scopes: Schema.Array(Schema.String),
})
export type IntegrationKey = typeof IntegrationKey.Type

export const IntegrationKeysResult = Schema.Struct({ keys: Schema.Array(IntegrationKey) })
export type IntegrationKeysResult = typeof IntegrationKeysResult.Type

/**
 * What the broker sends the web once present_integration_setup found a valid file: the setup as
 * validated, which becomes the app's grant set (upsert listed keys, delete absent ones).
 */
export const SyncIntegrationSetupInput = Schema.Struct({ setup: IntegrationSetup })
export type SyncIntegrationSetupInput = typeof SyncIntegrationSetupInput.Type

/** The app's grant set after a sync: how many keys were written and removed, and which keys it holds ("domain keySlug"). */
export const SyncIntegrationSetupResult = Schema.Struct({
  upserted: Schema.Number,
  deleted: Schema.Number,
  keys: Schema.Array(Schema.String),
})
export type SyncIntegrationSetupResult = typeof SyncIntegrationSetupResult.Type

export const AppMetadataResult = Schema.Struct({
  /** False when the person had named the app themselves: their name stays. */
  nameApplied: Schema.Boolean,
  name: Schema.String,
  description: Schema.String,
})
export type AppMetadataResult = typeof AppMetadataResult.Type

interface ToolDefinition {
  readonly description: string
  readonly input: Schema.Top
  /** Answered by the web (it needs durable state); the others are answered by the broker itself. */
  readonly answeredByWeb: boolean
}

/** The `second` tool set. The builder's system prompt names these; a test keeps the two in step. */
export const BUILDER_TOOLS: { readonly [K in BuilderToolName]: ToolDefinition } = {
  present_plan: {
    description:
      "Show the person a plan for the app and wait for their approval. Use it before building something new or making a large change. Your turn ends when it returns: do not build until the next message approves.",
    input: PresentPlanInput,
    answeredByWeb: false,
  },
  present_suggestions: {
    description:
      "Offer the person 2 to 6 next steps as chips they can click. Use it at the end of a turn that finished something. Your turn ends when it returns.",
    input: PresentSuggestionsInput,
    answeredByWeb: false,
  },
  present_agents: {
    description:
      "Show the person the app's agents (agents.json) for approval: each agent, its tools, the API domains they call and the data collections they use. Call it after writing or changing agents.json; if the file has problems you get them back, with the JSON path of each, to fix first. Your turn ends when it returns.",
    input: PresentFileInput,
    answeredByWeb: false,
  },
  present_integration_setup: {
    description:
      "Show the admin what integrations the app needs set up (integration-setup.json): each API, why, the permissions and the secrets to provide. Call it after writing integration-setup.json; problems come back with their JSON paths. Your turn ends when it returns.",
    input: PresentFileInput,
    answeredByWeb: false,
  },
  set_app_metadata: {
    description:
      "Give the app a short name and a one-line description. Call it once early in the first turn of a new app, and again only if the app's purpose changes.",
    input: SetAppMetadataInput,
    answeredByWeb: true,
  },
  done_building: {
    description:
      "Say that the app is built and works: call it last in every turn that changed the app's files, with a short summary of what changed.",
    input: DoneBuildingInput,
    answeredByWeb: false,
  },
  list_app_integration_keys: {
    description:
      "List the integration keys (API domains and credentials) this app has, from the integration-setup.json it last presented, each with whether an admin has finished setting it up (configured). Keys are per app: another app's keys never count for this one.",
    input: ListIntegrationKeysInput,
    answeredByWeb: true,
  },
}

/** Whether the turn ends right after this tool's result. */
export const endsTurn = (tool: BuilderToolName): boolean => APPROVAL_STOP_TOOLS.has(tool)
