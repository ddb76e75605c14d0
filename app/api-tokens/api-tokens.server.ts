// Personal API tokens: made on the Account page for one workspace, shown once, stored as their
// SHA-256, listed by name and hint, revoked by their owner or an admin. Creating and revoking are
// audit events that name the token, never its secret or hash.

import { can, type Role } from "#shared/auth/permissions.ts"
import { hashToken } from "#shared/crypto/token-hash.ts"
import { newId } from "#shared/ids.ts"
import { recordAudit } from "../audit/audit.server.ts"
import { AppError, notFound } from "../errors.server.ts"
import { users } from "../store/collections.server.ts"
import { nowIso, type Stores, type WorkspaceScope } from "../workspaces/scope.server.ts"
import { apiTokens, type ApiTokenDocument } from "./api-token-collections.server.ts"
import { apiTokenHint, newApiToken, type ApiTokenExpiryDays } from "./api-token-text.ts"
import { isWithin } from "./token-role.ts"

const DAY_MS = 24 * 60 * 60 * 1000

export interface ApiTokenView {
  readonly id: string
  readonly name: string
  readonly role: Role
  /** The first 4 characters after "sec_". */
  readonly hint: string
  readonly userId: string
  /** The owner's display name (admins see everyone's tokens). */
  readonly ownerName: string
  readonly mine: boolean
  readonly createdAt: string
  readonly expiresAt: string
  readonly expired: boolean
  readonly lastUsedAt: string | null
}

const view = (token: ApiTokenDocument, viewerId: string, ownerName: string, now: string): ApiTokenView => ({
  id: token.id,
  name: token.name,
  role: token.role,
  hint: token.hint,
  userId: token.userId,
  ownerName,
  mine: token.userId === viewerId,
  createdAt: token.createdAt,
  expiresAt: token.expiresAt,
  expired: token.expiresAt <= now,
  lastUsedAt: token.lastUsedAt,
})

export interface NewApiToken {
  readonly name: string
  readonly role: Role
  readonly expiresInDays: ApiTokenExpiryDays
}

/** The token's secret, returned this once, and how it will be listed from now on. */
export interface IssuedApiToken {
  readonly token: string
  readonly view: ApiTokenView
}

export async function createApiToken(stores: Stores, scope: WorkspaceScope, input: NewApiToken, now = new Date()): Promise<IssuedApiToken> {
  if (!isWithin(input.role, scope.membership.role)) {
    throw new AppError("FORBIDDEN", `A token's role cannot be higher than yours (${scope.membership.role}): choose ${scope.membership.role} or lower.`)
  }
  const token = newApiToken()
  const document: ApiTokenDocument = {
    id: newId(),
    workspaceId: scope.workspace.id,
    userId: scope.user.id,
    name: input.name,
    role: input.role,
    tokenHash: hashToken(token),
    hint: apiTokenHint(token),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + input.expiresInDays * DAY_MS).toISOString(),
    lastUsedAt: null,
    revokedAt: null,
    revokedByUserId: null,
  }
  await stores.store.collection(apiTokens).insert(document)
  await recordAudit(stores.store, {
    workspaceId: scope.workspace.id,
    actorUserId: scope.user.id,
    action: "api_token.created",
    target: { type: "api_token", id: document.id },
    after: { name: document.name, role: document.role, expiresAt: document.expiresAt },
  }, now)
  return { token, view: view(document, scope.user.id, scope.user.displayName, nowIso()) }
}

/** The caller's unrevoked tokens in the workspace; with tokens:manage, every member's. Newest first. */
export async function listApiTokens(stores: Stores, scope: WorkspaceScope): Promise<ApiTokenView[]> {
  const everyone = can(scope.membership.role, "tokens:manage")
  const found = await stores.store
    .collection(apiTokens)
    .findMany(
      { workspaceId: scope.workspace.id, revokedAt: null, ...(everyone ? {} : { userId: scope.user.id }) },
      { sort: [["createdAt", -1]], limit: 500 },
    )
  const ownerIds = [...new Set(found.map((token) => token.userId))]
  const owners = ownerIds.length > 0 ? await stores.store.collection(users).findMany({ id: { in: ownerIds } }) : []
  const names = new Map(owners.map((owner) => [owner.id, owner.displayName]))
  const now = nowIso()
  return found.map((token) => view(token, scope.user.id, names.get(token.userId) ?? "someone no longer here", now))
}

/** Revokes one token: the caller's own, or with tokens:manage anyone's in the workspace. Others' are "not found". */
export async function revokeApiToken(stores: Stores, scope: WorkspaceScope, tokenId: string): Promise<void> {
  const everyone = can(scope.membership.role, "tokens:manage")
  const token = await stores.store
    .collection(apiTokens)
    .findOne({ id: tokenId, workspaceId: scope.workspace.id, revokedAt: null, ...(everyone ? {} : { userId: scope.user.id }) })
  if (!token) throw notFound("API token")
  const revoked = await stores.store
    .collection(apiTokens)
    .updateOne({ id: token.id, revokedAt: null }, { revokedAt: nowIso(), revokedByUserId: scope.user.id })
  // Revoked at the same moment by someone else: done either way, and recorded once.
  if (!revoked) return
  await recordAudit(stores.store, {
    workspaceId: scope.workspace.id,
    actorUserId: scope.user.id,
    action: "api_token.revoked",
    target: { type: "api_token", id: token.id },
    before: { name: token.name, role: token.role, expiresAt: token.expiresAt, userId: token.userId },
  })
}

/**
 * A removed member's tokens, revoked with the membership. They already stop working at once
 * (every request checks the membership); this keeps them out of admins' lists for good, and
 * records each revocation like one made by hand.
 */
export async function revokeMemberTokens(stores: Stores, workspaceId: string, userId: string, byUserId: string): Promise<void> {
  const live = await stores.store.collection(apiTokens).findMany({ workspaceId, userId, revokedAt: null })
  for (const token of live) {
    const revoked = await stores.store
      .collection(apiTokens)
      .updateOne({ id: token.id, revokedAt: null }, { revokedAt: nowIso(), revokedByUserId: byUserId })
    if (!revoked) continue
    await recordAudit(stores.store, {
      workspaceId,
      actorUserId: byUserId,
      action: "api_token.revoked",
      target: { type: "api_token", id: token.id },
      before: { name: token.name, role: token.role, expiresAt: token.expiresAt, userId: token.userId },
      after: { reason: "member_removed" },
    })
  }
}
