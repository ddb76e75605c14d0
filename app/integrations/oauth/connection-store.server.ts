// One person's connection to a provider: the document (refs only) and the token values behind it
// in the secret store. Token values pass through here and the broker, nowhere else.

import { SecretNotFound, type SecretPurpose, type SecretStore } from "#shared/secrets/secret-store.ts"
import type { WebServices } from "../../services.server.ts"
import { oauthConnections, type OAuthConnectionDocument, type OAuthProviderDocument } from "../integration-collections.server.ts"
import { revokeToken } from "./token-endpoint.server.ts"

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

export const tokenScope = (workspaceId: string, purpose: "oauth_refresh_token" | "oauth_access_token") => ({ workspaceId, purpose }) as const

/** The client fields a revocation needs; the provider document as it was when the tokens were issued. */
export type RevocationClient = Pick<OAuthProviderDocument, "workspaceId" | "providerKey" | "clientId" | "clientSecretRef" | "tokenAuthMethod" | "revocationUrl">

export interface TokensToRevoke {
  readonly refreshToken: string | null
  readonly accessToken: string | null
}

/**
 * RFC 7009 revocation at the client's revocation URL, best effort: never throws, logs codes only.
 * Revoking the refresh token ends the grant (§2.1); the access token only when there is none.
 */
export async function revokeBestEffort(services: Pick<WebServices, "secrets" | "egress" | "log">, client: RevocationClient, tokens: TokensToRevoke): Promise<void> {
  if (client.revocationUrl === null) return
  const { workspaceId, providerKey } = client
  try {
    const clientSecret = client.clientSecretRef === null ? null : await services.secrets.get(client.clientSecretRef, { workspaceId, purpose: "oauth_client_secret" })
    const credentials = { clientId: client.clientId, clientSecret, tokenAuthMethod: client.tokenAuthMethod }
    const revoked =
      tokens.refreshToken !== null
        ? await revokeToken(client.revocationUrl, credentials, tokens.refreshToken, "refresh_token", services.egress)
        : tokens.accessToken !== null
          ? await revokeToken(client.revocationUrl, credentials, tokens.accessToken, "access_token", services.egress)
          : true
    if (!revoked) services.log.warn("oauth: the provider did not confirm a revocation", { workspaceId, providerKey })
  } catch (error) {
    services.log.warn("oauth: a revocation was skipped", { workspaceId, providerKey, error: (error as Error).name })
  }
}

/** Reads a connection's stored tokens and revokes them (best effort; a missing value is skipped). */
export async function revokeConnectionBestEffort(
  services: Pick<WebServices, "secrets" | "egress" | "log">,
  client: RevocationClient,
  connection: Pick<OAuthConnectionDocument, "workspaceId" | "refreshTokenRef" | "accessTokenRef">,
): Promise<void> {
  if (client.revocationUrl === null) return
  const { workspaceId } = connection
  const read = async (ref: string | null, purpose: "oauth_refresh_token" | "oauth_access_token") => (ref === null ? null : services.secrets.get(ref, { workspaceId, purpose }).catch(() => null))
  const refreshToken = await read(connection.refreshTokenRef, "oauth_refresh_token")
  const accessToken = refreshToken !== null ? null : await read(connection.accessTokenRef, "oauth_access_token")
  await revokeBestEffort(services, client, { refreshToken, accessToken })
}

/**
 * Tokens just written for a connection that, by the time its document was to be updated, no
 * longer wanted them (disconnected, deleted, or reset by a changed client): the refs not held by
 * the connection as it is now are deleted and the tokens revoked, so nothing live is left behind
 * referenced by nothing.
 */
export async function discardWrittenTokens(
  services: Pick<WebServices, "store" | "secrets" | "egress" | "log">,
  client: RevocationClient,
  connectionId: string,
  written: { readonly refs: readonly (string | null)[]; readonly tokens: TokensToRevoke },
): Promise<void> {
  const now = await services.store.collection(oauthConnections).findOne({ id: connectionId })
  const held = new Set([now?.refreshTokenRef, now?.accessTokenRef].filter((ref): ref is string => typeof ref === "string"))
  for (const ref of new Set(written.refs)) {
    if (ref !== null && !held.has(ref)) await services.secrets.delete(ref).catch(() => undefined)
  }
  await revokeBestEffort(services, client, written.tokens)
}
