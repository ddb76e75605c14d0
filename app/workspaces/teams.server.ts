// Teams inside a workspace. The General team holds everyone, is created with the workspace, and
// can be neither renamed nor deleted; admins create other teams and manage who is in them.

import { newId } from "#shared/ids.ts"
import { recordAudit } from "../audit/audit.server.ts"
import { announceMemberChanged } from "../events/member-events.server.ts"
import { AppError, notFound } from "../errors.server.ts"
import { memberships, teamMemberships, teams, type TeamDocument } from "../store/collections.server.ts"
import { StoreDuplicateError } from "../store/store.server.ts"
import { nowIso, type Stores, type WorkspaceScope } from "./scope.server.ts"

export interface TeamView {
  readonly id: string
  readonly name: string
  readonly isDefault: boolean
  readonly memberIds: readonly string[]
}

const normalize = (name: string) => name.trim().toLowerCase()

export async function listTeams(stores: Stores, workspaceId: string): Promise<TeamView[]> {
  const [list, links] = await Promise.all([
    stores.store.collection(teams).findMany({ workspaceId }, { sort: [["isDefault", -1], ["nameNormalized", 1]] }),
    stores.store.collection(teamMemberships).findMany({ workspaceId }, { sort: [["createdAt", 1]] }),
  ])
  return list.map((team) => ({
    id: team.id,
    name: team.name,
    isDefault: team.isDefault,
    memberIds: links.filter((link) => link.teamId === team.id).map((link) => link.userId),
  }))
}

async function requireTeam(stores: Stores, scope: WorkspaceScope, teamId: string): Promise<TeamDocument> {
  const team = await stores.store.collection(teams).findOne({ workspaceId: scope.workspace.id, id: teamId })
  if (!team) throw notFound("Team")
  return team
}

function refuseDefault(team: TeamDocument, what: string) {
  if (team.isDefault) throw new AppError("CONFLICT", `The ${team.name} team includes everyone and cannot be ${what}.`)
}

const duplicateName = (name: string) => new AppError("CONFLICT", `A team named "${name}" already exists in this workspace.`)

export async function createTeam(stores: Stores, scope: WorkspaceScope, name: string): Promise<TeamView> {
  const at = nowIso()
  const team: TeamDocument = {
    id: newId(),
    workspaceId: scope.workspace.id,
    name,
    nameNormalized: normalize(name),
    isDefault: false,
    createdByUserId: scope.user.id,
    createdAt: at,
    updatedAt: at,
  }
  try {
    await stores.store.collection(teams).insert(team)
  } catch (error) {
    if (error instanceof StoreDuplicateError) throw duplicateName(name)
    throw error
  }
  await audit(stores, scope, "team.created", team.id, null, { name })
  return { id: team.id, name, isDefault: false, memberIds: [] }
}

export async function renameTeam(stores: Stores, scope: WorkspaceScope, teamId: string, name: string): Promise<void> {
  const team = await requireTeam(stores, scope, teamId)
  refuseDefault(team, "renamed")
  try {
    await stores.store.collection(teams).updateOne({ id: team.id }, { name, nameNormalized: normalize(name), updatedAt: nowIso() })
  } catch (error) {
    if (error instanceof StoreDuplicateError) throw duplicateName(name)
    throw error
  }
  await audit(stores, scope, "team.renamed", team.id, { name: team.name }, { name })
}

export async function deleteTeam(stores: Stores, scope: WorkspaceScope, teamId: string): Promise<void> {
  const team = await requireTeam(stores, scope, teamId)
  refuseDefault(team, "deleted")
  const members = await stores.store.collection(teamMemberships).findMany({ workspaceId: scope.workspace.id, teamId })
  await stores.store.collection(teamMemberships).deleteMany({ workspaceId: scope.workspace.id, teamId })
  await stores.store.collection(teams).deleteMany({ id: team.id })
  await audit(stores, scope, "team.deleted", team.id, { name: team.name, memberIds: members.map((m) => m.userId) }, null)
  announceMemberChanged(stores, scope.workspace.id)
}

export async function addTeamMember(stores: Stores, scope: WorkspaceScope, teamId: string, userId: string): Promise<void> {
  const team = await requireTeam(stores, scope, teamId)
  const member = await stores.store.collection(memberships).findOne({ workspaceId: scope.workspace.id, userId })
  if (!member) throw notFound("Member")
  try {
    await stores.store
      .collection(teamMemberships)
      .insert({ id: newId(), workspaceId: scope.workspace.id, teamId: team.id, userId, createdAt: nowIso() })
  } catch (error) {
    if (error instanceof StoreDuplicateError) throw new AppError("CONFLICT", `This person is already in ${team.name}.`)
    throw error
  }
  await audit(stores, scope, "team.member_added", team.id, null, { userId })
  announceMemberChanged(stores, scope.workspace.id)
}

export async function removeTeamMember(stores: Stores, scope: WorkspaceScope, teamId: string, userId: string): Promise<void> {
  const team = await requireTeam(stores, scope, teamId)
  refuseDefault(team, "left")
  const removed = await stores.store.collection(teamMemberships).deleteMany({ workspaceId: scope.workspace.id, teamId, userId })
  if (removed === 0) throw notFound("Team member")
  await audit(stores, scope, "team.member_removed", team.id, { userId }, null)
  announceMemberChanged(stores, scope.workspace.id)
}

function audit(
  stores: Stores,
  scope: WorkspaceScope,
  action: "team.created" | "team.renamed" | "team.deleted" | "team.member_added" | "team.member_removed",
  teamId: string,
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
) {
  return recordAudit(stores.store, {
    workspaceId: scope.workspace.id,
    actorUserId: scope.user.id,
    action,
    target: { type: "team", id: teamId },
    before,
    after,
  })
}
