import { Effect, Layer, Option, Redacted } from "effect"
import { describe, expect, it } from "vitest"
import { loadWorkerConfig, WorkerConfig } from "../config/WorkerConfig.ts"
import { revealAll, SecretStore } from "./SecretStore.ts"

const keys = {
  ANTHROPIC_API_KEY: "sk-ant-canary-1",
  OPENAI_API_KEY: "sk-openai-canary-2",
  GEMINI_API_KEY: "gemini-canary-3",
}

const withStore = <A>(env: Record<string, string>, use: (store: SecretStore["Service"]) => A) =>
  Effect.runSync(
    Effect.map(SecretStore, use).pipe(
      Effect.provide(SecretStore.layer.pipe(Layer.provide(WorkerConfig.layer(loadWorkerConfig(env))))),
    ),
  )

describe("the secret store", () => {
  it("gives each runtime only its own key, in the form it needs", () => {
    withStore(keys, (store) => {
      expect(revealAll(store.environmentFor("claude"))).toEqual({ ANTHROPIC_API_KEY: "sk-ant-canary-1" })
      expect(revealAll(store.environmentFor("codex"))).toEqual({})
      expect(Option.map(store.codexLoginKey, Redacted.value)).toEqual(Option.some("sk-openai-canary-2"))
      expect(revealAll(store.environmentFor("opencode", "openai"))).toEqual({ OPENAI_API_KEY: "sk-openai-canary-2" })
      expect(revealAll(store.environmentFor("opencode", "google"))).toEqual({ GOOGLE_GENERATIVE_AI_API_KEY: "gemini-canary-3" })
    })
  })

  it("prefers CODEX_API_KEY for Codex and says which runtimes have credentials", () => {
    withStore({ CODEX_API_KEY: "codex-canary", OPENAI_API_KEY: "openai-canary" }, (store) => {
      expect(Option.map(store.codexLoginKey, Redacted.value)).toEqual(Option.some("codex-canary"))
      expect([store.hasCredentials("claude"), store.hasCredentials("codex"), store.hasCredentials("opencode")]).toEqual([false, true, true])
    })
  })

  it("never prints a key", () => {
    withStore(keys, (store) => {
      const printed = [
        JSON.stringify(store.environmentFor("claude")),
        String(Object.values(store.environmentFor("opencode"))[0]),
        JSON.stringify(store.codexLoginKey),
      ].join(" ")
      for (const value of Object.values(keys)) expect(printed).not.toContain(value)
    })
  })
})
