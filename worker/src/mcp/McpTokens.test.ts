import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { TestClock } from "effect/testing"
import { McpTokens } from "./McpTokens.ts"

const scope = { appId: "app-1", runId: "run-1", runtime: "codex" as const, tools: ["present_plan"] }

describe("MCP tokens", () => {
  it.effect("are valid for their run until they expire", () =>
    Effect.gen(function* () {
      const tokens = yield* McpTokens
      const minted = yield* tokens.mint(scope, 60_000)
      expect(yield* tokens.verify(Redacted.value(minted.token))).toMatchObject(scope)
      yield* TestClock.adjust("59 seconds")
      expect(yield* tokens.verify(Redacted.value(minted.token))).not.toBeNull()
      yield* TestClock.adjust("2 seconds")
      expect(yield* tokens.verify(Redacted.value(minted.token))).toBeNull()
    }).pipe(Effect.provide(McpTokens.layer)),
  )

  it.effect("stop working when revoked, and nothing else works", () =>
    Effect.gen(function* () {
      const tokens = yield* McpTokens
      const one = yield* tokens.mint(scope)
      const two = yield* tokens.mint({ ...scope, runId: "run-2" })
      yield* tokens.revoke(one.token)
      expect(yield* tokens.verify(Redacted.value(one.token))).toBeNull()
      expect((yield* tokens.verify(Redacted.value(two.token)))?.runId).toBe("run-2")
      expect(yield* tokens.verify("not-a-token")).toBeNull()
      expect(yield* tokens.verify(Redacted.value(two.token).slice(0, -1))).toBeNull()
      expect(JSON.stringify(two)).not.toContain(Redacted.value(two.token))
    }).pipe(Effect.provide(McpTokens.layer)),
  )
})
