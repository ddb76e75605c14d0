// Members of a workspace: listing them, changing roles and removing people, under the rules that
// nobody changes their own role or removes themselves, only owners touch the owner role, and a
// workspace always keeps an owner.

import { can, type Role } from "#shared/auth/permissions.ts"
import { recordAudit } from "../audit/audit.server.ts"
import { announceMemberChanged } from "../events/member-events.server.ts"
import { AppError, notFound } from "../errors.server.ts"
import { deleteMemberConnections, type OAuthCleanupServices } from "../integrations/oauth/connections.server.ts"
import { memberships, teamMemberships, users, type MembershipDocument } from "../store/collections.server.ts"
import { nowIso, type Stores, type WorkspaceScope } from "./scope.server.ts"
import { withMembersLock } from "./workspace-lock.server.ts"

export interface MemberView {
  readonly userId: string
  readonly displayName: string
  readonly email: string
  readonly role: Role
  readonly managedExternally: boolean
  readonly joinedAt: string
  readonly teamIds: readonly string[]
}

export async function listMembers(stores: Stores, workspaceId: string): Promise<MemberView[]> {
  const list = await stores.store.collection(memberships).findMany({ workspaceId }, { sort: [["createdAt", 1]] })
  const userIds = list.map((membership) => membership.userId)
  const [people, teamLinks] = await Promise.all([
    stores.store.collection(users).findMany({ id: { in: userIds } }),
    stores.store.collection(teamMemberships).findMany({ workspaceId }),
  ])
  const byId = new Map(people.map((person) => [person.id, person]))
  return list.flatMap((membership) => {
    const person = byId.get(membership.userId)
    if (!person) return []
    return [
      {
        userId: person.id,
        displayName: person.displayName,
        email: person.email,
        role: membership.role,
        managedExternally: membership.source === "external",
        joinedAt: membership.createdAt,
        teamIds: teamLinks.filter((link) => link.userId === person.id).map((link) => link.teamId),
      },
    ]
  })
}

async function requireTarget(stores: Stores, scope: WorkspaceScope, userId: string): Promise<MembershipDocument> {
  const target = await stores.store.collection(memberships).findOne({ workspaceId: scope.workspace.id, userId })
  if (!target) throw notFound("Member")
  if (target.source === "external") {
    throw new AppError("CONFLICT", "This person's membership comes from your identity provider; change it there.")
  }
  return target
}

/**
 * The actor's role as it is now, read under the lock: the one in scope was read before it, and
 * a concurrent demotion must not leave the actor owner-level powers.
 */
async function requireOwnerRights(stores: Stores, scope: WorkspaceScope, touchesOwner: boolean) {
  if (!touchesOwner) return
  const actor = await stores.store.collection(memberships).findOne({ workspaceId: scope.workspace.id, userId: scope.user.id })
  // Both the role read now and the scope's (an API token's may be lower than its owner's) must allow it.
  if (!actor || !can(actor.role, "members:manage-owner") || !can(scope.membership.role, "members:manage-owner")) {
    throw new AppError("FORBIDDEN", "Only an owner can grant, change or remove the owner role.")
  }
}

async function requireAnotherOwner(stores: Stores, workspaceId: string) {
  const owners = await stores.store.collection(memberships).count({ workspaceId, role: "owner" })
  if (owners <= 1) throw new AppError("CONFLICT", "A workspace must keep at least one owner; make someone else owner first.")
}

export async function changeRole(stores: Stores, scope: WorkspaceScope, userId: string, role: Role): Promise<void> {
  if (userId === scope.user.id) throw new AppError("FORBIDDEN", "You cannot change your own role; ask another admin or owner.")
  await withMembersLock(stores.live, scope.workspace.id, async () => {
    const target = await requireTarget(stores, scope, userId)
    await requireOwnerRights(stores, scope, target.role === "owner" || role === "owner")
    if (target.role === role) return
    if (target.role === "owner") await requireAnotherOwner(stores, scope.workspace.id)
    await stores.store.collection(memberships).updateOne({ id: target.id }, { role, updatedAt: nowIso() })
    await recordAudit(stores.store, {
      workspaceId: scope.workspace.id,
      actorUserId: scope.user.id,
      action: "member.role_changed",
      target: { type: "member", id: userId },
      before: { role: target.role },
      after: { role },
    })
    announceMemberChanged(stores, scope.workspace.id)
  })
}

/** Removing a person also ends their OAuth connections here, so it needs the secret store and egress too. */
export async function removeMember(stores: Stores & OAuthCleanupServices, scope: WorkspaceScope, userId: string): Promise<void> {
  if (userId === scope.user.id) throw new AppError("FORBIDDEN", "You cannot remove yourself from a workspace.")
  await withMembersLock(stores.live, scope.workspace.id, async () => {
    const target = await requireTarget(stores, scope, userId)
    await requireOwnerRights(stores, scope, target.role === "owner")
    if (target.role === "owner") await requireAnotherOwner(stores, scope.workspace.id)
    await stores.store.collection(memberships).deleteMany({ id: target.id })
    await stores.store.collection(teamMemberships).deleteMany({ workspaceId: scope.workspace.id, userId })
    await recordAudit(stores.store, {
      workspaceId: scope.workspace.id,
      actorUserId: scope.user.id,
      action: "member.removed",
      target: { type: "member", id: userId },
      before: { role: target.role },
      after: null,
    })
    announceMemberChanged(stores, scope.workspace.id)
  })
  // Their account tokens must not outlive the membership: deleted now, revoked at the provider
  // in the background (network calls the removal does not wait for).
  await deleteMemberConnections(stores, scope.workspace.id, userId)
}
