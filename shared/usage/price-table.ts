// The one dated price table: what a run costs when its runtime does not say (Codex never does;
// OpenCode not for every model; Claude Code reports its own). Estimates only, marked as such
// wherever they are shown.
//
// NOTE: prices change without notice and nothing here follows them: update this table BY HAND
// (and PRICE_TABLE_DATE with it) when a provider changes its prices or the worker's model catalog
// (worker/src/runtime/model-catalog.ts) gains a model. Sources, read on PRICE_TABLE_DATE:
// Anthropic's model pages (platform.claude.com/docs/…/models/<model>/overview: Opus 4.8 $5/$25,
// cache read $0.50; Sonnet 5 $2/$10; Fable 5 $10/$50; Haiku 4.5 $1/$5) and OpenAI's pricing page
// (developers.openai.com/api/docs/pricing: GPT-5.5 $5/$30, cached $0.50; GPT-6 Sol $2/$10, cached
// $0.20; GPT-6 Luna $0.10/$0.50, cached $0.01), as quoted by the pages that cite them. Standard
// (short-context) rates; long-context, batch and fast-mode tariffs are not modelled, and cache
// writes are priced as plain input. GPT-6.2 Sol and Astra had no published price to copy: their
// runs show cost as unknown until someone adds them.

export const PRICE_TABLE_DATE = "2026-12-05"

/** USD per one million tokens. `cachedInput` applies to the cached share of the input. */
export interface ModelPrice {
  readonly input: number
  readonly output: number
  readonly cachedInput: number
}

/** Keyed by the provider's model id, without an OpenCode `provider/` prefix or a dated suffix. */
export const MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  "claude-opus-4-8": { input: 5, output: 25, cachedInput: 0.5 },
  "claude-opus-4-7": { input: 5, output: 25, cachedInput: 0.5 },
  "claude-sonnet-5": { input: 2, output: 10, cachedInput: 0.2 },
  "claude-sonnet-4-6": { input: 3, output: 15, cachedInput: 0.3 },
  "claude-sonnet-4-5": { input: 3, output: 15, cachedInput: 0.3 },
  "claude-fable-5": { input: 10, output: 50, cachedInput: 1 },
  "claude-haiku-4-5": { input: 1, output: 5, cachedInput: 0.1 },
  "gpt-5.5": { input: 5, output: 30, cachedInput: 0.5 },
  "gpt-6-sol": { input: 2, output: 10, cachedInput: 0.2 },
  "gpt-6-luna": { input: 0.1, output: 0.5, cachedInput: 0.01 },
}

/** Claude Code's aliases, as model-catalog.ts's CLAUDE_ALIASES resolves them (update both together). */
const CLAUDE_ALIAS_MODELS: Readonly<Record<string, string>> = {
  opus: "claude-opus-4-8",
  sonnet: "claude-sonnet-5",
  haiku: "claude-haiku-4-5",
  fable: "claude-fable-5",
}

/**
 * What a run with no model chosen (null) ran on: each runtime's default (model-catalog.ts:
 * CLAUDE_DEFAULT_MODEL, and the Codex and OpenCode adapters' DEFAULT_*_MODEL).
 */
const RUNTIME_DEFAULT_MODELS: Readonly<Record<string, string>> = {
  claude: "opus",
  codex: "gpt-5.5",
  opencode: "openai/gpt-5.5",
}

/** The table's key for a model as a run stored it; null when the run names none and its runtime has no known default. */
export function priceKey(runtime: string, model: string | null): string | null {
  const named = model ?? RUNTIME_DEFAULT_MODELS[runtime] ?? null
  if (named === null) return null
  const bare = named.includes("/") ? named.slice(named.lastIndexOf("/") + 1) : named
  const resolved = CLAUDE_ALIAS_MODELS[bare] ?? bare
  // Dated snapshots (claude-haiku-4-5-20251001, gpt-5.5-2026-04-23) cost what their model does.
  return resolved.replace(/-(\d{8}|\d{4}-\d{2}-\d{2})$/, "")
}

export interface TokenCounts {
  /** Everything the model read, the cached share included (shared/runtime/run-event.ts Usage). */
  readonly inputTokens: number
  readonly outputTokens: number
  readonly cachedInputTokens: number | null
}

/** The table's estimate in USD, or null when the model is not in it. */
export function estimateCostUsd(runtime: string, model: string | null, tokens: TokenCounts): number | null {
  const key = priceKey(runtime, model)
  const price = key === null ? undefined : MODEL_PRICES[key]
  if (!price) return null
  const cached = Math.min(tokens.cachedInputTokens ?? 0, tokens.inputTokens)
  const usd = ((tokens.inputTokens - cached) * price.input + cached * price.cachedInput + tokens.outputTokens * price.output) / 1_000_000
  return roundUsd(usd)
}

/** Micro-dollars: enough for a single small turn, and sums stay free of float noise. */
export const roundUsd = (usd: number) => Math.round(usd * 1_000_000) / 1_000_000
