// One person's connection to a provider: the document (refs only) and the token values behind it
// in the secret store. Token values pass through here and the broker, nowhere else.

import { SecretNotFound, type SecretPurpose, type SecretStore } from "#shared/secrets/secret-store.ts"
import type { WebServices } from "../../services.server.ts"
import { oauthConnections, type OAuthConnectionDocument, type OAuthProviderDocument } from "../integration-collections.server.ts"
import { revokeToken, type OAuthClientCredentials } from "./token-endpoint.server.ts"

export interface ConnectionKey {
  readonly workspaceId: string
  readonly userId: string
  readonly providerKey: string
}

export const findConnection = (services: Pick<WebServices, "store">, key: ConnectionKey) =>
  services.store.collection(oauthConnections).findOne({ workspaceId: key.workspaceId, userId: key.userId, providerKey: key.providerKey })

/** Writes a token behind `ref` (kept) or under a new ref; returns the ref that now holds it. */
export async function storeToken(secrets: SecretStore, workspaceId: string, purpose: SecretPurpose, ref: string | null, value: string): Promise<string> {
  const scope = { workspaceId, purpose }
  if (ref !== null) {
    try {
      await secrets.replace(ref, scope, value)
      return ref
    } catch (error) {
      // The value behind the ref vanished (deleted by hand): store it under a new one.
      if (!(error instanceof SecretNotFound)) throw error
    }
  }
  return secrets.put(scope, value)
}

export async function deleteConnectionSecrets(services: Pick<WebServices, "secrets">, connection: Pick<OAuthConnectionDocument, "refreshTokenRef" | "accessTokenRef">): Promise<void> {
  for (const ref of [connection.refreshTokenRef, connection.accessTokenRef]) {
    if (ref !== null) await services.secrets.delete(ref)
  }
}

/**
 * A new updatedAt that differs from `previous` even within the same millisecond: other flows'
 * compare-and-set on the value they read, so a write must never leave it looking unchanged.
 */
export function nextUpdatedAt(previous: string | null | undefined, now = Date.now()): string {
  const previousMs = previous ? Date.parse(previous) : Number.NaN
  return new Date(Number.isFinite(previousMs) && previousMs >= now ? previousMs + 1 : now).toISOString()
}

export const tokenScope = (workspaceId: string, purpose: "oauth_refresh_token" | "oauth_access_token") => ({ workspaceId, purpose }) as const

/** The client fields a revocation needs; the provider document as it was when the tokens were issued. */
export type RevocationClient = Pick<OAuthProviderDocument, "workspaceId" | "providerKey" | "clientId" | "clientSecretRef" | "tokenAuthMethod" | "revocationUrl">

export interface TokensToRevoke {
  readonly refreshToken: string | null
  readonly accessToken: string | null
}

/**
 * Where and how to revoke, with the client secret already read: a revocation that runs after the
 * request (revokeInBackground) must not depend on a secret the request is about to delete.
 */
export interface RevocationTarget {
  readonly workspaceId: string
  readonly providerKey: string
  readonly revocationUrl: string
  readonly credentials: OAuthClientCredentials
}

type RevocationServices = Pick<WebServices, "secrets" | "egress" | "log">

/** The client's revocation target; null when it has no revocation URL or its secret cannot be read (logged, codes only). */
export async function revocationTarget(services: RevocationServices, client: RevocationClient, clientSecret?: string | null): Promise<RevocationTarget | null> {
  if (client.revocationUrl === null) return null
  const { workspaceId, providerKey } = client
  try {
    const secret = clientSecret !== undefined ? clientSecret : client.clientSecretRef === null ? null : await services.secrets.get(client.clientSecretRef, { workspaceId, purpose: "oauth_client_secret" })
    return { workspaceId, providerKey, revocationUrl: client.revocationUrl, credentials: { clientId: client.clientId, clientSecret: secret, tokenAuthMethod: client.tokenAuthMethod } }
  } catch (error) {
    services.log.warn("oauth: a revocation was skipped", { workspaceId, providerKey, error: (error as Error).name })
    return null
  }
}

/**
 * RFC 7009 revocation at the target, best effort: never throws, logs codes only. Revoking the
 * refresh token ends the grant (§2.1); the access token only when there is none.
 */
export async function revokeAt(services: RevocationServices, target: RevocationTarget, tokens: TokensToRevoke): Promise<void> {
  const { workspaceId, providerKey } = target
  try {
    const revoked =
      tokens.refreshToken !== null
        ? await revokeToken(target.revocationUrl, target.credentials, tokens.refreshToken, "refresh_token", services.egress)
        : tokens.accessToken !== null
          ? await revokeToken(target.revocationUrl, target.credentials, tokens.accessToken, "access_token", services.egress)
          : true
    if (!revoked) services.log.warn("oauth: the provider did not confirm a revocation", { workspaceId, providerKey })
  } catch (error) {
    services.log.warn("oauth: a revocation was skipped", { workspaceId, providerKey, error: (error as Error).name })
  }
}

/** revokeAt for a client document (its secret read now). */
export async function revokeBestEffort(services: RevocationServices, client: RevocationClient, tokens: TokensToRevoke): Promise<void> {
  if (tokens.refreshToken === null && tokens.accessToken === null) return
  const target = await revocationTarget(services, client)
  if (target) await revokeAt(services, target, tokens)
}

/** Reads the token values behind a connection's refs (a missing or unreadable value is null). */
export async function readConnectionTokens(services: Pick<WebServices, "secrets">, connection: Pick<OAuthConnectionDocument, "workspaceId" | "refreshTokenRef" | "accessTokenRef">): Promise<TokensToRevoke> {
  const { workspaceId } = connection
  const read = async (ref: string | null, purpose: "oauth_refresh_token" | "oauth_access_token") => (ref === null ? null : services.secrets.get(ref, { workspaceId, purpose }).catch(() => null))
  return { refreshToken: await read(connection.refreshTokenRef, "oauth_refresh_token"), accessToken: await read(connection.accessTokenRef, "oauth_access_token") }
}

/** Reads a connection's stored tokens and revokes them (best effort; a missing value is skipped). */
export async function revokeConnectionBestEffort(services: RevocationServices, client: RevocationClient, connection: Pick<OAuthConnectionDocument, "workspaceId" | "refreshTokenRef" | "accessTokenRef">): Promise<void> {
  if (client.revocationUrl === null) return
  await revokeBestEffort(services, client, await readConnectionTokens(services, connection))
}

export interface BackgroundRevocation {
  readonly target: RevocationTarget
  readonly tokens: TokensToRevoke
}

/** All revocations one background batch may take; what has not started by then is skipped (logged). */
export const BACKGROUND_REVOCATION_BUDGET_MS = 60_000
const BACKGROUND_REVOCATION_CONCURRENCY = 8
const pendingRevocations = new WeakMap<object, Set<Promise<void>>>()

/**
 * Revokes after the request: a provider whose revocation endpoint hangs must not hold an admin's
 * removal or save (each request has its own deadline, the batch a total budget). The state
 * change is already stored and the token values already deleted from the secret store; these are
 * the values read just before. Never rejects and never logs a token. The promise (also tracked per
 * services object, see settleBackgroundRevocations) is for tests and shutdown; requests do not await it.
 */
export function revokeInBackground(services: RevocationServices, items: readonly BackgroundRevocation[], budgetMs = BACKGROUND_REVOCATION_BUDGET_MS): Promise<void> {
  const work = items.filter((item) => item.tokens.refreshToken !== null || item.tokens.accessToken !== null)
  if (work.length === 0) return Promise.resolve()
  const deadline = Date.now() + budgetMs
  const queue = [...work]
  let skipped = 0
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      if (Date.now() > deadline) skipped += 1
      else await revokeAt(services, item.target, item.tokens)
    }
  }
  const run = Promise.all(Array.from({ length: Math.min(BACKGROUND_REVOCATION_CONCURRENCY, work.length) }, worker))
    .then(() => {
      if (skipped > 0) services.log.warn("oauth: revocations skipped after the time budget", { workspaceId: work[0]!.target.workspaceId, skipped })
    })
    .catch((error: unknown) => services.log.warn("oauth: background revocations failed", { error: (error as Error).name }))
  let pending = pendingRevocations.get(services)
  if (!pending) pendingRevocations.set(services, (pending = new Set()))
  const tracked = pending
  tracked.add(run)
  void run.finally(() => tracked.delete(run))
  return run
}

/** Resolves when every background revocation started on `services` so far has finished (tests, shutdown). */
export async function settleBackgroundRevocations(services: object): Promise<void> {
  for (let pending = pendingRevocations.get(services); pending && pending.size > 0; ) await Promise.all([...pending])
}

/**
 * Takes a connection away: compare-and-set on the document as read (providerId and updatedAt), so
 * a renewal, refresh or removal that landed since is seen and the document re-read. `clientId`:
 * only while it is still that client's (a client reset); null: whichever client it is now (a
 * member removal). Only once the document is marked (reset: reconnect_needed, no refs) or deleted,
 * so no other flow uses its refs any more, are the values behind them read and deleted: they were
 * issued by the client the document names (renewals never write into existing refs). Returns the
 * document as taken and those values, for revocation; null when there was nothing to take.
 */
export async function takeConnectionTokens(
  services: Pick<WebServices, "store" | "secrets" | "log">,
  connectionId: string,
  clientId: string | null,
  action: "reset" | "delete",
): Promise<{ readonly connection: OAuthConnectionDocument; readonly tokens: TokensToRevoke } | null> {
  const connections = services.store.collection(oauthConnections)
  for (let round = 0; round < 5; round += 1) {
    const current = await connections.findOne({ id: connectionId })
    if (!current || (clientId !== null && current.providerId !== clientId)) return null
    const filter = { id: current.id, providerId: current.providerId, updatedAt: current.updatedAt }
    const taken =
      action === "delete"
        ? (await connections.deleteMany(filter)) > 0
        : (await connections.updateOne(filter, {
            status: "reconnect_needed",
            refreshTokenRef: null,
            accessTokenRef: null,
            accessTokenExpiresAt: null,
            lastErrorCode: "provider_changed",
            updatedAt: nextUpdatedAt(current.updatedAt),
          })) !== null
    if (!taken) continue
    const tokens = await readConnectionTokens(services, current)
    await deleteConnectionSecrets(services, current).catch((error: unknown) => {
      services.log.warn("oauth: a connection's stored tokens could not be deleted", { workspaceId: current.workspaceId, providerKey: current.providerKey, error: (error as Error).name })
    })
    return { connection: current, tokens }
  }
  services.log.warn("oauth: a connection kept changing while it was being taken back", { connectionId })
  return null
}

/**
 * Tokens just written for a connection that, by the time its document was to be updated, no
 * longer wanted them (disconnected, deleted, or reset by a changed client): the refs not held by
 * the connection as it is now are deleted and the tokens revoked at `client` (the one that issued
 * them), so nothing live is left behind referenced by nothing.
 */
export async function discardWrittenTokens(
  services: Pick<WebServices, "store" | "secrets" | "egress" | "log">,
  client: RevocationClient | RevocationTarget,
  connectionId: string,
  written: { readonly refs: readonly (string | null)[]; readonly tokens: TokensToRevoke },
): Promise<void> {
  const now = await services.store.collection(oauthConnections).findOne({ id: connectionId })
  const held = new Set([now?.refreshTokenRef, now?.accessTokenRef].filter((ref): ref is string => typeof ref === "string"))
  for (const ref of new Set(written.refs)) {
    if (ref !== null && !held.has(ref)) await services.secrets.delete(ref).catch(() => undefined)
  }
  if ("credentials" in client) await revokeAt(services, client, written.tokens)
  else await revokeBestEffort(services, client, written.tokens)
}
