// Connect, second half: GET /api/oauth/callback. The attempt is looked up by its state, checked
// against the browser session and person that started it, and only then taken (GETDEL), so a
// callback URL replayed in another browser neither connects anybody nor spoils the real one; a
// taken attempt never works twice. The code is exchanged on the server through the egress guard,
// the granted scopes checked, and only then is anything stored.

import { hashToken } from "#shared/crypto/token-hash.ts"
import { newId } from "#shared/ids.ts"
import { getViewer } from "../../auth/viewer.server.ts"
import { recordAudit } from "../../audit/audit.server.ts"
import type { WebServices } from "../../services.server.ts"
import { StoreDuplicateError } from "../../store/store.server.ts"
import { findWorkspaceMembership } from "../../workspaces/workspaces.server.ts"
import { oauthConnections, type OAuthConnectionDocument } from "../integration-collections.server.ts"
import { NOT_COMPLETED_PATH, type CallbackErrorCode, type CallbackPageRefusal } from "./callback-refusals.ts"
import { attemptKey, connectAttemptSchema, type ConnectAttempt } from "./connect-start.server.ts"
import { deleteConnectionSecrets, findConnection, revokeBestEffort, storeToken } from "./connection-store.server.ts"
import { findProvider, noteConnectOutcome, oauthRedirectUri } from "./oauth-providers.server.ts"
import { expiresInSeconds, grantedScopesOf, requestTokens, TokenEndpointError } from "./token-endpoint.server.ts"

export type { CallbackErrorCode, CallbackPageRefusal } from "./callback-refusals.ts"

/**
 * A refusal before the attempt is known to be this browser's: there is nowhere safe in a workspace
 * to send it, so it goes to the not-completed page, which says what happened (PAGE_REFUSALS). The
 * x-oauth-refusal header names the code for tests and logs; nothing is stored.
 */
function refusalPage(reason: CallbackPageRefusal): Response {
  return new Response(null, {
    status: 303,
    headers: { location: `${NOT_COMPLETED_PATH}?reason=${reason}`, "cache-control": "no-store", "x-oauth-refusal": reason },
  })
}

function backTo(returnTo: string, param: "connected" | "oauth_error", value: string): Response {
  // returnTo was checked at start (a path under /w/<workspaceId>/); the probe origin only parses it.
  const url = new URL(returnTo, "http://second.invalid")
  url.searchParams.delete("connected")
  url.searchParams.delete("oauth_error")
  url.searchParams.set(param, value)
  return new Response(null, { status: 303, headers: { location: `${url.pathname}${url.search}${url.hash}`, "cache-control": "no-store" } })
}

function decodeAttempt(stored: string): ConnectAttempt | null {
  try {
    const parsed = connectAttemptSchema.safeParse(JSON.parse(stored))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

export async function completeConnection(services: WebServices, request: Request): Promise<Response> {
  const url = new URL(request.url)
  const state = url.searchParams.get("state")
  if (!state || state.length > 512) return refusalPage("missing_state")
  const key = attemptKey(state)
  const stored = await services.live.getKey(key)
  const attempt = stored === null ? null : decodeAttempt(stored)
  if (!attempt) return refusalPage("expired")
  const viewer = await getViewer(request, services)
  if (!viewer || hashToken(viewer.session.id) !== attempt.sessionHash || viewer.user.id !== attempt.userId) return refusalPage("other_session")
  if ((await services.live.takeKey(key)) === null) return refusalPage("expired")
  if (!(await findWorkspaceMembership(services, attempt.workspaceId, attempt.userId))) return refusalPage("not_member")

  const providerError = url.searchParams.get("error")
  if (providerError !== null) {
    return backTo(attempt.returnTo, "oauth_error", providerError === "access_denied" ? "access_denied" : "provider_error")
  }
  const code = url.searchParams.get("code")
  if (!code || code.length > 4096) return backTo(attempt.returnTo, "oauth_error", "missing_code")

  const provider = await findProvider(services, attempt.workspaceId, attempt.providerKey)
  // Deleted or re-created while the person was at the provider: this code belongs to the old client.
  if (!provider || provider.id !== attempt.providerId) return backTo(attempt.returnTo, "oauth_error", "provider_changed")

  const log = { workspaceId: attempt.workspaceId, providerKey: attempt.providerKey }
  let clientSecret: string | null = null
  try {
    if (provider.clientSecretRef !== null) clientSecret = await services.secrets.get(provider.clientSecretRef, { workspaceId: attempt.workspaceId, purpose: "oauth_client_secret" })
  } catch (error) {
    services.log.warn("oauth connect: the client secret could not be read", { ...log, error: (error as Error).name })
    return backTo(attempt.returnTo, "oauth_error", "secret_store_unavailable")
  }
  let tokens
  try {
    tokens = await requestTokens(
      provider.tokenUrl,
      { clientId: provider.clientId, clientSecret, tokenAuthMethod: provider.tokenAuthMethod },
      { grantType: "authorization_code", code, redirectUri: oauthRedirectUri(services), codeVerifier: attempt.codeVerifier },
      services.egress,
    )
  } catch (error) {
    if (!(error instanceof TokenEndpointError)) throw error
    services.log.warn("oauth connect: the code exchange failed", { ...log, code: error.code, message: error.message })
    // The provider refused the client itself: only an admin can fix that, so it is shown to them
    // on the client's card (a code only). The member's page says token_exchange_failed either way.
    if (error.clientRefusal !== null) {
      await noteConnectOutcome(services, provider.id, error.clientRefusal).catch((noteError: unknown) => {
        services.log.warn("oauth connect: a client refusal could not be recorded", { ...log, error: (noteError as Error).name })
      })
    }
    return backTo(attempt.returnTo, "oauth_error", "token_exchange_failed")
  }
  const issued = { accessToken: tokens.accessToken(), refreshToken: tokens.hasRefreshToken() ? tokens.refreshToken() : null }
  // From here on the provider has issued live tokens: every refusal revokes them (best effort),
  // so a refused connection leaves no grant behind at the provider either.
  const refuse = async (code: CallbackErrorCode) => {
    await revokeBestEffort(services, provider, issued)
    return backTo(attempt.returnTo, "oauth_error", code)
  }
  const grantedScopes = grantedScopesOf(tokens) ?? attempt.requestedScopes
  if (attempt.requestedScopes.some((scope) => !grantedScopes.includes(scope))) return refuse("missing_scopes")
  // The client changed during the exchange: the new one's connections must not inherit these.
  if ((await findProvider(services, attempt.workspaceId, attempt.providerKey))?.id !== provider.id) return refuse("provider_changed")

  let saved: boolean
  try {
    saved = await saveConnection(services, attempt, { ...issued, expiresIn: expiresInSeconds(tokens), grantedScopes })
  } catch (error) {
    services.log.warn("oauth connect: the tokens could not be stored", { ...log, error: (error as Error).name })
    return refuse("secret_store_unavailable")
  }
  // Disconnected (or reset) while these were being stored: saveConnection took its refs back.
  if (!saved) return refuse("connection_changed")
  await recordAudit(services.store, {
    workspaceId: attempt.workspaceId,
    actorUserId: attempt.userId,
    action: "oauth.connected",
    target: { type: "oauth_provider", id: attempt.providerKey },
    after: { providerKey: attempt.providerKey, scopes: grantedScopes },
  })
  // The client works: an earlier refusal recorded for admins is over.
  if (provider.lastConnectErrorCode) await noteConnectOutcome(services, provider.id, null)
  return backTo(attempt.returnTo, "connected", attempt.providerKey)
}

interface NewTokens {
  readonly accessToken: string
  readonly refreshToken: string | null
  readonly expiresIn: number | null
  readonly grantedScopes: readonly string[]
}

/**
 * Creates the connection, or renews it in place (a reconnect keeps its refs and replaces the
 * values). false when the connection went away under the renewal (a Disconnect, a member
 * removal): the refs just written are deleted again and nothing is connected.
 */
async function saveConnection(services: WebServices, attempt: ConnectAttempt, tokens: NewTokens): Promise<boolean> {
  const connectionKey = { workspaceId: attempt.workspaceId, userId: attempt.userId, providerKey: attempt.providerKey }
  const at = new Date()
  const fields = {
    providerId: attempt.providerId,
    status: "connected" as const,
    grantedScopes: [...tokens.grantedScopes],
    accessTokenExpiresAt: tokens.expiresIn === null ? null : new Date(at.getTime() + tokens.expiresIn * 1000).toISOString(),
    connectedAt: at.toISOString(),
    lastRefreshAt: null,
    lastErrorCode: null,
    updatedAt: at.toISOString(),
  }
  for (let attempts = 0; attempts < 3; attempts += 1) {
    const existing = await findConnection(services, connectionKey)
    const accessTokenRef = await storeToken(services.secrets, attempt.workspaceId, "oauth_access_token", existing?.accessTokenRef ?? null, tokens.accessToken)
    let refreshTokenRef: string | null = null
    try {
      refreshTokenRef = tokens.refreshToken === null ? null : await storeToken(services.secrets, attempt.workspaceId, "oauth_refresh_token", existing?.refreshTokenRef ?? null, tokens.refreshToken)
    } catch (error) {
      if (accessTokenRef !== existing?.accessTokenRef) await services.secrets.delete(accessTokenRef).catch(() => undefined)
      throw error
    }
    if (existing) {
      // No new refresh token (some providers send one only on first consent): the old one stays.
      const keepRefresh = refreshTokenRef === null ? existing.refreshTokenRef : refreshTokenRef
      const renewed = await services.store.collection(oauthConnections).updateOne({ id: existing.id }, { ...fields, accessTokenRef, refreshTokenRef: keepRefresh })
      if (renewed) return true
      const now = await services.store.collection(oauthConnections).findOne({ id: existing.id })
      const held = new Set([now?.accessTokenRef, now?.refreshTokenRef])
      for (const ref of [accessTokenRef, refreshTokenRef]) if (ref !== null && !held.has(ref)) await services.secrets.delete(ref).catch(() => undefined)
      return false
    }
    const document: OAuthConnectionDocument = { id: newId(), ...connectionKey, ...fields, accessTokenRef, refreshTokenRef }
    try {
      await services.store.collection(oauthConnections).insert(document)
      return true
    } catch (error) {
      // The same person connected the same provider in another tab a moment earlier: renew that one.
      await deleteConnectionSecrets(services, document).catch(() => undefined)
      if (!(error instanceof StoreDuplicateError)) throw error
    }
  }
  throw new Error("the connection kept changing while it was being saved")
}
