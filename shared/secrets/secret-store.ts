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
  readonly kind: "local" | "workos-vault"
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
/** The secret service could not be reached or answered unusably (Vault): retryable. */
export class SecretStoreUnavailable extends brandedErrorClass("secrets/unavailable") {}
