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
import { deleteConnectionSecrets, findConnection, nextUpdatedAt, revocationTarget, revokeAt, takeConnectionTokens, tokenScope } from "./connection-store.server.ts"
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
  // From here on the provider has issued live tokens: every refusal revokes them (best effort) at
  // this client, with the secret already in hand (a client save may delete the stored one meanwhile),
  // so a refused connection leaves no grant behind at the provider either.
  const issuer = await revocationTarget(services, provider, clientSecret)
  const revokeIssued = async () => {
    if (issuer) await revokeAt(services, issuer, issued)
  }
  const refuse = async (code: CallbackErrorCode) => {
    await revokeIssued()
    return backTo(attempt.returnTo, "oauth_error", code)
  }
  const isMember = async () => (await findWorkspaceMembership(services, attempt.workspaceId, attempt.userId)) !== null
  const grantedScopes = grantedScopesOf(tokens) ?? attempt.requestedScopes
  if (attempt.requestedScopes.some((scope) => !grantedScopes.includes(scope))) return refuse("missing_scopes")
  // The client changed during the exchange: the new one's connections must not inherit these.
  if ((await findProvider(services, attempt.workspaceId, attempt.providerKey))?.id !== provider.id) return refuse("provider_changed")
  // Removed from the workspace during the exchange: nothing is stored for a non-member.
  if (!(await isMember())) {
    await revokeIssued()
    return refusalPage("not_member")
  }

  let saved: { readonly id: string } | null
  try {
    saved = await saveConnection(services, attempt, { ...issued, expiresIn: expiresInSeconds(tokens), grantedScopes })
  } catch (error) {
    services.log.warn("oauth connect: the tokens could not be stored", { ...log, error: (error as Error).name })
    return refuse("secret_store_unavailable")
  }
  // Changed (disconnected, reset, removed) while these were being stored: saveConnection took its refs back.
  if (!saved) return refuse("connection_changed")
  // A client change or a member removal that listed the connections just before this save did not
  // see it: checked again now, and this connection is taken back (the tokens read out of it are
  // this client's, maybe refreshed meanwhile) unless someone else took it first.
  const providerNow = await findProvider(services, attempt.workspaceId, attempt.providerKey)
  const providerStill = providerNow?.id === provider.id
  const memberStill = providerStill && (await isMember())
  if (!providerStill || !memberStill) {
    // Replaced: reset like the others; deleted, or the person removed: gone.
    const taken = await takeConnectionTokens(services, saved.id, provider.id, providerNow && !providerStill ? "reset" : "delete")
    await revokeIssued()
    if (issuer && taken && taken.tokens.refreshToken !== issued.refreshToken) await revokeAt(services, issuer, taken.tokens)
    return providerStill ? refusalPage("not_member") : backTo(attempt.returnTo, "oauth_error", "provider_changed")
  }
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
 * Creates the connection, or renews it. A renewal writes new refs, never new values behind the
 * existing ones: a client reset or a member removal may be reading those right now to revoke them
 * at the client that issued them. The document is updated only as it was read (providerId and
 * updatedAt); null when it changed meanwhile (a Disconnect, a reset, a removal, a refresh): the
 * refs just written are deleted again and nothing is connected (the caller revokes the tokens).
 */
async function saveConnection(services: WebServices, attempt: ConnectAttempt, tokens: NewTokens): Promise<{ readonly id: string } | null> {
  const connectionKey = { workspaceId: attempt.workspaceId, userId: attempt.userId, providerKey: attempt.providerKey }
  const connections = services.store.collection(oauthConnections)
  for (let attempts = 0; attempts < 3; attempts += 1) {
    const existing = await findConnection(services, connectionKey)
    const now = new Date()
    const at = nextUpdatedAt(existing?.updatedAt, now.getTime())
    const fields = {
      providerId: attempt.providerId,
      status: "connected" as const,
      grantedScopes: [...tokens.grantedScopes],
      accessTokenExpiresAt: tokens.expiresIn === null ? null : new Date(now.getTime() + tokens.expiresIn * 1000).toISOString(),
      connectedAt: at,
      lastRefreshAt: null,
      lastErrorCode: null,
      updatedAt: at,
    }
    const accessTokenRef = await services.secrets.put(tokenScope(attempt.workspaceId, "oauth_access_token"), tokens.accessToken)
    let refreshTokenRef: string | null = null
    try {
      refreshTokenRef = tokens.refreshToken === null ? null : await services.secrets.put(tokenScope(attempt.workspaceId, "oauth_refresh_token"), tokens.refreshToken)
    } catch (error) {
      await services.secrets.delete(accessTokenRef).catch(() => undefined)
      throw error
    }
    const written = { accessTokenRef, refreshTokenRef }
    if (existing) {
      const sameClient = existing.providerId === attempt.providerId
      // No new refresh token (some providers send one only on first consent): the old one stays,
      // when the same client issued it.
      const keepRefresh = refreshTokenRef ?? (sameClient ? existing.refreshTokenRef : null)
      const renewed = await connections.updateOne(
        { id: existing.id, providerId: existing.providerId, updatedAt: existing.updatedAt },
        { ...fields, accessTokenRef, refreshTokenRef: keepRefresh },
      )
      if (!renewed) {
        await deleteConnectionSecrets(services, written).catch(() => undefined)
        return null
      }
      // The refs this renewal replaced: nothing reads them any more. The same client's old tokens
      // are not revoked (at providers that revoke per grant that would end the new one too).
      const displaced = { accessTokenRef: existing.accessTokenRef, refreshTokenRef: existing.refreshTokenRef === keepRefresh ? null : existing.refreshTokenRef }
      if (!sameClient && (displaced.accessTokenRef !== null || displaced.refreshTokenRef !== null)) {
        // Renewed through a new client before the old client's reset reached this connection: the
        // old client's settings are gone, so its tokens can only be forgotten here (decision 023).
        services.log.warn("oauth connect: a replaced client's tokens were deleted without revocation", { workspaceId: attempt.workspaceId, providerKey: attempt.providerKey })
      }
      await deleteConnectionSecrets(services, displaced).catch(() => undefined)
      return { id: existing.id }
    }
    const document: OAuthConnectionDocument = { id: newId(), ...connectionKey, ...fields, accessTokenRef, refreshTokenRef }
    try {
      await connections.insert(document)
      return { id: document.id }
    } catch (error) {
      // The same person connected the same provider in another tab a moment earlier: renew that one.
      await deleteConnectionSecrets(services, document).catch(() => undefined)
      if (!(error instanceof StoreDuplicateError)) throw error
    }
  }
  throw new Error("the connection kept changing while it was being saved")
}
