// Settings → Connected apps: the providers a member may connect (those the apps they can see
// need, those an admin configured, and their own connections), and Disconnect.

import type { WebServices } from "../../services.server.ts"
import type { WorkspaceScope } from "../../workspaces/scope.server.ts"
import { oauthConnections, oauthProviders } from "../integration-collections.server.ts"
import { deleteConnectionSecrets, findConnection, revocationTarget, revokeConnectionBestEffort, revokeInBackground, takeConnectionTokens, type BackgroundRevocation } from "./connection-store.server.ts"
import { providerNeeds, visibleAppFilter } from "./needed-providers.server.ts"
import { auditProviderRemoval, findProvider } from "./oauth-providers.server.ts"

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
  /**
   * Why reconnecting is needed, as the code the server recorded ("provider_changed": an admin
   * replaced or re-created this provider's OAuth client; "invalid_grant", "no_refresh_token": the
   * provider no longer honours the grant). null unless status is reconnect_needed. Never provider text.
   */
  readonly lastErrorCode: string | null
  readonly apps: { appId: string; name: string }[]
}

export async function listConnections(services: WebServices, scope: WorkspaceScope): Promise<{ connections: ConnectionView[] }> {
  const workspaceId = scope.workspace.id
  const needs = await providerNeeds(services, workspaceId, await visibleAppFilter(services, scope))
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
      const status = !connection ? "not_connected" : stale ? "reconnect_needed" : connection.status
      return {
        providerKey,
        displayName: provider?.displayName ?? providerKey,
        configured: provider !== undefined,
        status,
        grantedScopes,
        requiredScopes,
        missingScopes: connection ? requiredScopes.filter((required) => !grantedScopes.includes(required)) : requiredScopes,
        connectedAt: connection?.connectedAt ?? null,
        lastRefreshAt: connection?.lastRefreshAt ?? null,
        // A stale connection is the same story as one reset by a client change.
        lastErrorCode: status !== "reconnect_needed" ? null : stale ? "provider_changed" : (connection?.lastErrorCode ?? null),
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
  // Only the client that issued the tokens can revoke them; a re-created client's endpoint never sees them.
  if (provider && provider.id === connection.providerId) await revokeConnectionBestEffort(services, provider, connection)
  await services.store.collection(oauthConnections).deleteMany({ id: connection.id })
  await deleteConnectionSecrets(services, connection).catch((error: unknown) => {
    services.log.warn("oauth disconnect: stored tokens could not be deleted", { workspaceId, providerKey, error: (error as Error).name })
  })
  await auditProviderRemoval(services, scope, "oauth.disconnected", providerKey)
  return { disconnected: true }
}

/**
 * A person left the workspace: their connections there go at once (documents deleted, tokens read
 * and then deleted from the secret store), and the tokens are revoked at the provider after the
 * request (best effort, bounded, only through the client that issued them): a provider whose
 * revocation endpoint hangs must not hold the admin's removal, nor leave the tokens usable
 * meanwhile. Returns how many connections were removed and the background revocations' promise.
 */
export type OAuthCleanupServices = Pick<WebServices, "store" | "secrets" | "egress" | "log">

export async function deleteMemberConnections(services: OAuthCleanupServices, workspaceId: string, userId: string): Promise<{ removed: number; revoked: Promise<void> }> {
  const connections = await services.store.collection(oauthConnections).findMany({ workspaceId, userId })
  const taken = []
  for (const connection of connections) {
    const one = await takeConnectionTokens(services, connection.id, null, "delete")
    if (one) taken.push(one)
  }
  // The clients as they are now; a connection through a client since replaced is not revoked (its settings are gone).
  const providers = new Map((await services.store.collection(oauthProviders).findMany({ workspaceId })).map((provider) => [provider.id, provider]))
  const revocations: BackgroundRevocation[] = []
  for (const { connection, tokens } of taken) {
    const provider = providers.get(connection.providerId)
    const target = provider ? await revocationTarget(services, provider) : null
    if (target) revocations.push({ target, tokens })
  }
  return { removed: taken.length, revoked: revokeInBackground(services, revocations) }
}
