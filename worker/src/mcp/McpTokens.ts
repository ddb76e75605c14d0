// McpBrokerLayer's credentials: the only Second credential a runtime ever gets. A token is a
// capability: it is minted for one session (workspace, app, runtime, the tools allowed; for an app
// agent's run also the agent and its tools) and is worth something only while a turn of that
// session is armed on it (by the session's turn key), when it also carries that turn's run and
// the turn's deadline. Outside a turn — before, after, cancelled, timed out — it
// is refused, and it is revoked for good when the session closes (idle, switch, shutdown).
//
// A token is `<id>.<secret>`: the id finds the grant, and the secret's hash is compared with the
// stored one in constant time, so neither a lookup nor a comparison says how close a guess was.
// The worker keeps only the hash.

import { timingSafeEqual } from "node:crypto"
import { Clock, Context, Effect, Layer, Redacted } from "effect"
import { hashToken } from "#shared/crypto/token-hash.ts"
import { newId, newSecretToken } from "#shared/ids.ts"
import type { AppToolListing } from "#shared/mcp/app-tools.ts"
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
  /**
   * The key its turns are armed under (see armTurn): the session's own. Absent for a builder
   * session, whose key is its app id; an app agent's run has its own (`agent-<runId>`), so it
   * never borrows, nor lends, the app's builder turn.
   */
  readonly turnKey?: string
  /** Set for an app agent's run: what its tools are and what they may touch, as the web sent them. */
  readonly agent?: AgentGrant
}

/** An app agent's part of a grant. */
export interface AgentGrant {
  readonly agentId: string
  /** The app_tools tool set as MCP lists it: the agent's custom tools and report_tool_call_failed. */
  readonly appTools: readonly AppToolListing[]
  /** The collections its app_data tools may use (the web re-checks them against the approved agent). */
  readonly dataCollections: readonly string[]
}

/** The key a grant's turns are armed under. */
export const turnKeyOf = (grant: McpGrant): string => grant.turnKey ?? grant.appId

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
    /**
     * Arms the tokens of a session (by its turn key: the app id for a builder session) for one
     * run until `expiresAt`; disarmed when the scope closes.
     */
    readonly armTurn: (turnKey: string, runId: string, expiresAt: number) => Effect.Effect<void, never, import("effect").Scope.Scope>
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
      armTurn: (turnKey, runId, expiresAt) =>
        Effect.acquireRelease(
          Effect.sync(() => void armed.set(turnKey, { runId, expiresAt })),
          () =>
            Effect.sync(() => {
              if (armed.get(turnKey)?.runId === runId) armed.delete(turnKey)
            }),
        ),
      verify: Effect.fn("McpTokens.verify")(function* (presented) {
        const parts = split(presented)
        const stored = parts ? tokens.get(parts.id) : undefined
        if (!parts || !stored) return null
        const presentedHash = Buffer.from(hashToken(parts.secret), "hex")
        if (!timingSafeEqual(presentedHash, stored.secretHash)) return null
        const turn = armed.get(turnKeyOf(stored.grant))
        const now = yield* Clock.currentTimeMillis
        if (!turn || turn.expiresAt <= now) return null
        return { ...stored.grant, runId: turn.runId, expiresAt: turn.expiresAt }
      }),
    })
  })

  /** The in-memory token store is its own test double: unit tests swap it in unchanged. */
  static readonly layerTest = McpTokens.layer
}
