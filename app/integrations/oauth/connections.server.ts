// Settings → Connected apps: the providers a member may connect (those the apps they can see
// need, those an admin configured, and their own connections), and Disconnect.

import { recordAudit } from "../../audit/audit.server.ts"
import { canSeeApp } from "../../apps/app-access.server.ts"
import type { WebServices } from "../../services.server.ts"
import { apps } from "../../store/collections.server.ts"
import type { WorkspaceScope } from "../../workspaces/scope.server.ts"
import { oauthConnections, oauthProviders } from "../integration-collections.server.ts"
import { deleteConnectionSecrets, findConnection } from "./connection-store.server.ts"
import { providerNeeds } from "./needed-providers.server.ts"
import { findProvider } from "./oauth-providers.server.ts"
import { revokeToken } from "./token-endpoint.server.ts"

export interface ConnectionView {
  readonly providerKey: string
  readonly displayName: string
  readonly configured: boolean
  readonly status: "not_connected" | "connected" | "reconnect_needed"
  readonly grantedScopes: string[]
  readonly requiredScopes: string[]
  readonly missingScopes: string[]
  readonly connectedAt: string | null
  readonly lastRefreshAt: string | null
  readonly apps: { appId: string; name: string }[]
}

export async function listConnections(services: WebServices, scope: WorkspaceScope): Promise<{ connections: ConnectionView[] }> {
  const workspaceId = scope.workspace.id
  const visible = new Set(
    (await services.store.collection(apps).findMany({ workspaceId })).filter((app) => canSeeApp(app, scope)).map((app) => app.id),
  )
  const needs = await providerNeeds(services, workspaceId, (appId) => visible.has(appId))
  const providers = new Map((await services.store.collection(oauthProviders).findMany({ workspaceId })).map((provider) => [provider.providerKey, provider]))
  const mine = new Map((await services.store.collection(oauthConnections).findMany({ workspaceId, userId: scope.user.id })).map((connection) => [connection.providerKey, connection]))
  const keys = [...new Set([...needs.keys(), ...providers.keys(), ...mine.keys()])].sort()
  return {
    connections: keys.map((providerKey) => {
      const provider = providers.get(providerKey)
      const connection = mine.get(providerKey)
      const need = needs.get(providerKey)
      const requiredScopes = need?.scopes ?? []
      const grantedScopes = connection ? [...connection.grantedScopes] : []
      // A connection made through a client since deleted and saved again does not work any more.
      const stale = connection !== undefined && provider !== undefined && connection.providerId !== provider.id
      return {
        providerKey,
        displayName: provider?.displayName ?? providerKey,
        configured: provider !== undefined,
        status: !connection ? "not_connected" : stale ? "reconnect_needed" : connection.status,
        grantedScopes,
        requiredScopes,
        missingScopes: connection ? requiredScopes.filter((required) => !grantedScopes.includes(required)) : requiredScopes,
        connectedAt: connection?.connectedAt ?? null,
        lastRefreshAt: connection?.lastRefreshAt ?? null,
        apps: need?.apps ?? [],
      }
    }),
  }
}

/** Revokes at the provider (best effort), then forgets the tokens and the connection. */
export async function disconnect(services: WebServices, scope: WorkspaceScope, providerKey: string): Promise<{ disconnected: boolean }> {
  const workspaceId = scope.workspace.id
  const connection = await findConnection(services, { workspaceId, userId: scope.user.id, providerKey })
  if (!connection) return { disconnected: false }
  const provider = await findProvider(services, workspaceId, providerKey)
  if (provider?.revocationUrl && provider.id === connection.providerId) {
    try {
      const clientSecret = provider.clientSecretRef === null ? null : await services.secrets.get(provider.clientSecretRef, { workspaceId, purpose: "oauth_client_secret" })
      const client = { clientId: provider.clientId, clientSecret, tokenAuthMethod: provider.tokenAuthMethod }
      // Revoking the refresh token ends the grant (RFC 7009 §2.1); the access token only when there is no refresh token.
      const refreshToken = connection.refreshTokenRef === null ? null : await services.secrets.get(connection.refreshTokenRef, { workspaceId, purpose: "oauth_refresh_token" })
      const accessToken = refreshToken !== null || connection.accessTokenRef === null ? null : await services.secrets.get(connection.accessTokenRef, { workspaceId, purpose: "oauth_access_token" })
      const revoked =
        refreshToken !== null
          ? await revokeToken(provider.revocationUrl, client, refreshToken, "refresh_token", services.egress)
          : accessToken !== null
            ? await revokeToken(provider.revocationUrl, client, accessToken, "access_token", services.egress)
            : true
      if (!revoked) services.log.warn("oauth disconnect: the provider did not confirm the revocation", { workspaceId, providerKey })
    } catch (error) {
      services.log.warn("oauth disconnect: revocation skipped", { workspaceId, providerKey, error: (error as Error).name })
    }
  }
  await services.store.collection(oauthConnections).deleteMany({ id: connection.id })
  await deleteConnectionSecrets(services, connection).catch((error: unknown) => {
    services.log.warn("oauth disconnect: stored tokens could not be deleted", { workspaceId, providerKey, error: (error as Error).name })
  })
  await recordAudit(services.store, {
    workspaceId,
    actorUserId: scope.user.id,
    action: "oauth.disconnected",
    target: { type: "oauth_provider", id: providerKey },
    before: { providerKey },
  })
  return { disconnected: true }
}
