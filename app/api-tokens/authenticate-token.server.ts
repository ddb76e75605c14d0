// A request's bearer token, checked: the token exists, is neither expired nor revoked, and its
// owner is still a member of its workspace, since before the token was made (a member removed and
// invited back does not get old tokens back). Every use records lastUsedAt.

import { hashToken } from "#shared/crypto/token-hash.ts"
import type { Role } from "#shared/auth/permissions.ts"
import { memberships, users, type UserDocument } from "../store/collections.server.ts"
import type { Stores } from "../workspaces/scope.server.ts"
import { apiTokens } from "./api-token-collections.server.ts"
import { API_TOKEN_PATTERN, OFFERS_API_TOKEN } from "./api-token-text.ts"

/** What a request authenticated by a token may act as. */
export interface ApiTokenGrant {
  readonly id: string
  readonly workspaceId: string
  /** The token's own role; workspaceProcedure lowers it to the owner's current role. */
  readonly role: Role
}

/**
 * The API token a request offers, if any ("" for a malformed one, which is refused like a wrong
 * token rather than falling back to the cookie). Any other Authorization header is not ours.
 */
export function bearerOf(request: Request): string | null {
  const header = request.headers.get("authorization")
  if (header === null || !OFFERS_API_TOKEN.test(header)) return null
  const match = /^\s*Bearer[ ]+(\S+)\s*$/i.exec(header)
  return match?.[1] ?? ""
}

export async function authenticateApiToken(
  stores: Stores,
  token: string,
  now = new Date(),
): Promise<{ readonly user: UserDocument; readonly grant: ApiTokenGrant } | null> {
  if (!API_TOKEN_PATTERN.test(token)) return null
  const found = await stores.store.collection(apiTokens).findOne({ tokenHash: hashToken(token) })
  if (!found || found.revokedAt !== null || found.expiresAt <= now.toISOString()) return null
  const [membership, user] = await Promise.all([
    stores.store.collection(memberships).findOne({ workspaceId: found.workspaceId, userId: found.userId }),
    stores.store.collection(users).findOne({ id: found.userId }),
  ])
  if (!membership || !user || membership.createdAt > found.createdAt) return null
  await stores.store.collection(apiTokens).updateOne({ id: found.id }, { lastUsedAt: now.toISOString() })
  return { user, grant: { id: found.id, workspaceId: found.workspaceId, role: found.role } }
}
