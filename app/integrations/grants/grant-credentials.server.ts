// The static secrets one tool call needs, read from this app's own grant for the tool's domain and
// key slug: never from another app's (the lookup names workspace, app, domain and key slug), and
// only the names the tool's templates use. Values are returned to the caller alone; what is missing
// is said by name, never by value.

import { SecretKeyError, SecretScopeMismatch, SecretStoreUnavailable } from "#shared/secrets/secret-store.ts"
import type { WebServices } from "../../services.server.ts"
import type { IntegrationGrantDocument } from "../integration-collections.server.ts"
import { findGrant, type GrantKey } from "./grant-documents.server.ts"
import { INTEGRATION_SECRET_SCOPE } from "./grant-secrets.server.ts"

export type StaticSecrets =
  | { readonly kind: "ready"; readonly secrets: Readonly<Record<string, string>> }
  /** Not set up (no key, another auth type, or a value not stored): the tool answers mock data with this reason. */
  | { readonly kind: "not_set_up"; readonly reason: string }
  /** The secret store could not be read: the call fails, and may work later when `retryable`. */
  | { readonly kind: "unreadable"; readonly message: string; readonly retryable: boolean }

const SETTINGS = "an admin sets it up in Settings → Integrations"

/** Why a tool of `authType` cannot use the grant as it is (absent, or set up for another auth type), or null. */
export function grantMismatch(grant: IntegrationGrantDocument | null, key: GrantKey, authType: "static" | "oauth2"): string | null {
  if (!grant) {
    return `Integration ${key.domain} is not set up yet: this app has no key "${key.keySlug}" for it (the builder presents integration-setup.json, then ${SETTINGS}); using mock data`
  }
  if (grant.authType !== authType) {
    return `Integration ${key.domain} is set up for auth "${grant.authType}" (key "${key.keySlug}"), but this tool uses "${authType}"; the builder must present integration-setup.json again with the tool's auth; using mock data`
  }
  return null
}

export async function staticSecretsFor(services: Pick<WebServices, "store" | "secrets">, key: GrantKey, names: ReadonlySet<string>): Promise<StaticSecrets> {
  const grant = await findGrant(services.store, key)
  const mismatch = grantMismatch(grant, key, "static")
  if (mismatch !== null || grant === null) return { kind: "not_set_up", reason: mismatch ?? "" }
  const secrets: Record<string, string> = {}
  const missing: string[] = []
  for (const name of [...names].sort()) {
    const ref = grant.secrets.find((secret) => secret.name === name)?.ref ?? null
    const value = ref === null ? null : await readValue(services, key.workspaceId, ref)
    if (typeof value === "object" && value !== null) return value
    if (value === null) missing.push(name)
    else secrets[name] = value
  }
  if (missing.length > 0) {
    const what = missing.length === 1 ? `the secret ${missing[0]} is not stored` : `the secrets ${missing.join(", ")} are not stored`
    return { kind: "not_set_up", reason: `Integration ${key.domain} is not set up yet: ${what} for this app's key "${key.keySlug}" (${SETTINGS}); using mock data` }
  }
  return { kind: "ready", secrets }
}

/** The value, null when it is gone, or why it cannot be read (never the store's own text, which is the operator's). */
async function readValue(services: Pick<WebServices, "secrets">, workspaceId: string, ref: string): Promise<string | null | Extract<StaticSecrets, { kind: "unreadable" }>> {
  try {
    return await services.secrets.get(ref, INTEGRATION_SECRET_SCOPE(workspaceId))
  } catch (error) {
    if (error instanceof SecretStoreUnavailable) return { kind: "unreadable", message: "The secret store could not be reached to read this integration's secrets.", retryable: true }
    if (error instanceof SecretKeyError || error instanceof SecretScopeMismatch) {
      return { kind: "unreadable", message: "This integration's stored secrets cannot be read with the server's key; an admin must store them again.", retryable: false }
    }
    throw error
  }
}
