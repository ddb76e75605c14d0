// What the Integrations and Connected apps pages draw, as the oauthProviders, connections and
// integrationKeys procedures answer it: the types are the router's own outputs (a type-only import,
// so no server code reaches the bundle), and client and server cannot drift apart. The pages'
// parts take these shapes, so a component test can render them without a server.

import type { inferRouterOutputs } from "@trpc/server"
import type { AppRouter } from "../../trpc/root.server.ts"

type Outputs = inferRouterOutputs<AppRouter>
type ProvidersPage = Outputs["oauthProviders"]["list"]

export type ProviderView = ProvidersPage["providers"][number]
export type NeededProvider = ProvidersPage["needed"][number]
export type SecretStoreStatus = ProvidersPage["secretStore"]
export type ConnectionView = Outputs["connections"]["list"]["connections"][number]
export type AppKeysView = Outputs["integrationKeys"]["list"]["apps"][number]
export type KeyView = AppKeysView["keys"][number]
export type KeySecretView = KeyView["secrets"][number]
export type SetupInstructionsView = KeyView["setupInstructions"]
export type AppRef = NeededProvider["apps"][number]
export type TokenAuthMethod = ProviderView["tokenAuthMethod"]

export const TOKEN_AUTH_METHODS: readonly {
  readonly value: TokenAuthMethod
  readonly label: string
}[] = [
  { value: "client_secret_post", label: "client_secret_post (in the body)" },
  { value: "client_secret_basic", label: "client_secret_basic (Basic header)" },
  { value: "none", label: "none (public client, PKCE)" },
]

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
