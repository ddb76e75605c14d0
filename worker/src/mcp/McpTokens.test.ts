import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted, Scope, Exit } from "effect"
import { TestClock } from "effect/testing"
import { McpTokens, type McpGrant } from "./McpTokens.ts"

const grant: McpGrant = { workspaceId: "ws-1", appId: "app-1", runtime: "codex", tools: { second: ["present_plan"] } }

/** Arms the app's tokens for a run in a scope the test closes itself (a turn ending). */
const armFor = (appId: string, runId: string, expiresAt: number) =>
  Effect.gen(function* () {
    const tokens = yield* McpTokens
    const scope = yield* Scope.make()
    yield* tokens.armTurn(appId, runId, expiresAt).pipe(Scope.provide(scope))
    return scope
  })

describe("MCP tokens", () => {
  it.effect("are worth nothing outside a turn, and carry the armed run's claims within it", () =>
    Effect.gen(function* () {
      const tokens = yield* McpTokens
      const token = Redacted.value(yield* tokens.mint(grant))
      expect(yield* tokens.verify(token)).toBeNull()
      const turn = yield* armFor("app-1", "run-1", 60_000)
      expect(yield* tokens.verify(token)).toEqual({ ...grant, runId: "run-1", expiresAt: 60_000 })
      yield* Scope.close(turn, Exit.void)
      expect(yield* tokens.verify(token)).toBeNull()
      const next = yield* armFor("app-1", "run-2", 60_000)
      expect((yield* tokens.verify(token))?.runId).toBe("run-2")
      yield* Scope.close(next, Exit.void)
    }).pipe(Effect.provide(McpTokens.layer)),
  )

  it.effect("expire with the turn's deadline", () =>
    Effect.gen(function* () {
      const tokens = yield* McpTokens
      const token = Redacted.value(yield* tokens.mint(grant))
      yield* armFor("app-1", "run-1", 60_000)
      yield* TestClock.adjust("59 seconds")
      expect(yield* tokens.verify(token)).not.toBeNull()
      yield* TestClock.adjust("1 second")
      expect(yield* tokens.verify(token)).toBeNull()
    }).pipe(Effect.provide(McpTokens.layer)),
  )

  it.effect("stop working when revoked; another app's turn arms nothing of this one; near misses fail", () =>
    Effect.gen(function* () {
      const tokens = yield* McpTokens
      const one = yield* tokens.mint(grant)
      const two = yield* tokens.mint({ ...grant, appId: "app-2" })
      yield* armFor("app-2", "run-9", 60_000)
      expect(yield* tokens.verify(Redacted.value(one))).toBeNull()
      expect((yield* tokens.verify(Redacted.value(two)))?.appId).toBe("app-2")
      yield* armFor("app-1", "run-1", 60_000)
      yield* tokens.revoke(one)
      expect(yield* tokens.verify(Redacted.value(one))).toBeNull()
      const [id, secret] = Redacted.value(two).split(".") as [string, string]
      for (const guess of ["", "not-a-token", `${id}.`, `${id}.${secret.slice(0, -1)}`, `${id}.${secret}x`, `x${id}.${secret}`, secret]) {
        expect(yield* tokens.verify(guess)).toBeNull()
      }
      expect(String(two)).not.toContain(secret)
    }).pipe(Effect.provide(McpTokens.layer)),
  )

  it.effect("a turn ending disarms only its own run (a late release of an earlier turn leaves the next one armed)", () =>
    Effect.gen(function* () {
      const tokens = yield* McpTokens
      const token = Redacted.value(yield* tokens.mint(grant))
      const first = yield* armFor("app-1", "run-1", 60_000)
      yield* armFor("app-1", "run-2", 60_000)
      yield* Scope.close(first, Exit.void)
      expect((yield* tokens.verify(token))?.runId).toBe("run-2")
    }).pipe(Effect.provide(McpTokens.layer)),
  )
})
