// Invitations: an admin invites an email with a role and teams; the invitee gets a single-use link
// that expires. Only the link's hash is stored; resending issues a new link and voids the old one.
// Accepting joins the workspace, its General team and the invited teams.

import { can, type Role } from "#shared/auth/permissions.ts"
import { newId, newSecretToken } from "#shared/ids.ts"
import { hashToken } from "#shared/crypto/token-hash.ts"
import { recordAudit } from "../audit/audit.server.ts"
import { announceMemberChanged } from "../events/member-events.server.ts"
import { AppError, notFound } from "../errors.server.ts"
import {
  invitations,
  memberships,
  teams,
  users,
  workspaces,
  type InvitationDocument,
  type UserDocument,
} from "../store/collections.server.ts"
import { StoreDuplicateError } from "../store/store.server.ts"
import { nowIso, type Stores, type WorkspaceScope } from "./scope.server.ts"
import { withMembersLock } from "./workspace-lock.server.ts"
import { addMember } from "./workspaces.server.ts"

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000

export const normalizeEmail = (email: string) => email.trim().toLowerCase()

export interface InvitationView {
  readonly id: string
  readonly email: string
  readonly role: Role
  readonly teamIds: readonly string[]
  readonly expiresAt: string
  readonly expired: boolean
  readonly invitedByUserId: string
  readonly createdAt: string
}

/** The invitation with the link that carries its token. The token is never shown again. */
export interface IssuedInvitation {
  readonly invitation: InvitationView
  readonly path: string
}

const view = (invitation: InvitationDocument, now = nowIso()): InvitationView => ({
  id: invitation.id,
  email: invitation.email,
  role: invitation.role,
  teamIds: invitation.teamIds,
  expiresAt: invitation.expiresAt,
  expired: invitation.expiresAt <= now,
  invitedByUserId: invitation.invitedByUserId,
  createdAt: invitation.createdAt,
})

export const invitationPath = (token: string) => `/invitations/${token}`
const expiry = () => new Date(Date.now() + INVITATION_TTL_MS).toISOString()

function requireRightsToInvite(scope: WorkspaceScope, role: Role) {
  if (role === "owner" && !can(scope.membership.role, "members:manage-owner")) {
    throw new AppError("FORBIDDEN", "Only an owner can invite another owner.")
  }
}

export interface NewInvitation {
  readonly email: string
  readonly role: Role
  readonly teamIds: readonly string[]
}

export async function createInvitation(stores: Stores, scope: WorkspaceScope, input: NewInvitation): Promise<IssuedInvitation> {
  requireRightsToInvite(scope, input.role)
  const workspaceId = scope.workspace.id
  const emailNormalized = normalizeEmail(input.email)
  const teamIds = [...new Set(input.teamIds)].filter((teamId) => teamId !== scope.workspace.defaultTeamId)
  const found = await stores.store.collection(teams).findMany({ workspaceId, id: { in: teamIds } })
  if (found.length !== teamIds.length) throw new AppError("BAD_REQUEST", "One of the teams does not exist in this workspace.")

  // Checked and written under the members lock, so two admins inviting the same address at once
  // cannot create two pending invitations.
  return withMembersLock(stores.live, workspaceId, () => issueInvitation(stores, scope, input, emailNormalized, teamIds))
}

async function issueInvitation(
  stores: Stores,
  scope: WorkspaceScope,
  input: NewInvitation,
  emailNormalized: string,
  teamIds: readonly string[],
): Promise<IssuedInvitation> {
  const workspaceId = scope.workspace.id
  const person = await stores.store.collection(users).findOne({ emailNormalized })
  if (person && (await stores.store.collection(memberships).findOne({ workspaceId, userId: person.id }))) {
    throw new AppError("CONFLICT", `${input.email} is already a member of this workspace.`)
  }
  const pending = await stores.store.collection(invitations).findMany({ workspaceId, emailNormalized, status: "pending" })
  if (pending.some((invitation) => invitation.expiresAt > nowIso())) {
    throw new AppError("CONFLICT", `${input.email} already has a pending invitation; resend it instead.`)
  }

  const token = newSecretToken()
  const at = nowIso()
  const invitation: InvitationDocument = {
    id: newId(),
    workspaceId,
    email: input.email.trim(),
    emailNormalized,
    role: input.role,
    teamIds,
    tokenHash: hashToken(token),
    status: "pending",
    expiresAt: expiry(),
    invitedByUserId: scope.user.id,
    createdAt: at,
    updatedAt: at,
  }
  await stores.store.collection(invitations).insert(invitation)
  await recordAudit(stores.store, {
    workspaceId,
    actorUserId: scope.user.id,
    action: "invitation.created",
    target: { type: "invitation", id: invitation.id },
    after: { email: invitation.email, role: invitation.role, teamIds },
  })
  return { invitation: view(invitation), path: invitationPath(token) }
}

export async function listInvitations(stores: Stores, workspaceId: string): Promise<InvitationView[]> {
  const pending = await stores.store
    .collection(invitations)
    .findMany({ workspaceId, status: "pending" }, { sort: [["createdAt", -1]] })
  return pending.map((invitation) => view(invitation))
}

async function requirePending(stores: Stores, scope: WorkspaceScope, invitationId: string): Promise<InvitationDocument> {
  const invitation = await stores.store.collection(invitations).findOne({ workspaceId: scope.workspace.id, id: invitationId })
  if (!invitation) throw notFound("Invitation")
  if (invitation.status !== "pending") throw new AppError("CONFLICT", `This invitation was already ${invitation.status}.`)
  requireRightsToInvite(scope, invitation.role)
  return invitation
}

export async function resendInvitation(stores: Stores, scope: WorkspaceScope, invitationId: string): Promise<IssuedInvitation> {
  const invitation = await requirePending(stores, scope, invitationId)
  const token = newSecretToken()
  const updated = await stores.store
    .collection(invitations)
    .updateOne({ id: invitation.id, status: "pending" }, { tokenHash: hashToken(token), expiresAt: expiry(), updatedAt: nowIso() })
  if (!updated) throw new AppError("CONFLICT", "This invitation was just accepted or revoked.")
  await recordAudit(stores.store, {
    workspaceId: scope.workspace.id,
    actorUserId: scope.user.id,
    action: "invitation.resent",
    target: { type: "invitation", id: invitation.id },
    before: { expiresAt: invitation.expiresAt },
    after: { expiresAt: updated.expiresAt },
  })
  return { invitation: view(updated), path: invitationPath(token) }
}

export async function revokeInvitation(stores: Stores, scope: WorkspaceScope, invitationId: string): Promise<void> {
  const invitation = await requirePending(stores, scope, invitationId)
  const updated = await stores.store
    .collection(invitations)
    .updateOne({ id: invitation.id, status: "pending" }, { status: "revoked", updatedAt: nowIso() })
  if (!updated) throw new AppError("CONFLICT", "This invitation was just accepted or revoked.")
  await recordAudit(stores.store, {
    workspaceId: scope.workspace.id,
    actorUserId: scope.user.id,
    action: "invitation.revoked",
    target: { type: "invitation", id: invitation.id },
    before: { status: "pending" },
    after: { status: "revoked" },
  })
}

export interface InvitationPreview {
  readonly workspaceName: string
  readonly invitedBy: string
  readonly email: string
  readonly role: Role
  readonly state: "pending" | "expired" | "accepted" | "revoked"
}

async function findByToken(stores: Stores, token: string): Promise<InvitationDocument> {
  const invitation = await stores.store.collection(invitations).findOne({ tokenHash: hashToken(token) })
  if (!invitation) throw new AppError("NOT_FOUND", "This invitation link is not valid. Ask for a new one.")
  return invitation
}

/** What the invitee sees before accepting. The token in the link is the only credential needed. */
export async function previewInvitation(stores: Stores, token: string): Promise<InvitationPreview> {
  const invitation = await findByToken(stores, token)
  const [workspace, inviter] = await Promise.all([
    stores.store.collection(workspaces).findOne({ id: invitation.workspaceId }),
    stores.store.collection(users).findOne({ id: invitation.invitedByUserId }),
  ])
  if (!workspace) throw new AppError("NOT_FOUND", "This invitation link is not valid. Ask for a new one.")
  const expired = invitation.status === "pending" && invitation.expiresAt <= nowIso()
  return {
    workspaceName: workspace.name,
    invitedBy: inviter?.displayName ?? "A former member",
    email: invitation.email,
    role: invitation.role,
    state: expired ? "expired" : invitation.status,
  }
}

export async function acceptInvitation(stores: Stores, user: UserDocument, token: string): Promise<{ workspaceId: string }> {
  return acceptFound(stores, user, await findByToken(stores, token))
}

/**
 * For people whose email an identity provider verified: accepts every pending invitation to that
 * address at sign-in, as following each link would. Returns the workspaces joined.
 */
export async function acceptPendingInvitationsFor(stores: Stores, user: UserDocument): Promise<string[]> {
  const pending = await stores.store.collection(invitations).findMany({ emailNormalized: user.emailNormalized, status: "pending" })
  const joined: string[] = []
  for (const invitation of pending) {
    try {
      joined.push((await acceptFound(stores, user, invitation)).workspaceId)
    } catch (error) {
      // Expired, already a member, just revoked: the rest still apply.
      if (!(error instanceof AppError)) throw error
    }
  }
  return joined
}

async function acceptFound(stores: Stores, user: UserDocument, invitation: InvitationDocument): Promise<{ workspaceId: string }> {
  if (invitation.status !== "pending") throw new AppError("CONFLICT", `This invitation was already ${invitation.status}.`)
  if (invitation.expiresAt <= nowIso()) throw new AppError("CONFLICT", "This invitation has expired. Ask for a new one.")
  if (invitation.emailNormalized !== user.emailNormalized) {
    throw new AppError("FORBIDDEN", `This invitation is for ${invitation.email}; sign in with that address to accept it.`)
  }
  const workspace = await stores.store.collection(workspaces).findOne({ id: invitation.workspaceId })
  if (!workspace) throw new AppError("NOT_FOUND", "This invitation link is not valid. Ask for a new one.")
  if (await stores.store.collection(memberships).findOne({ workspaceId: workspace.id, userId: user.id })) {
    throw new AppError("CONFLICT", "You are already a member of this workspace.")
  }
  // Single use: of two concurrent accepts, exactly one moves the invitation out of pending.
  const claimed = await stores.store
    .collection(invitations)
    .updateOne(
      { id: invitation.id, status: "pending", tokenHash: invitation.tokenHash },
      { status: "accepted", acceptedByUserId: user.id, acceptedAt: nowIso(), updatedAt: nowIso() },
    )
  if (!claimed) throw new AppError("CONFLICT", "This invitation was already used.")
  try {
    await addMember(stores, {
      workspace,
      userId: user.id,
      role: invitation.role,
      source: "local",
      actorUserId: user.id,
      teamIds: invitation.teamIds,
    })
  } catch (error) {
    if (!(error instanceof StoreDuplicateError)) {
      // Joining failed: the link must keep working rather than be spent on nothing.
      await stores.store
        .collection(invitations)
        .updateOne({ id: invitation.id, status: "accepted" }, { status: "pending", updatedAt: nowIso() })
      throw error
    }
  }
  await recordAudit(stores.store, {
    workspaceId: workspace.id,
    actorUserId: user.id,
    action: "invitation.accepted",
    target: { type: "invitation", id: invitation.id },
    before: { status: "pending" },
    after: { status: "accepted", userId: user.id },
  })
  announceMemberChanged(stores, workspace.id)
  return { workspaceId: workspace.id }
}
