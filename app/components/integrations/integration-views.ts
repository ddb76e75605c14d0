// What the Integrations and Connected apps pages draw, as the oauthProviders, connections and
// integrationKeys procedures answer it (JSON through a loader: times are ISO strings). The pages'
// parts take these shapes, so a component test can render them without a server.

export type TokenAuthMethod = "client_secret_post" | "client_secret_basic" | "none"

export const TOKEN_AUTH_METHODS: readonly {
  readonly value: TokenAuthMethod
  readonly label: string
}[] = [
  { value: "client_secret_post", label: "client_secret_post (in the body)" },
  { value: "client_secret_basic", label: "client_secret_basic (Basic header)" },
  { value: "none", label: "none (public client, PKCE)" },
]

export interface AppRef {
  readonly appId: string
  readonly name: string
}

export interface SecretStoreStatus {
  readonly kind: "local" | "workos-vault" | "unconfigured"
  readonly ready: boolean
  readonly message: string | null
}

export interface ProviderView {
  readonly providerKey: string
  readonly displayName: string
  readonly clientId: string
  readonly hasClientSecret: boolean
  readonly authorizationUrl: string
  readonly tokenUrl: string
  readonly revocationUrl: string | null
  readonly tokenAuthMethod: TokenAuthMethod
  readonly authorizationParams: Readonly<Record<string, string>>
  readonly updatedAt: string
  readonly updatedByName: string | null
  readonly connectionCount: number
}

export interface NeededProvider {
  readonly providerKey: string
  readonly configured: boolean
  readonly scopes: readonly string[]
  readonly authorizationUrl: string
  readonly tokenUrl: string
  readonly tokenAuthMethod: TokenAuthMethod
  readonly apps: readonly AppRef[]
}

export interface ConnectionView {
  readonly providerKey: string
  readonly displayName: string
  readonly configured: boolean
  readonly status: "not_connected" | "connected" | "reconnect_needed"
  readonly grantedScopes: readonly string[]
  readonly requiredScopes: readonly string[]
  readonly missingScopes: readonly string[]
  readonly connectedAt: string | null
  readonly lastRefreshAt: string | null
  readonly apps: readonly AppRef[]
}

export interface KeySecretView {
  readonly name: string
  readonly label: string
  readonly description: string
  readonly required: boolean
  readonly configured: boolean
  readonly updatedAt: string | null
}

export interface SetupInstructionsView {
  readonly overview: string
  readonly steps: readonly {
    readonly title: string
    readonly description: string
    readonly url?: string | undefined
  }[]
  readonly links: readonly { readonly label: string; readonly url: string }[]
}

export interface KeyView {
  readonly domain: string
  readonly keySlug: string
  readonly name: string
  readonly keyName: string
  readonly capabilityLabel: string
  readonly why: string
  readonly authType: "none" | "static" | "oauth2"
  readonly providerKey: string | null
  readonly requiredScopes: readonly string[]
  readonly permissionGroups: readonly {
    readonly name: string
    readonly description: string
    readonly permissions: readonly string[]
  }[]
  readonly setupInstructions: SetupInstructionsView
  readonly secrets: readonly KeySecretView[]
  readonly configured: boolean
  readonly syncedAt: string
}

export interface AppKeysView {
  readonly appId: string
  readonly name: string
  readonly keys: readonly KeyView[]
}

/** Which form an action's answer belongs to, so its message shows beside that form. */
export const providerFormTarget = (providerKey: string | null) => (providerKey === null ? "provider:new" : `provider:${providerKey}`)
export const secretFormTarget = (appId: string, domain: string, keySlug: string, name: string) => `secret:${appId}:${domain}:${keySlug}:${name}`

/** Only web links become links: setup text comes from an app's builder, not from an admin. */
export function webUrl(url: string | undefined): string | null {
  if (!url) return null
  try {
    const parsed = new URL(url)
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null
  } catch {
    return null
  }
}
