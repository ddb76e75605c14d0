// Brings what an external identity provider says about a person into our records at each
// sign-in: the user (matched by provider + subject, or linked once by a verified email), the
// memberships of provider organizations with their mapped roles (the provider owns those roles),
// their General teams, and pending invitations to their verified email.

import type { Role } from "#shared/auth/permissions.ts"
import { newId } from "#shared/ids.ts"
import { recordAudit } from "../../audit/audit.server.ts"
import { announceMemberChanged } from "../../events/member-events.server.ts"
import { cleanName } from "../../text/names.ts"
import { SignInError } from "../sign-in-errors.server.ts"
import { memberships, users, workspaces, type UserDocument } from "../../store/collections.server.ts"
import { StoreDuplicateError } from "../../store/store.server.ts"
import { acceptPendingInvitationsFor, normalizeEmail } from "../../workspaces/invitations.server.ts"
import { nowIso, type Stores } from "../../workspaces/scope.server.ts"
import { withMembersLock } from "../../workspaces/workspace-lock.server.ts"
import { addMember, createWorkspace } from "../../workspaces/workspaces.server.ts"
import type { ExternalIdentity, ExternalMembership } from "./auth-provider.server.ts"
import { mapExternalRole } from "./role-mapping.server.ts"

export async function syncExternalIdentity(
  stores: Stores,
  identity: ExternalIdentity,
  roleMap: Readonly<Record<string, Role>>,
): Promise<UserDocument> {
  const user = await syncUser(stores, identity)
  for (const membership of identity.memberships) {
    await syncMembership(stores, user, identity.provider, membership, mapExternalRole(membership.roles, roleMap))
  }
  await acceptPendingInvitationsFor(stores, user)
  return user
}

async function syncUser(stores: Stores, identity: ExternalIdentity): Promise<UserDocument> {
  const collection = stores.store.collection(users)
  const known = await collection.findOne({ externalIssuer: identity.provider, externalSubject: identity.subject })
  // Emails are how invitations find people and how accounts are told apart: only an address the
  // provider vouches for is ever stored or changed.
  if (!identity.email || !identity.emailVerified) {
    if (known) return known
    throw new SignInError(identity.email ? "unverified_email" : "no_email")
  }
  const email = identity.email.trim()
  const emailNormalized = normalizeEmail(email)
  // The provider's name is shown to colleagues as it is: what cannot be shown is dropped, not refused.
  const displayName = cleanName(identity.displayName ?? "", 80) || cleanName(email.split("@")[0] ?? email, 80) || email.slice(0, 80)
  const at = nowIso()

  if (known) {
    if (known.emailNormalized === emailNormalized && known.displayName === displayName) return known
    try {
      return (await collection.updateOne({ id: known.id }, { email, emailNormalized, displayName, updatedAt: at })) ?? known
    } catch (error) {
      // Their new address belongs to another account here: keep the old one rather than merge people.
      if (error instanceof StoreDuplicateError) return known
      throw error
    }
  }

  const sameEmail = await collection.findOne({ emailNormalized })
  if (sameEmail) {
    // The provider vouches for the address (checked above); link it, but only once.
    if (sameEmail.externalIssuer !== undefined) {
      throw new SignInError("account_exists", email)
    }
    return (
      (await collection.updateOne(
        { id: sameEmail.id },
        { externalIssuer: identity.provider, externalSubject: identity.subject, displayName, updatedAt: at },
      )) ?? sameEmail
    )
  }

  const user: UserDocument = {
    id: newId(),
    email,
    emailNormalized,
    displayName,
    externalIssuer: identity.provider,
    externalSubject: identity.subject,
    createdAt: at,
    updatedAt: at,
  }
  await collection.insert(user)
  return user
}

async function syncMembership(stores: Stores, user: UserDocument, provider: string, external: ExternalMembership, role: Role) {
  const workspace = await findOrCreateWorkspace(stores, user, provider, external)
  const existing = await stores.store.collection(memberships).findOne({ workspaceId: workspace.id, userId: user.id })
  if (!existing) {
    try {
      await addMember(stores, { workspace, userId: user.id, role, source: "external", actorUserId: null })
      announceMemberChanged(stores, workspace.id)
    } catch (error) {
      if (!(error instanceof StoreDuplicateError)) throw error
    }
    return
  }
  // Memberships an admin granted here stay theirs; provider-managed ones follow the provider.
  if (existing.source !== "external" || existing.role === role) return
  await withMembersLock(stores.live, workspace.id, async () => {
    const current = await stores.store.collection(memberships).findOne({ id: existing.id })
    if (!current || current.role === role) return
    if (current.role === "owner") {
      const owners = await stores.store.collection(memberships).count({ workspaceId: workspace.id, role: "owner" })
      // The provider no longer names this person owner, but nobody else is: keep the workspace
      // manageable until the provider names another owner.
      if (owners <= 1) return
    }
    await stores.store.collection(memberships).updateOne({ id: current.id }, { role, updatedAt: nowIso() })
    // Open pages refresh their member lists; open workspace streams re-read this person's role.
    announceMemberChanged(stores, workspace.id)
    await recordAudit(stores.store, {
      workspaceId: workspace.id,
      actorUserId: null,
      action: "member.role_changed",
      target: { type: "member", id: user.id },
      before: { role: current.role },
      after: { role, source: "external" },
    })
  })
}

async function findOrCreateWorkspace(stores: Stores, user: UserDocument, provider: string, external: ExternalMembership) {
  const key = { externalProvider: provider, externalOrganizationId: external.organizationId }
  const found = await stores.store.collection(workspaces).findOne(key)
  if (found) return found
  try {
    return await createWorkspace(stores, user, {
      name: cleanName(external.organizationName, 80) || "Workspace",
      external: { provider, organizationId: external.organizationId },
    })
  } catch (error) {
    // Two first sign-ins at once: the other created it.
    if (!(error instanceof StoreDuplicateError)) throw error
    const created = await stores.store.collection(workspaces).findOne(key)
    if (!created) throw error
    return created
  }
}
