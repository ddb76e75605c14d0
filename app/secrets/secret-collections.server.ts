// The local secret store's ciphertexts (the WorkOS Vault adapter keeps none here). One document
// per secret; other documents hold only its ref ("local:<id>").

import type { SecretPurpose } from "#shared/secrets/secret-store.ts"
import { defineCollection, type StoredDocument } from "../store/store.server.ts"

export interface StoredSecretDocument extends StoredDocument {
  readonly workspaceId: string
  readonly purpose: SecretPurpose
  /** Fingerprint of the key-encryption key that wrapped this value's data key (rotation finds stale ones by it). */
  readonly keyId: string
  /** Versioned envelope, base64url: wrapped data key, IVs, tags and ciphertext. Never the value. */
  readonly envelope: string
  readonly createdAt: string
  readonly updatedAt: string
}

export const storedSecrets = defineCollection<StoredSecretDocument>({
  name: "secrets",
  indexes: [
    { name: "workspace", fields: ["workspaceId", "id"] },
    { name: "key", fields: ["keyId", "id"] },
  ],
})
