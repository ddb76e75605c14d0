// McpBrokerLayer's credentials: the only Second credential a runtime ever gets. A token is a
// capability: it is minted for one app's session (workspace, app, runtime, the tools allowed) and
// is worth something only while a turn of that session is armed on it, when it also carries that
// turn's run and the turn's deadline. Outside a turn — before, after, cancelled, timed out — it
// is refused, and it is revoked for good when the session closes (idle, switch, shutdown).
//
// A token is `<id>.<secret>`: the id finds the grant, and the secret's hash is compared with the
// stored one in constant time, so neither a lookup nor a comparison says how close a guess was.
// The worker keeps only the hash.

import { timingSafeEqual } from "node:crypto"
import { Clock, Context, Effect, Layer, Redacted } from "effect"
import { hashToken } from "#shared/crypto/token-hash.ts"
import { newId, newSecretToken } from "#shared/ids.ts"
import type { ToolSet } from "#shared/mcp/tool-names.ts"
import type { RuntimeId } from "#shared/runtime/run-event.ts"

/** What a session's token may be used for. */
export interface McpGrant {
  /** Null for sessions started without one (tests driving the worker alone): the web refuses their web-answered tools. */
  readonly workspaceId: string | null
  readonly appId: string
  readonly runtime: RuntimeId
  /** Per tool set, the tools the session may call. */
  readonly tools: Readonly<Partial<Record<ToolSet, readonly string[]>>>
}

/** What a presented token stands for right now: its grant and the turn it is armed for. */
export interface McpClaims extends McpGrant {
  readonly runId: string
  /** When the armed turn's deadline passes; the token is refused from then on. */
  readonly expiresAt: number
}

interface Stored {
  readonly secretHash: Buffer
  readonly grant: McpGrant
}

interface Armed {
  readonly runId: string
  readonly expiresAt: number
}

export class McpTokens extends Context.Service<
  McpTokens,
  {
    /** A new token for a session; valid only while a turn of its app is armed, until revoked. */
    readonly mint: (grant: McpGrant) => Effect.Effect<Redacted.Redacted<string>>
    readonly revoke: (token: Redacted.Redacted<string>) => Effect.Effect<void>
    /** Arms the app's tokens for one run until `expiresAt`; disarmed when the scope closes. */
    readonly armTurn: (appId: string, runId: string, expiresAt: number) => Effect.Effect<void, never, import("effect").Scope.Scope>
    /** The token's claims while it is valid and armed; null for unknown, revoked, unarmed or expired tokens. */
    readonly verify: (presented: string) => Effect.Effect<McpClaims | null>
  }
>()("worker/McpTokens") {
  static readonly layer = Layer.sync(McpTokens, () => {
    const tokens = new Map<string, Stored>()
    const armed = new Map<string, Armed>()
    const split = (token: string) => {
      const dot = token.indexOf(".")
      return dot <= 0 ? null : { id: token.slice(0, dot), secret: token.slice(dot + 1) }
    }
    return McpTokens.of({
      mint: Effect.fn("McpTokens.mint")(function* (grant) {
        const id = newId()
        const secret = newSecretToken()
        tokens.set(id, { secretHash: Buffer.from(hashToken(secret), "hex"), grant: { ...grant, tools: { ...grant.tools } } })
        return Redacted.make(`${id}.${secret}`)
      }),
      revoke: Effect.fn("McpTokens.revoke")(function* (token) {
        const parts = split(Redacted.value(token))
        if (parts) tokens.delete(parts.id)
      }),
      armTurn: (appId, runId, expiresAt) =>
        Effect.acquireRelease(
          Effect.sync(() => void armed.set(appId, { runId, expiresAt })),
          () =>
            Effect.sync(() => {
              if (armed.get(appId)?.runId === runId) armed.delete(appId)
            }),
        ),
      verify: Effect.fn("McpTokens.verify")(function* (presented) {
        const parts = split(presented)
        const stored = parts ? tokens.get(parts.id) : undefined
        if (!parts || !stored) return null
        const presentedHash = Buffer.from(hashToken(parts.secret), "hex")
        if (!timingSafeEqual(presentedHash, stored.secretHash)) return null
        const turn = armed.get(stored.grant.appId)
        const now = yield* Clock.currentTimeMillis
        if (!turn || turn.expiresAt <= now) return null
        return { ...stored.grant, runId: turn.runId, expiresAt: turn.expiresAt }
      }),
    })
  })

  /** The in-memory token store is its own test double: unit tests swap it in unchanged. */
  static readonly layerTest = McpTokens.layer
}
