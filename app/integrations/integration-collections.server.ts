// What integrations keep durably: the workspace's customer-owned OAuth clients (one per provider
// key), each person's connection to a provider, and each app's grants (integration-setup.json,
// synced when the builder presents it) with the static secrets an admin stored for that app and
// key. Secret values live in the secret store; these documents hold refs only.

import type { OAuthAuth } from "#shared/agents/agents-config.ts"
import { defineCollection, type StoredDocument } from "../store/store.server.ts"

export type TokenAuthMethod = OAuthAuth["tokenAuthMethod"]

/** A workspace's OAuth client for one provider key (Settings → Integrations, admins). */
export interface OAuthProviderDocument extends StoredDocument {
  readonly workspaceId: string
  /** As agents.json's auth.providerKey names it ("google", "github-enterprise"). */
  readonly providerKey: string
  readonly displayName: string
  readonly clientId: string
  /** Secret-store ref of the client secret; null for tokenAuthMethod "none" (public client with PKCE). */
  readonly clientSecretRef: string | null
  readonly authorizationUrl: string
  readonly tokenUrl: string
  /** RFC 7009 revocation endpoint, when the provider has one: Disconnect revokes there. */
  readonly revocationUrl: string | null
  readonly tokenAuthMethod: TokenAuthMethod
  /** Extra authorization request parameters (access_type=offline, prompt=consent…). */
  readonly authorizationParams: Readonly<Record<string, string>>
  readonly createdByUserId: string
  readonly createdAt: string
  readonly updatedByUserId: string
  readonly updatedAt: string
  /**
   * Why the last connect through this client failed for a reason only an admin can fix (the
   * provider refused the client at the code exchange): a code from CLIENT_REFUSAL_CODES, never the
   * provider's text. Cleared by a successful connect or a save that changes the client's
   * credentials. Absent on documents written before it existed.
   */
  readonly lastConnectErrorCode?: string | null
  /** ISO time of that failure. */
  readonly lastConnectErrorAt?: string | null
}

export const OAUTH_CONNECTION_STATUSES = ["connected", "reconnect_needed"] as const
export type OAuthConnectionStatus = (typeof OAUTH_CONNECTION_STATUSES)[number]

/** One person's account at one provider, in one workspace. */
export interface OAuthConnectionDocument extends StoredDocument {
  readonly workspaceId: string
  readonly userId: string
  readonly providerKey: string
  /** The provider document it was connected through; a provider deleted and re-created does not inherit it. */
  readonly providerId: string
  readonly status: OAuthConnectionStatus
  /** Scopes the provider granted (the token response's `scope`, else those requested). */
  readonly grantedScopes: readonly string[]
  readonly refreshTokenRef: string | null
  readonly accessTokenRef: string | null
  /** ISO time; null when the provider gave no expiry (the token is then used until refused). */
  readonly accessTokenExpiresAt: string | null
  readonly connectedAt: string
  readonly lastRefreshAt: string | null
  /** Why the last refresh failed, as a code (never the provider's text, which may echo a token). */
  readonly lastErrorCode: string | null
  readonly updatedAt: string
}

export interface GrantSecret {
  /** As `{{secrets.NAME}}` references it. */
  readonly name: string
  readonly label: string
  readonly description: string
  readonly required: boolean
  /** Secret-store ref of the value an admin stored for this app and key; null until set. */
  readonly ref: string | null
  readonly updatedAt: string | null
  readonly updatedByUserId: string | null
}

/** An app's integration key: one (domain, keySlug) of its integration-setup.json. */
export interface IntegrationGrantDocument extends StoredDocument {
  readonly workspaceId: string
  readonly appId: string
  readonly domain: string
  readonly keySlug: string
  readonly name: string
  readonly keyName: string
  readonly capabilityLabel: string
  readonly why: string
  readonly authType: "none" | "static" | "oauth2"
  /** For oauth2: the provider key and the scopes the app's tools need. */
  readonly providerKey: string | null
  readonly requiredScopes: readonly string[]
  /** For oauth2: the endpoints integration-setup.json declares, to prefill the admin's OAuth client form (absent on older documents). */
  readonly oauthEndpoints?: { readonly authorizationUrl: string; readonly tokenUrl: string; readonly tokenAuthMethod: TokenAuthMethod } | null
  readonly permissionGroupsJson: string
  readonly setupInstructionsJson: string
  readonly secrets: readonly GrantSecret[]
  readonly requestedByUserId: string
  readonly syncedAt: string
  readonly updatedAt: string
}

export const oauthProviders = defineCollection<OAuthProviderDocument>({
  name: "oauth_providers",
  indexes: [{ name: "workspace_provider_unique", fields: ["workspaceId", "providerKey"], unique: true }],
})

export const oauthConnections = defineCollection<OAuthConnectionDocument>({
  name: "oauth_connections",
  indexes: [
    { name: "workspace_user_provider_unique", fields: ["workspaceId", "userId", "providerKey"], unique: true },
    { name: "workspace_provider", fields: ["workspaceId", "providerKey", "id"] },
  ],
})

export const integrationGrants = defineCollection<IntegrationGrantDocument>({
  name: "integration_grants",
  indexes: [
    { name: "app_key_unique", fields: ["workspaceId", "appId", "domain", "keySlug"], unique: true },
    { name: "workspace_provider", fields: ["workspaceId", "providerKey", "id"] },
  ],
})

export const integrationCollections = [oauthProviders, oauthConnections, integrationGrants] as const
