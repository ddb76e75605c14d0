// The models each runtime offers, and its default: Claude Code's from a dated table (the CLI has
// no offline list), Codex's from its bundled catalog (`codex debug models --bundled`, a table
// when that cannot be read), OpenCode's from `opencode models --verbose` for the providers this
// worker has keys for. Pure parsing and choosing; detection.ts runs the commands.

import { Option, Schema } from "effect"
import { MODEL_NAME_PATTERN } from "#shared/runtime/cli-arguments.ts"
import { DEFAULT_CODEX_MODEL } from "./adapters/codex-adapter.ts"
import { DEFAULT_OPENCODE_MODEL } from "./adapters/opencode-adapter.ts"

export interface RuntimeModel {
  /** What the CLI is given (`--model`, config `model`). */
  readonly id: string
  /** What a person reads in the picker. */
  readonly label: string
}

/**
 * Claude Code 2.1.197's aliases and the model each asks for, checked on 2026-12-05 against a
 * model server recording the model of each `claude -p --model <alias>` (detection.integration
 * test checks it again against the installed CLI). An alias follows the newest model of its
 * family, so it moves with the CLI; a full id stays. Update this table with the CLI's pin.
 */
export const CLAUDE_ALIASES: readonly { readonly alias: string; readonly asksFor: string; readonly name: string }[] = [
  { alias: "opus", asksFor: "claude-opus-4-8", name: "Claude Opus 4.8" },
  { alias: "sonnet", asksFor: "claude-sonnet-5", name: "Claude Sonnet 5" },
  { alias: "haiku", asksFor: "claude-haiku-4-5-20251001", name: "Claude Haiku 4.5" },
  { alias: "fable", asksFor: "claude-fable-5", name: "Claude Fable 5" },
]

/** Full ids Claude Code 2.1.197 passes through as they are, newest first. */
const CLAUDE_FULL_IDS: readonly RuntimeModel[] = [
  { id: "claude-opus-4-8", label: "Claude Opus 4.8" },
  { id: "claude-sonnet-5", label: "Claude Sonnet 5" },
  { id: "claude-fable-5", label: "Claude Fable 5" },
  { id: "claude-haiku-4-5", label: "Claude Haiku 4.5" },
  { id: "claude-opus-4-7", label: "Claude Opus 4.7" },
  { id: "claude-sonnet-4-6", label: "Claude Sonnet 4.6" },
  { id: "claude-sonnet-4-5", label: "Claude Sonnet 4.5" },
]

export const CLAUDE_MODELS: readonly RuntimeModel[] = [
  ...CLAUDE_ALIASES.map(({ alias, name }) => ({ id: alias, label: `${alias[0]!.toUpperCase()}${alias.slice(1)}, the latest: ${name}` })),
  ...CLAUDE_FULL_IDS,
]

/**
 * Claude Code's own choice without `--model` (with an API key, as the worker runs it) is what
 * `opus` asks for: naming it keeps the picker, the stored run and the model that answers in agreement.
 */
export const CLAUDE_DEFAULT_MODEL = "opus"

/** When Codex's bundled catalog cannot be read: its listed models as of 0.171.0 (2026-12-05). */
export const CODEX_FALLBACK_MODELS: readonly RuntimeModel[] = [
  { id: "gpt-5.5", label: "GPT-5.5" },
  { id: "gpt-6.2-sol", label: "GPT-6.2-Sol" },
  { id: "gpt-6.2-astra", label: "GPT-6.2-Astra" },
  { id: "gpt-6-sol", label: "GPT-6-Sol" },
  { id: "gpt-6-luna", label: "GPT-6-Luna" },
]

/** The model Codex is started with when given none: the adapter's. */
export const CODEX_DEFAULT_MODEL = DEFAULT_CODEX_MODEL

/**
 * OpenCode's default per configured provider, the first configured one winning: the adapter's
 * own default for OpenAI, and the same models the other runtimes default to for the others.
 */
const OPENCODE_PROVIDER_DEFAULTS: Readonly<Record<string, string>> = {
  openai: DEFAULT_OPENCODE_MODEL,
  anthropic: "anthropic/claude-opus-4-8",
  google: "google/gemini-2.5-pro",
}

const isModelId = (id: string) => MODEL_NAME_PATTERN.test(id)

const CodexCatalog = Schema.Struct({
  models: Schema.Array(
    Schema.Struct({
      slug: Schema.String,
      display_name: Schema.String,
      // "list" for models Codex offers in its own picker; "hide" for internal or retired ones.
      visibility: Schema.String,
      supported_in_api: Schema.Boolean,
      priority: Schema.Number,
    }),
  ),
})
const decodeCodexCatalog = Schema.decodeUnknownOption(Schema.fromJsonString(CodexCatalog))

/** The models Codex lists for API use, in its own order; null when the output is not its catalog. */
export function parseCodexCatalog(output: string): RuntimeModel[] | null {
  const catalog = decodeCodexCatalog(output)
  if (Option.isNone(catalog)) return null
  const models = catalog.value.models
    .filter((model) => model.visibility === "list" && model.supported_in_api && isModelId(model.slug))
    .toSorted((a, b) => a.priority - b.priority)
    .map((model) => ({ id: model.slug, label: model.display_name || model.slug }))
  return models.length > 0 ? models : null
}

const OpencodeModel = Schema.Struct({
  id: Schema.String,
  providerID: Schema.String,
  name: Schema.String,
  status: Schema.optional(Schema.String),
  capabilities: Schema.Struct({ toolcall: Schema.Boolean }),
})
const decodeOpencodeModel = Schema.decodeUnknownOption(Schema.fromJsonString(OpencodeModel))

/**
 * `opencode models --verbose` prints each model as its `provider/model` line followed by its
 * metadata as indented JSON closed by a `}` at the start of a line. Kept: the given providers'
 * models that can call tools (the builder works through tools) and are not deprecated.
 */
export function parseOpencodeModels(output: string, providers: readonly string[]): RuntimeModel[] {
  const models: RuntimeModel[] = []
  let header: string | null = null
  let body: string[] = []
  for (const line of output.split("\n")) {
    if (header === null) {
      if (/^\S+\/\S+$/.test(line)) {
        header = line
        body = []
      }
      continue
    }
    body.push(line)
    if (line !== "}") continue
    const model = decodeOpencodeModel(body.join("\n"))
    const id = header
    header = null
    if (Option.isNone(model)) continue
    const { providerID, name, status, capabilities } = model.value
    if (!providers.includes(providerID) || !id.startsWith(`${providerID}/`) || !isModelId(id)) continue
    if (!capabilities.toolcall || status === "deprecated") continue
    models.push({ id, label: `${name || id} · ${providerID}` })
  }
  return models
}

/** OpenCode's default among what it lists: its adapter's, else the first configured provider's, else the first listed. */
export function opencodeDefault(models: readonly RuntimeModel[], providers: readonly string[]): string | null {
  const listed = (id: string | undefined) => id !== undefined && models.some((model) => model.id === id)
  if (listed(DEFAULT_OPENCODE_MODEL)) return DEFAULT_OPENCODE_MODEL
  const preferred = providers.map((provider) => OPENCODE_PROVIDER_DEFAULTS[provider]).find(listed)
  return preferred ?? models[0]?.id ?? null
}

/** Codex's default: the adapter's when Codex lists it, else the first it lists. */
export function codexDefault(models: readonly RuntimeModel[]): string | null {
  return models.some((model) => model.id === CODEX_DEFAULT_MODEL) ? CODEX_DEFAULT_MODEL : (models[0]?.id ?? null)
}
