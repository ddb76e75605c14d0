// The names behind the ids in a page of audit events (people, teams, apps, invitations), so the
// log reads as sentences. Former members are still named: users outlive their memberships.
// Deleted teams and apps keep the last name the log itself recorded for them.

import { apps, invitations, teams, users, type AuditEventDocument } from "../store/collections.server.ts"
import type { DurableStore } from "../store/store.server.ts"
import type { AuditDirectory } from "../text/audit-sentence.ts"

const ids = (value: unknown): string[] =>
  typeof value === "string" ? [value] : Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : []

function referencedIds(events: readonly AuditEventDocument[]) {
  const people = new Set<string>()
  const teamIds = new Set<string>()
  const appIds = new Set<string>()
  const invitationIds = new Set<string>()
  for (const event of events) {
    if (event.actorUserId) people.add(event.actorUserId)
    const byType: Readonly<Record<string, Set<string>>> = { member: people, team: teamIds, app: appIds, invitation: invitationIds }
    byType[event.targetType]?.add(event.targetId)
    for (const record of [event.before, event.after]) {
      for (const id of [...ids(record?.["userId"]), ...ids(record?.["memberIds"])]) people.add(id)
      for (const id of ids(record?.["teamIds"])) teamIds.add(id)
    }
  }
  return { people: [...people], teams: [...teamIds], apps: [...appIds], invitations: [...invitationIds] }
}

/** Newest first: the first name found is the last one the thing had. */
function lastRecordedNames(events: readonly AuditEventDocument[], targetType: string): Map<string, string> {
  const names = new Map<string, string>()
  for (const event of events) {
    if (event.targetType !== targetType || names.has(event.targetId)) continue
    const name = event.after?.["name"] ?? event.before?.["name"]
    if (typeof name === "string") names.set(event.targetId, name)
  }
  return names
}

export async function auditDirectory(store: DurableStore, workspaceId: string, events: readonly AuditEventDocument[]): Promise<AuditDirectory> {
  const wanted = referencedIds(events)
  const [people, teamList, appList, invitationList] = await Promise.all([
    wanted.people.length ? store.collection(users).findMany({ id: { in: wanted.people } }) : [],
    wanted.teams.length ? store.collection(teams).findMany({ workspaceId, id: { in: wanted.teams } }) : [],
    wanted.apps.length ? store.collection(apps).findMany({ workspaceId, id: { in: wanted.apps } }) : [],
    wanted.invitations.length ? store.collection(invitations).findMany({ workspaceId, id: { in: wanted.invitations } }) : [],
  ])
  const teamNames = lastRecordedNames(events, "team")
  const appNames = lastRecordedNames(events, "app")
  for (const team of teamList) teamNames.set(team.id, team.name)
  for (const app of appList) appNames.set(app.id, app.name)
  return {
    people: Object.fromEntries(people.map((person) => [person.id, { name: person.displayName, email: person.email }])),
    teams: Object.fromEntries(teamNames),
    apps: Object.fromEntries(appNames),
    invitations: Object.fromEntries(invitationList.map((invitation) => [invitation.id, { email: invitation.email, role: invitation.role }])),
  }
}
