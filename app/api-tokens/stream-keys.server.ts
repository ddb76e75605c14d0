// Who holds a live stream (workspace events, app data): a browser session by its id, or an API
// token by "api-token:<id>". The hubs' timed recheck asks which holders are still good, so a
// revoked or expired token's streams end like a signed-out session's.

import type { Role } from "#shared/auth/permissions.ts"
import { sessions } from "../store/collections.server.ts"
import type { DurableStore } from "../store/store.server.ts"
import { apiTokens } from "./api-token-collections.server.ts"
import { lowerRole } from "./token-role.ts"

const TOKEN_KEY_PREFIX = "api-token:"

export const tokenStreamKey = (tokenId: string) => `${TOKEN_KEY_PREFIX}${tokenId}`

/** The keys among `keys` whose session or token still holds (unexpired, unrevoked). */
export async function validStreamKeys(store: DurableStore, keys: readonly string[]): Promise<Set<string>> {
  const now = new Date().toISOString()
  const unique = [...new Set(keys)]
  const tokenIds = unique.filter((key) => key.startsWith(TOKEN_KEY_PREFIX)).map((key) => key.slice(TOKEN_KEY_PREFIX.length))
  const sessionIds = unique.filter((key) => !key.startsWith(TOKEN_KEY_PREFIX))
  const [foundSessions, foundTokens] = await Promise.all([
    sessionIds.length > 0 ? store.collection(sessions).findMany({ id: { in: sessionIds } }) : [],
    tokenIds.length > 0 ? store.collection(apiTokens).findMany({ id: { in: tokenIds }, revokedAt: null }) : [],
  ])
  return new Set([
    ...foundSessions.filter((session) => session.expiresAt > now).map((session) => session.id),
    ...foundTokens.filter((token) => token.expiresAt > now).map((token) => tokenStreamKey(token.id)),
  ])
}

/** A stream's role as the membership now says, never above its token's role. */
export const cappedRole = (role: Role, ceiling: Role | undefined) => (ceiling ? lowerRole(ceiling, role) : role)
