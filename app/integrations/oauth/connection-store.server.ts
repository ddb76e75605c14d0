// One person's connection to a provider: the document (refs only) and the token values behind it
// in the secret store. Token values pass through here and the broker, nowhere else.

import { SecretNotFound, type SecretPurpose, type SecretStore } from "#shared/secrets/secret-store.ts"
import type { WebServices } from "../../services.server.ts"
import { oauthConnections, type OAuthConnectionDocument } from "../integration-collections.server.ts"

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
