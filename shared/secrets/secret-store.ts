// The secret store port: every secret the platform keeps for a workspace (OAuth client secrets,
// refresh and access tokens, static integration secrets) is written through it and referenced
// elsewhere only by an opaque ref. Two adapters: local (AES-256-GCM envelope encryption, the
// ciphertext kept in the durable store) and WorkOS Vault (when WORKOS_API_KEY is set).
// tests/contracts/secret-store.contract.ts holds both to the same behaviour.

import { brandedErrorClass } from "#shared/errors/branded-error.ts"

export const SECRET_PURPOSES = ["oauth_client_secret", "oauth_refresh_token", "oauth_access_token", "integration_secret"] as const
export type SecretPurpose = (typeof SECRET_PURPOSES)[number]

/** Whose secret it is and what for: bound into the encryption (additional data / key context), so a ref moved to another workspace does not decrypt. */
export interface SecretScope {
  readonly workspaceId: string
  readonly purpose: SecretPurpose
}

/** Secret values are bounded: a token or key, never a file. */
export const MAX_SECRET_BYTES = 16 * 1024

export interface SecretStore {
  /** "unconfigured": neither key nor Vault is set; put/replace refuse with SecretKeyError, get answers null. */
  readonly kind: "local" | "workos-vault" | "unconfigured"
  /** A short, non-secret id of the key that encrypts new values (local: a fingerprint of the key; Vault: "workos-vault"). */
  readonly keyId: string
  /** Stores a new value and returns its ref ("local:<id>" or "vault:<id>"). */
  put(scope: SecretScope, value: string): Promise<string>
  /** Replaces the value behind a ref, keeping the ref. Throws SecretNotFound when there is none. */
  replace(ref: string, scope: SecretScope, value: string): Promise<void>
  /** The value, or null when the ref names nothing (deleted). Throws SecretScopeMismatch for another workspace's or purpose's ref. */
  get(ref: string, scope: SecretScope): Promise<string | null>
  /** Deletes the value; a missing ref is not an error. */
  delete(ref: string): Promise<void>
}

/** The ref does not name a stored value. */
export class SecretNotFound extends brandedErrorClass("secrets/not-found") {}
/** The ref belongs to another workspace or purpose than the caller said: never decrypted for it. */
export class SecretScopeMismatch extends brandedErrorClass("secrets/scope-mismatch") {}
/** The configured key cannot decrypt what is stored (wrong or missing key): says what to set, never the key. */
export class SecretKeyError extends brandedErrorClass("secrets/key") {}
/** The value is longer than MAX_SECRET_BYTES (UTF-8): nothing was stored. */
export class SecretValueTooLarge extends brandedErrorClass("secrets/value-too-large") {}
/** The secret service could not be reached or answered unusably (Vault): retryable. */
export class SecretStoreUnavailable extends brandedErrorClass("secrets/unavailable") {}

/** What the Integrations page shows about where secrets go. */
export interface SecretStoreStatus {
  readonly kind: "local" | "workos-vault" | "unconfigured"
  readonly ready: boolean
  /** Why it is not ready (what to set), or null. Never a key or value. */
  readonly message: string | null
}

/** Refs are "<kind>:<id>"; the id is opaque to everyone but the adapter that minted it. */
export function parseSecretRef(ref: string): { readonly kind: "local" | "vault"; readonly id: string } | null {
  const match = /^(local|vault):([A-Za-z0-9_-]{1,128})$/.exec(ref)
  return match ? { kind: match[1] as "local" | "vault", id: match[2]! } : null
}

/** Throws SecretValueTooLarge when a value would not fit; shared by both adapters. */
export function assertSecretValueFits(value: string): void {
  const bytes = new TextEncoder().encode(value).length
  if (bytes > MAX_SECRET_BYTES) {
    throw new SecretValueTooLarge(`A secret value may be at most ${MAX_SECRET_BYTES} bytes (got ${bytes}); nothing was stored`)
  }
}
