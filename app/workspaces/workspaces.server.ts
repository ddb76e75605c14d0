// Workspaces: creating one (its creator becomes owner and joins its General team), renaming,
// and listing the ones a person belongs to.

import { newId } from "#shared/ids.ts"
import type { Role } from "#shared/auth/permissions.ts"
import { recordAudit } from "../audit/audit.server.ts"
import {
  auditEvents,
  memberships,
  teamMemberships,
  teams,
  workspaces,
  type MembershipDocument,
  type UserDocument,
  type WorkspaceDocument,
} from "../store/collections.server.ts"
import { StoreDuplicateError } from "../store/store.server.ts"
import { nowIso, type Stores, type WorkspaceScope } from "./scope.server.ts"

export const GENERAL_TEAM_NAME = "General"

const slugify = (name: string) =>
  name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40) || "workspace"

export interface NewWorkspace {
  readonly name: string
  readonly external?: { readonly provider: string; readonly organizationId: string }
}

/** Creates the workspace with its General team. The creator (if any) becomes its owner. */
export async function createWorkspace(stores: Stores, creator: UserDocument, input: NewWorkspace): Promise<WorkspaceDocument> {
  const at = nowIso()
  const workspaceId = newId()
  const teamId = newId()
  const workspace: WorkspaceDocument = {
    id: workspaceId,
    name: input.name,
    slug: `${slugify(input.name)}-${workspaceId.slice(0, 6)}`,
    createdByUserId: creator.id,
    defaultTeamId: teamId,
    ...(input.external ? { externalProvider: input.external.provider, externalOrganizationId: input.external.organizationId } : {}),
    createdAt: at,
    updatedAt: at,
  }
  await stores.store.collection(workspaces).insert(workspace)
  try {
    await stores.store.collection(teams).insert({
      id: teamId,
      workspaceId,
      name: GENERAL_TEAM_NAME,
      nameNormalized: GENERAL_TEAM_NAME.toLowerCase(),
      isDefault: true,
      createdByUserId: creator.id,
      createdAt: at,
      updatedAt: at,
    })
    await recordAudit(stores.store, {
      workspaceId,
      actorUserId: creator.id,
      action: "workspace.created",
      target: { type: "workspace", id: workspaceId },
      after: { name: workspace.name },
    })
    if (!input.external) await addMember(stores, { workspace, userId: creator.id, role: "owner", source: "local", actorUserId: creator.id })
  } catch (error) {
    // Nothing half-written: a workspace without its General team or owner must not survive.
    await deleteWorkspaceData(stores, workspaceId)
    throw error
  }
  return workspace
}

async function deleteWorkspaceData(stores: Stores, workspaceId: string) {
  // Children first: if the store fails midway, the workspace itself still exists to retry on.
  await stores.store.collection(teamMemberships).deleteMany({ workspaceId })
  await stores.store.collection(memberships).deleteMany({ workspaceId })
  await stores.store.collection(teams).deleteMany({ workspaceId })
  await stores.store.collection(auditEvents).deleteMany({ workspaceId })
  await stores.store.collection(workspaces).deleteMany({ id: workspaceId })
}

export interface NewMember {
  readonly workspace: WorkspaceDocument
  readonly userId: string
  readonly role: Role
  readonly source: MembershipDocument["source"]
  readonly actorUserId: string | null
  /** Teams besides General; ids that no longer exist are skipped. */
  readonly teamIds?: readonly string[]
}

/** Adds a person to a workspace, its General team and the given teams. Throws StoreDuplicateError if already a member. */
export async function addMember(stores: Stores, input: NewMember): Promise<MembershipDocument> {
  const at = nowIso()
  const membership: MembershipDocument = {
    id: newId(),
    workspaceId: input.workspace.id,
    userId: input.userId,
    role: input.role,
    source: input.source,
    createdAt: at,
    updatedAt: at,
  }
  await stores.store.collection(memberships).insert(membership)
  const existingTeams = await stores.store
    .collection(teams)
    .findMany({ workspaceId: input.workspace.id, id: { in: [input.workspace.defaultTeamId, ...(input.teamIds ?? [])] } })
  for (const team of existingTeams) {
    try {
      await stores.store
        .collection(teamMemberships)
        .insert({ id: newId(), workspaceId: input.workspace.id, teamId: team.id, userId: input.userId, createdAt: at })
    } catch (error) {
      if (!(error instanceof StoreDuplicateError)) throw error
    }
  }
  await recordAudit(stores.store, {
    workspaceId: input.workspace.id,
    actorUserId: input.actorUserId,
    action: "member.added",
    target: { type: "member", id: input.userId },
    after: { role: input.role, source: input.source, teamIds: existingTeams.map((team) => team.id) },
  })
  return membership
}

export async function renameWorkspace(stores: Stores, scope: WorkspaceScope, name: string): Promise<WorkspaceDocument> {
  const before = scope.workspace.name
  const updated = await stores.store.collection(workspaces).updateOne({ id: scope.workspace.id }, { name, updatedAt: nowIso() })
  if (!updated) throw new Error("workspace vanished while renaming")
  await recordAudit(stores.store, {
    workspaceId: scope.workspace.id,
    actorUserId: scope.user.id,
    action: "workspace.renamed",
    target: { type: "workspace", id: scope.workspace.id },
    before: { name: before },
    after: { name },
  })
  return updated
}

export interface WorkspaceSummary {
  readonly id: string
  readonly name: string
  readonly role: Role
}

export async function listWorkspacesOf(stores: Stores, userId: string): Promise<WorkspaceSummary[]> {
  const mine = await stores.store.collection(memberships).findMany({ userId })
  const roles = new Map(mine.map((membership) => [membership.workspaceId, membership.role]))
  const found = await stores.store.collection(workspaces).findMany({ id: { in: [...roles.keys()] } }, { sort: [["name", 1]] })
  return found.map((workspace) => ({ id: workspace.id, name: workspace.name, role: roles.get(workspace.id)! }))
}

/** The workspace and the person's membership in it, or null when either does not exist. */
export async function findWorkspaceMembership(
  stores: Stores,
  workspaceId: string,
  userId: string,
): Promise<{ workspace: WorkspaceDocument; membership: MembershipDocument } | null> {
  const [workspace, membership] = await Promise.all([
    stores.store.collection(workspaces).findOne({ id: workspaceId }),
    stores.store.collection(memberships).findOne({ workspaceId, userId }),
  ])
  return workspace && membership ? { workspace, membership } : null
}
