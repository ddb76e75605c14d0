// Where personal API tokens are kept (app/api-tokens/api-tokens.server.ts): one document per
// token, holding the SHA-256 of the secret and never the secret itself.

import type { Role } from "#shared/auth/permissions.ts"
import { defineCollection, type StoredDocument } from "../store/store.server.ts"

export interface ApiTokenDocument extends StoredDocument {
  readonly workspaceId: string
  /** Whose token it is: it acts as them, never above the lower of its role and theirs. */
  readonly userId: string
  readonly name: string
  readonly role: Role
  /** SHA-256 hex of the whole token ("sec_…"): what a request's bearer is looked up by. */
  readonly tokenHash: string
  /** The first 4 characters after "sec_", shown in lists. */
  readonly hint: string
  readonly createdAt: string
  readonly expiresAt: string
  readonly lastUsedAt: string | null
  readonly revokedAt: string | null
  readonly revokedByUserId: string | null
}

export const apiTokens = defineCollection<ApiTokenDocument>({
  name: "api_tokens",
  indexes: [
    { name: "token_hash_unique", fields: ["tokenHash"], unique: true },
    { name: "workspace_user_created", fields: ["workspaceId", "userId", "createdAt"] },
    { name: "workspace_created", fields: ["workspaceId", "createdAt"] },
  ],
})

export const apiTokenCollections = [apiTokens] as const
