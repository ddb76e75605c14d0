// McpBrokerLayer's credentials: the only credential a runtime ever gets for our tools. A token is
// minted per run, scoped to one app, run and runtime and to a list of tools, and expires. The
// worker keeps only its hash; a token is checked by looking its hash up, so a wrong token reveals
// nothing about a right one. The MCP server that uses these arrives with the broker issue.

import { Clock, Context, Effect, Layer, Redacted } from "effect"
import { hashToken } from "#shared/crypto/token-hash.ts"
import { newSecretToken } from "#shared/ids.ts"
import type { RuntimeId } from "#shared/runtime/run-event.ts"

export interface McpScope {
  readonly appId: string
  readonly runId: string
  readonly runtime: RuntimeId
  /** The tools this run may call through the broker. */
  readonly tools: readonly string[]
  readonly expiresAt: number
}

export interface MintedToken {
  readonly token: Redacted.Redacted<string>
  readonly scope: McpScope
}

export const DEFAULT_MCP_TOKEN_TTL_MS = 30 * 60 * 1000

export class McpTokens extends Context.Service<
  McpTokens,
  {
    readonly mint: (scope: Omit<McpScope, "expiresAt">, ttlMs?: number) => Effect.Effect<MintedToken>
    /** The token's scope while it is valid; null for unknown, revoked or expired tokens. */
    readonly verify: (token: string) => Effect.Effect<McpScope | null>
    readonly revoke: (token: Redacted.Redacted<string>) => Effect.Effect<void>
  }
>()("worker/McpTokens") {
  static readonly layer = Layer.sync(McpTokens, () => {
    const scopes = new Map<string, McpScope>()
    const sweep = (now: number) => {
      for (const [hash, scope] of scopes) if (scope.expiresAt <= now) scopes.delete(hash)
    }
    return McpTokens.of({
      mint: Effect.fn("McpTokens.mint")(function* (scope, ttlMs = DEFAULT_MCP_TOKEN_TTL_MS) {
        const now = yield* Clock.currentTimeMillis
        sweep(now)
        const token = newSecretToken()
        const full: McpScope = { ...scope, tools: [...scope.tools], expiresAt: now + ttlMs }
        scopes.set(hashToken(token), full)
        return { token: Redacted.make(token), scope: full }
      }),
      verify: Effect.fn("McpTokens.verify")(function* (token) {
        const now = yield* Clock.currentTimeMillis
        const scope = scopes.get(hashToken(token))
        return scope && scope.expiresAt > now ? scope : null
      }),
      revoke: Effect.fn("McpTokens.revoke")(function* (token) {
        scopes.delete(hashToken(Redacted.value(token)))
      }),
    })
  })

  /** The in-memory token store is its own test double: unit tests swap it in unchanged. */
  static readonly layerTest = McpTokens.layer
}
