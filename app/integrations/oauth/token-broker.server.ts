// The token broker: the triggering person's access token for a tool call, refreshed on demand
// inside the request that needs it. Concurrent callers never stampede the provider: within a
// process they share one promise per connection; across processes one holds a live lock (owner
// token, TTL, compare-and-delete release) and the rest re-read the connection until the fresh
// token appears. Token values are returned to the caller only, never logged or put in an error.

import { recordAudit } from "../../audit/audit.server.ts"
import type { WebServices } from "../../services.server.ts"
import { memberships } from "../../store/collections.server.ts"
import { oauthConnections, type OAuthConnectionDocument, type OAuthProviderDocument } from "../integration-collections.server.ts"
import type { BearerFailureCode, BearerOutcome, BearerRequest } from "./bearer-outcome.server.ts"
import { deleteConnectionSecrets, discardWrittenTokens, findConnection, nextUpdatedAt, revocationTarget, storeToken, type ConnectionKey } from "./connection-store.server.ts"
import { findProvider } from "./oauth-providers.server.ts"
import { expiresInSeconds, grantedScopesOf, requestTokens, TOKEN_REQUEST_DEADLINE_MS, TokenEndpointError } from "./token-endpoint.server.ts"

/** A token with less than this left is refreshed first: the tool call itself takes time. */
export const ACCESS_TOKEN_MARGIN_MS = 60_000
/** The lock outlives one token request (its deadline) with room for the writes after it. */
const REFRESH_LOCK_TTL_MS = TOKEN_REQUEST_DEADLINE_MS + 15_000
/** How long a caller that did not get the lock waits for the holder's token, re-reading with backoff. */
const WAIT_BUDGET_MS = REFRESH_LOCK_TTL_MS + 5_000

export type BearerBrokerServices = Pick<WebServices, "store" | "live" | "secrets" | "egress" | "log">

const fail = (code: BearerFailureCode, message: string, retryable: boolean): BearerOutcome => ({ ok: false, code, message, retryable })

const MESSAGES = {
  notConfigured: (key: string) => `No OAuth client is saved for ${key}; a workspace admin adds it in Settings → Integrations.`,
  notConnected: (key: string) => `You have not connected your ${key} account; connect it in Settings → Connected apps, then try again.`,
  reconnect: (key: string) => `Your ${key} connection stopped working (the provider refused it); reconnect it in Settings → Connected apps.`,
  secretStore: "The secret store could not be read; try again shortly.",
  notMember: (key: string) => `The person this runs as is not a member of this workspace, so no ${key} account is used.`,
}

const lockName = (key: ConnectionKey) => `oauth-refresh:${key.workspaceId}:${key.userId}:${key.providerKey}`

const isFresh = (connection: OAuthConnectionDocument, now = Date.now()) =>
  connection.accessTokenRef !== null && (connection.accessTokenExpiresAt === null || Date.parse(connection.accessTokenExpiresAt) - now > ACCESS_TOKEN_MARGIN_MS)

// One refresh promise per connection per process, per services (two WebServices in one test
// process stand for two web processes, so they must not share it).
const inFlight = new WeakMap<object, Map<string, Promise<BearerOutcome>>>()

export interface BrokerOptions {
  /** Tests only: a shorter wait for another process's refresh. */
  readonly waitBudgetMs?: number
}

export async function bearerTokenFor(services: BearerBrokerServices, request: BearerRequest, options: BrokerOptions = {}): Promise<BearerOutcome> {
  const key: ConnectionKey = { workspaceId: request.workspaceId, userId: request.userId, providerKey: request.providerKey }
  // A person removed from the workspace gets nothing, at once: their connections are deleted by
  // the removal, but a call may arrive in between, and nothing is refreshed for them.
  if (!(await services.store.collection(memberships).findOne({ workspaceId: key.workspaceId, userId: key.userId }))) {
    return fail("oauth_not_connected", MESSAGES.notMember(key.providerKey), false)
  }
  const provider = await findProvider(services, key.workspaceId, key.providerKey)
  if (!provider) return fail("oauth_provider_not_configured", MESSAGES.notConfigured(key.providerKey), false)
  const stored = await storedConnection(services, key, provider, request)
  if ("failure" in stored) return stored.failure
  // A fresh-looking token is the answer, unless its value vanished under the document (a
  // concurrent reconnect): then refresh instead.
  if (stored.freshToken && (stored.freshToken.ok || stored.freshToken.code !== "oauth_not_connected")) return stored.freshToken
  let flights = inFlight.get(services)
  if (!flights) inFlight.set(services, (flights = new Map()))
  const name = lockName(key)
  let flight = flights.get(name)
  if (!flight) {
    flight = refreshOnce(services, key, provider, request, options).finally(() => flights.delete(name))
    flights.set(name, flight)
  }
  // Every caller checked its own scopes above; the flight's outcome is the same token for all.
  return flight
}

function missingScopes(connection: OAuthConnectionDocument, request: BearerRequest): string[] {
  return request.requiredScopes.filter((scope) => !connection.grantedScopes.includes(scope))
}

const missingScopesOutcome = (providerKey: string, missing: readonly string[]) =>
  fail("oauth_missing_scopes", `Your ${providerKey} connection lacks the scopes ${missing.join(", ")} this tool needs; reconnect it in Settings → Connected apps to grant them.`, false)

/** Failures no refresh can fix. */
function settledFailure(connection: OAuthConnectionDocument, provider: OAuthProviderDocument, request: BearerRequest): BearerOutcome | null {
  // Connected through a client that was deleted and saved again: its tokens belong to the old one.
  if (connection.providerId !== provider.id || connection.status === "reconnect_needed") return fail("oauth_reconnect_needed", MESSAGES.reconnect(request.providerKey), false)
  const missing = missingScopes(connection, request)
  if (missing.length > 0) return missingScopesOutcome(request.providerKey, missing)
  return null
}

/**
 * The person's connection as stored now, with its token read when it looks fresh (the read may
 * itself have failed); or the failure no refresh can fix (not connected, another client's, scopes
 * missing).
 */
async function storedConnection(services: BearerBrokerServices, key: ConnectionKey, provider: OAuthProviderDocument, request: BearerRequest): Promise<{ readonly failure: BearerOutcome } | { readonly connection: OAuthConnectionDocument; readonly freshToken: BearerOutcome | null }> {
  const connection = await findConnection(services, key)
  if (!connection) return { failure: fail("oauth_not_connected", MESSAGES.notConnected(key.providerKey), false) }
  const settled = settledFailure(connection, provider, request)
  if (settled) return { failure: settled }
  return { connection, freshToken: isFresh(connection) ? await readAccessToken(services, connection) : null }
}

async function readAccessToken(services: BearerBrokerServices, connection: OAuthConnectionDocument): Promise<BearerOutcome> {
  if (connection.accessTokenRef === null) return fail("oauth_not_connected", MESSAGES.notConnected(connection.providerKey), false)
  try {
    const token = await services.secrets.get(connection.accessTokenRef, { workspaceId: connection.workspaceId, purpose: "oauth_access_token" })
    return token === null ? fail("oauth_not_connected", MESSAGES.notConnected(connection.providerKey), false) : { ok: true, token }
  } catch (error) {
    services.log.warn("oauth: an access token could not be read", { workspaceId: connection.workspaceId, providerKey: connection.providerKey, error: (error as Error).name })
    return fail("secret_store_unavailable", MESSAGES.secretStore, true)
  }
}

async function refreshOnce(services: BearerBrokerServices, key: ConnectionKey, provider: OAuthProviderDocument, request: BearerRequest, options: BrokerOptions): Promise<BearerOutcome> {
  const startedAt = (await findConnection(services, key))?.updatedAt ?? ""
  const lock = await services.live.acquireLock(lockName(key), { ttlMs: REFRESH_LOCK_TTL_MS })
  if (!lock) return waitForOtherRefresh(services, key, request, startedAt, options.waitBudgetMs ?? WAIT_BUDGET_MS)
  try {
    // Someone may have refreshed between our read and the lock.
    const stored = await storedConnection(services, key, provider, request)
    if ("failure" in stored) return stored.failure
    if (stored.freshToken?.ok) return stored.freshToken
    return await refresh(services, provider, stored.connection)
  } finally {
    // Compare-and-delete: a lock that expired and was taken over stays with its new owner.
    await lock.release().catch(() => false)
  }
}

async function refresh(services: BearerBrokerServices, provider: OAuthProviderDocument, connection: OAuthConnectionDocument): Promise<BearerOutcome> {
  const { workspaceId, providerKey } = connection
  const log = { workspaceId, providerKey }
  let refreshToken: string | null
  let clientSecret: string | null = null
  try {
    refreshToken = connection.refreshTokenRef === null ? null : await services.secrets.get(connection.refreshTokenRef, { workspaceId, purpose: "oauth_refresh_token" })
    if (provider.clientSecretRef !== null) clientSecret = await services.secrets.get(provider.clientSecretRef, { workspaceId, purpose: "oauth_client_secret" })
  } catch (error) {
    services.log.warn("oauth: a stored secret could not be read for a refresh", { ...log, error: (error as Error).name })
    return fail("secret_store_unavailable", MESSAGES.secretStore, true)
  }
  // Nothing to refresh with (the provider gave no refresh token): the person must connect again.
  if (refreshToken === null) return markReconnectNeeded(services, connection, "no_refresh_token")

  let tokens
  try {
    tokens = await requestTokens(provider.tokenUrl, { clientId: provider.clientId, clientSecret, tokenAuthMethod: provider.tokenAuthMethod }, { grantType: "refresh_token", refreshToken }, services.egress)
  } catch (error) {
    if (!(error instanceof TokenEndpointError)) throw error
    if (error.code === "invalid_grant") {
      // NOTE: a holder that overran the lock's TTL may have rotated the refresh token under us;
      // then the refusal is about the old token, not the connection.
      const now = await services.store.collection(oauthConnections).findOne({ id: connection.id })
      if (now && now.lastRefreshAt !== connection.lastRefreshAt && now.status === "connected" && isFresh(now)) return readAccessToken(services, now)
      return markReconnectNeeded(services, connection, "invalid_grant")
    }
    services.log.warn("oauth: a token refresh failed", { ...log, code: error.code, message: error.message })
    await services.store.collection(oauthConnections).updateOne({ id: connection.id }, { lastErrorCode: error.code, updatedAt: new Date().toISOString() })
    return fail("oauth_refresh_failed", `Refreshing your ${providerKey} access failed: ${error.message}.`, error.retryable)
  }
  const accessToken = tokens.accessToken()
  const rotatedRefreshToken = tokens.hasRefreshToken() ? tokens.refreshToken() : null
  const expiresIn = expiresInSeconds(tokens)
  let written: (string | null)[] = []
  try {
    // The rotated refresh token first: the old one is already dead at the provider.
    const refreshTokenRef = rotatedRefreshToken !== null ? await storeToken(services.secrets, workspaceId, "oauth_refresh_token", connection.refreshTokenRef, rotatedRefreshToken) : connection.refreshTokenRef
    written = [refreshTokenRef]
    const accessTokenRef = await storeToken(services.secrets, workspaceId, "oauth_access_token", connection.accessTokenRef, accessToken)
    written = [refreshTokenRef, accessTokenRef]
    const at = new Date()
    // Only while the connection is still connected through this client: a Disconnect, a provider
    // delete or a changed client that landed during the refresh wins.
    const updated = await services.store.collection(oauthConnections).updateOne(
      // As read: a reconnect that renewed it meanwhile (new refs) is not overwritten either.
      { id: connection.id, providerId: provider.id, status: "connected", updatedAt: connection.updatedAt },
      {
        refreshTokenRef,
        accessTokenRef,
        accessTokenExpiresAt: expiresIn === null ? null : new Date(at.getTime() + expiresIn * 1000).toISOString(),
        // A refresh answer that lists scopes says what the token now carries (RFC 6749 §5.1).
        ...(grantedScopesOf(tokens) === null ? {} : { grantedScopes: grantedScopesOf(tokens)! }),
        lastRefreshAt: at.toISOString(),
        lastErrorCode: null,
        updatedAt: nextUpdatedAt(connection.updatedAt, at.getTime()),
      },
    )
    if (!updated) {
      // Nothing references what was just written: take it back and end the grant at the provider.
      // The client secret read above revokes them: a client save may be deleting the stored one.
      const issuer = (await revocationTarget(services, provider, clientSecret)) ?? provider
      await discardWrittenTokens(services, issuer, connection.id, { refs: written, tokens: { refreshToken: rotatedRefreshToken, accessToken } })
      const now = await services.store.collection(oauthConnections).findOne({ id: connection.id })
      if (now && now.providerId === provider.id && now.status === "connected" && isFresh(now)) return readAccessToken(services, now)
      return fail("oauth_not_connected", MESSAGES.notConnected(providerKey), false)
    }
  } catch (error) {
    services.log.warn("oauth: refreshed tokens could not be stored", { ...log, error: (error as Error).name })
    return fail("secret_store_unavailable", MESSAGES.secretStore, true)
  }
  await recordAudit(services.store, {
    workspaceId,
    actorUserId: connection.userId,
    action: "oauth.token_refreshed",
    target: { type: "oauth_provider", id: providerKey },
    after: { providerKey },
  })
  return { ok: true, token: accessToken }
}

async function markReconnectNeeded(services: BearerBrokerServices, connection: OAuthConnectionDocument, code: string): Promise<BearerOutcome> {
  // Compare-and-set on updatedAt: a reconnect that landed meanwhile (new values behind the same
  // refs) is not undone.
  const marked = await services.store.collection(oauthConnections).updateOne(
    { id: connection.id, updatedAt: connection.updatedAt },
    { status: "reconnect_needed", refreshTokenRef: null, accessTokenRef: null, accessTokenExpiresAt: null, lastErrorCode: code, updatedAt: new Date().toISOString() },
  )
  if (!marked) {
    const now = await services.store.collection(oauthConnections).findOne({ id: connection.id })
    if (now && now.status === "connected" && isFresh(now)) return readAccessToken(services, now)
    return fail("oauth_reconnect_needed", MESSAGES.reconnect(connection.providerKey), false)
  }
  await deleteConnectionSecrets(services, connection).catch(() => undefined)
  await recordAudit(services.store, {
    workspaceId: connection.workspaceId,
    actorUserId: connection.userId,
    action: "oauth.reconnect_needed",
    target: { type: "oauth_provider", id: connection.providerKey },
    after: { providerKey: connection.providerKey, code },
  })
  return fail("oauth_reconnect_needed", MESSAGES.reconnect(connection.providerKey), false)
}

/**
 * Another process holds the lock: re-read the connection (never refresh) with a growing pause
 * until its fresh token, its reconnect state, or its recorded failure appears.
 */
async function waitForOtherRefresh(services: BearerBrokerServices, key: ConnectionKey, request: BearerRequest, startedAt: string, budgetMs: number): Promise<BearerOutcome> {
  const deadline = Date.now() + budgetMs
  let pauseMs = 20
  while (Date.now() < deadline) {
    await pause(Math.min(pauseMs, Math.max(1, deadline - Date.now())))
    pauseMs = Math.min(pauseMs * 2, 500)
    const connection = await findConnection(services, key)
    if (!connection) return fail("oauth_not_connected", MESSAGES.notConnected(key.providerKey), false)
    if (connection.status === "reconnect_needed") return fail("oauth_reconnect_needed", MESSAGES.reconnect(key.providerKey), false)
    if (isFresh(connection)) {
      const missing = missingScopes(connection, request)
      if (missing.length > 0) return missingScopesOutcome(key.providerKey, missing)
      const token = await readAccessToken(services, connection)
      if (token.ok) return token
    } else if (connection.lastErrorCode !== null && connection.updatedAt !== startedAt) {
      return fail("oauth_refresh_failed", `Refreshing your ${key.providerKey} access failed (${connection.lastErrorCode}); try again shortly.`, true)
    }
  }
  return fail("oauth_refresh_busy", `Another request is still refreshing your ${key.providerKey} access; try again shortly.`, true)
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
