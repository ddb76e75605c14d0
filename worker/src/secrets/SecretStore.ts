// SecretStoreLayer: the provider keys, read once from the configuration into Redacted values and
// handed only to the runtime that needs them, in the form it needs: an environment variable for
// Claude Code and OpenCode, the app-server login call for Codex (never its environment).
// Nothing here is logged or returned by a route; detection asks only whether a key is set.

import { Context, Effect, Layer, Option, Redacted } from "effect"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { Secret } from "#shared/config/secret.ts"
import { WorkerConfig, type ProviderKeys } from "../config/WorkerConfig.ts"

/** OpenCode's model ids start with their provider: "openai/gpt-5.5", "anthropic/...", "google/...". */
export type OpencodeProvider = "openai" | "anthropic" | "google"

export class SecretStore extends Context.Service<
  SecretStore,
  {
    /** Variables for the runtime's own environment (never Codex's: it logs in instead). */
    readonly environmentFor: (runtime: RuntimeId, opencodeProvider?: OpencodeProvider) => Record<string, Redacted.Redacted<string>>
    /** The key Codex receives through account/login/start. */
    readonly codexLoginKey: Option.Option<Redacted.Redacted<string>>
    /** Whether credentials for a runtime look configured (no value ever leaves). */
    readonly hasCredentials: (runtime: RuntimeId) => boolean
  }
>()("worker/SecretStore") {
  static readonly layer = Layer.effect(
    SecretStore,
    Effect.gen(function* () {
      const { providerKeys } = yield* WorkerConfig
      return secretStoreOf(providerKeys)
    }),
  )

  /** Fake keys for Anthropic and OpenAI (Codex falls back to OpenAI's), without any configuration. */
  static readonly layerTest = Layer.sync(SecretStore, () =>
    secretStoreOf({
      anthropic: new Secret("sk-test-anthropic"),
      openai: new Secret("sk-test-openai"),
      codex: undefined,
      google: undefined,
      gemini: undefined,
    }),
  )
}

function secretStoreOf(providerKeys: ProviderKeys) {
  const redact = (secret: Secret | undefined) => (secret === undefined ? Option.none() : Option.some(Redacted.make(secret.reveal())))
  const anthropic = redact(providerKeys.anthropic)
  const openai = redact(providerKeys.openai)
  const codex = Option.orElse(redact(providerKeys.codex), () => openai)
  const google = Option.orElse(redact(providerKeys.google), () => redact(providerKeys.gemini))

  const entries = (pairs: readonly (readonly [string, Option.Option<Redacted.Redacted<string>>])[]) =>
    Object.fromEntries(pairs.flatMap(([name, value]) => (Option.isSome(value) ? [[name, value.value]] : [])))

  return SecretStore.of({
    environmentFor: (runtime, opencodeProvider = "openai") => {
      if (runtime === "claude") return entries([["ANTHROPIC_API_KEY", anthropic]])
      if (runtime === "codex") return {}
      switch (opencodeProvider) {
        case "anthropic":
          return entries([["ANTHROPIC_API_KEY", anthropic]])
        case "google":
          return entries([["GOOGLE_GENERATIVE_AI_API_KEY", google]])
        default:
          return entries([["OPENAI_API_KEY", openai]])
      }
    },
    codexLoginKey: codex,
    hasCredentials: (runtime) =>
      runtime === "claude"
        ? Option.isSome(anthropic)
        : runtime === "codex"
          ? Option.isSome(codex)
          : Option.isSome(openai) || Option.isSome(anthropic) || Option.isSome(google),
  })
}

/** The plain values, for the one place that puts them into a child's environment. */
export const revealAll = (variables: Record<string, Redacted.Redacted<string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, Redacted.value(value)]))
