// The audit log in plain words: each event as a sentence with people's and things' names ("Ada
// invited bob@example.com as member"), never ids or JSON. Pure, so every action is unit-tested.

import { APP_RUNTIME_SETTING_LABELS, APP_RUNTIME_SETTING_NAMES } from "#shared/apps/frame-policy.ts"
import { withArticle } from "../components/roles.ts"

export interface AuditPerson {
  readonly name: string
  readonly email: string
}

/** Names for the ids the events mention, resolved on the server (see app/audit/audit-directory.server.ts). */
export interface AuditDirectory {
  readonly people: Readonly<Record<string, AuditPerson>>
  /** Current name, or the last one the log knew for a deleted team. */
  readonly teams: Readonly<Record<string, string>>
  readonly apps: Readonly<Record<string, string>>
  readonly invitations: Readonly<Record<string, { readonly email: string; readonly role: string }>>
}

export interface AuditEventView {
  readonly id: string
  readonly occurredAt: string
  readonly actorUserId: string | null
  readonly action: string
  readonly targetType: string
  readonly targetId: string
  readonly before: Readonly<Record<string, unknown>> | null
  readonly after: Readonly<Record<string, unknown>> | null
}

/** Words, or a name to emphasise (with the email on hover for people). */
export type SentencePart = string | { readonly name: string; readonly hint?: string }

export const EMPTY_DIRECTORY: AuditDirectory = { people: {}, teams: {}, apps: {}, invitations: {} }

/** Who made a change when nobody signed in did: the identity provider's sync. */
export const IDENTITY_PROVIDER = "The identity provider"

/** Who deleted audit events past the retention period: the web's sweep, not a person. */
export const RETENTION_SCHEDULE = "The retention schedule"

/** The words for an event nobody signed in made (actorUserId null). */
export const unattendedActor = (action: string) => (action === "audit.events_expired" ? RETENTION_SCHEDULE : IDENTITY_PROVIDER)

export const text = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null)

export const personPart = (directory: AuditDirectory, userId: unknown): SentencePart => {
  const person = typeof userId === "string" ? directory.people[userId] : undefined
  return person ? { name: person.name, hint: person.email } : "someone no longer here"
}

export const teamName = (directory: AuditDirectory, teamId: unknown, ...known: unknown[]): string | null =>
  (typeof teamId === "string" ? directory.teams[teamId] : undefined) ?? known.map(text).find(Boolean) ?? null

export const appName = (directory: AuditDirectory, appId: string, ...known: unknown[]): string | null =>
  directory.apps[appId] ?? known.map(text).find(Boolean) ?? null

const named = (kind: string, name: string | null): SentencePart[] => (name ? [`the ${kind} `, { name }] : [`a deleted ${kind}`])

const possessive = (part: SentencePart): SentencePart[] => (typeof part === "string" ? [`the role of ${part}`] : [part, "'s role"])

function invitationEmail(event: AuditEventView, directory: AuditDirectory): SentencePart {
  const email = text(event.after?.["email"]) ?? directory.invitations[event.targetId]?.email
  return email ? { name: email } : "someone"
}

/** "team.member_added" → "team member added", "api_token.created" → "API token created": for filters and actions this module does not know yet. */
export const humanizeAction = (action: string) => action.replace(/[._]+/g, " ").trim().replace(/\bapi\b/gi, "API")

/** " to the whole workspace", " to the teams Design, Ops". */
function audienceWords(record: Readonly<Record<string, unknown>> | null, directory: AuditDirectory): string {
  if (record?.["visibility"] === "workspace") return " to the whole workspace"
  const ids = record?.["teamIds"]
  if (record?.["visibility"] !== "teams" || !Array.isArray(ids)) return ""
  const names = ids.map((id) => teamName(directory, id) ?? "a deleted team")
  return ` to the ${names.length === 1 ? "team" : "teams"} ${names.join(", ")}`
}

/** "A", "A and B", "A, B and C". */
const and = (words: readonly string[]) => (words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`)

/** "turned off Run scripts and turned on Open other sites", from the settings before and after. */
function runtimeSettingsWords(before: Readonly<Record<string, unknown>> | null, after: Readonly<Record<string, unknown>> | null): SentencePart[] {
  const switched = (from: boolean, to: boolean) =>
    APP_RUNTIME_SETTING_NAMES.filter((name) => before?.[name] === from && after?.[name] === to).map((name) => APP_RUNTIME_SETTING_LABELS[name])
  const off = switched(true, false)
  const on = switched(false, true)
  const parts: SentencePart[] = []
  if (off.length) parts.push("turned off ", { name: and(off) })
  if (on.length) parts.push(off.length ? " and turned on " : "turned on ", { name: and(on) })
  // An event written before settings were recorded side by side (or with nothing switched).
  if (!parts.length) return ["changed the runtime settings of the workspace's apps"]
  return [...parts, " for the workspace's apps"]
}

/** The sentence's parts without the actor in front: "invited ", {bob@…}, " as member". */
function predicate(event: AuditEventView, directory: AuditDirectory): SentencePart[] {
  const { before, after, targetId } = event
  const member = () => personPart(directory, targetId)
  // Created and deleted things are named as they were then; others by their name now.
  const recorded = text(after?.["name"]) ?? text(before?.["name"])
  const team = () => named("team", recorded ?? teamName(directory, targetId))
  const app = () => named("app", recorded ?? appName(directory, targetId))
  const role = (record: typeof before) => text(record?.["role"]) ?? "another role"
  const provider = () => text(after?.["providerKey"]) ?? text(before?.["providerKey"]) ?? targetId
  const keyLabel = () => `${text(after?.["domain"]) ?? "an integration"}${text(after?.["keySlug"]) && after?.["keySlug"] !== "default" ? ` (${text(after?.["keySlug"])})` : ""}`
  const reconnectCount = () => {
    const count = after?.["reconnectRequired"]
    return typeof count === "number" && count > 0 ? `; ${count} ${count === 1 ? "person has" : "people have"} to reconnect` : ""
  }
  const disconnectedCount = () => {
    const count = after?.["connectionsRemoved"]
    return typeof count === "number" && count > 0 ? `, disconnecting ${count} ${count === 1 ? "account" : "accounts"}` : ""
  }
  switch (event.action) {
    case "workspace.created":
      return ["created the workspace ", { name: text(after?.["name"]) ?? "" }]
    case "workspace.renamed":
      return ["renamed the workspace from ", { name: text(before?.["name"]) ?? "" }, " to ", { name: text(after?.["name"]) ?? "" }]
    case "member.added":
      // Joining by oneself (creating the workspace, accepting an invitation) reads as becoming one.
      if (event.actorUserId === targetId) return [`became ${withArticle(role(after))}`]
      return ["added ", member(), ` as ${role(after)}`]
    case "member.role_changed":
      return ["changed ", ...possessive(member()), ` from ${role(before)} to ${role(after)}`]
    case "member.removed":
      return ["removed ", member(), " from the workspace"]
    case "invitation.created":
      return ["invited ", invitationEmail(event, directory), ` as ${text(after?.["role"]) ?? directory.invitations[targetId]?.role ?? "member"}`]
    case "invitation.resent":
      return ["sent a new invitation link to ", invitationEmail(event, directory)]
    case "invitation.revoked":
      return ["revoked the invitation for ", invitationEmail(event, directory)]
    case "invitation.accepted":
      return ["joined via invitation"]
    case "team.created":
      return ["created ", ...team()]
    case "team.renamed":
      return ["renamed the team ", { name: text(before?.["name"]) ?? "" }, " to ", { name: text(after?.["name"]) ?? "" }]
    case "team.deleted":
      return ["deleted ", ...team()]
    case "team.member_added":
      return ["added ", personPart(directory, after?.["userId"]), " to ", ...team()]
    case "team.member_removed":
      return ["removed ", personPart(directory, before?.["userId"]), " from ", ...team()]
    case "app.created":
      return ["created ", ...app()]
    case "app.renamed":
      return ["renamed the app ", { name: text(before?.["name"]) ?? "" }, " to ", { name: text(after?.["name"]) ?? "" }]
    case "app.deleted":
      return ["deleted ", ...app()]
    case "app.collaborator_added":
      return ["added ", personPart(directory, after?.["userId"]), " as a collaborator on ", ...app()]
    case "app.collaborator_removed":
      return ["removed ", personPart(directory, after?.["userId"] ?? before?.["userId"]), " as a collaborator on ", ...app()]
    case "app.version_restored": {
      const from = after?.["restoredFromNumber"]
      return [typeof from === "number" ? `restored version ${from} of ` : "restored an earlier version of ", ...app()]
    }
    case "app.agents_approved":
      return ["approved the agents of ", ...app(), after?.["mode"] === "live" ? " for live calls" : " for mock data only"]
    case "app.agents_revoked":
      return ["revoked the approval of the agents of ", ...app(), before?.["scope"] === "published" ? " (published)" : ""]
    case "app.agents_approval_cleared": {
      const from = after?.["restoredFromNumber"]
      if (typeof from === "number") return [`restored version ${from} of `, ...app(), ", which changed its agents and cleared their approval"]
      // The builder changes agents.json in the turn of the person who sent the message (see auditSentence).
      if (after?.["by"] === "builder agent") return ["changed the agents of ", ...app()]
      return ["approved the agents of ", ...app(), ", but they changed meanwhile, so the approval was cleared"]
    }
    case "agent_run.started":
      return [`ran the agent ${text(after?.["agentId"]) ?? ""} of `, ...app(), after?.["mode"] === "mock" ? " (mock data only)" : ""]
    case "agent_run.cancelled":
      return [`cancelled a run of the agent ${text(after?.["agentId"]) ?? ""} of `, ...app()]
    case "agent_run.repair_requested":
      return [`asked the builder (through an agent) to repair `, ...app(), ` after its agent ${text(after?.["agentId"]) ?? ""} reported a failing tool`]
    case "tool.executed":
    case "tool.mocked":
    case "tool.denied":
    case "tool.failed": {
      const tool = text(after?.["tool"]) ?? "a tool"
      const by = text(after?.["agentId"])
      const through = by ? ` through its agent ${by}` : ""
      if (event.action === "tool.executed") return [`called ${tool} of `, ...app(), through]
      if (event.action === "tool.mocked") return [`called ${tool} of `, ...app(), through, " (answered with mock data)"]
      if (event.action === "tool.denied") return [`was refused ${tool} of `, ...app(), through]
      return [`called ${tool} of `, ...app(), through, ", which failed"]
    }
    case "agent.tool_failure_reported":
      return [`ran the agent ${text(after?.["agentId"]) ?? ""} of `, ...app(), `, which reported that ${text(after?.["tool"]) ?? "a tool"} fails`, after?.["blocking"] === true ? " (blocking)" : ""]
    case "integration.provider_saved": {
      if (after?.["created"] === true) return ["added the OAuth client for ", { name: provider() }]
      // A new client id or endpoint is another client: its members' connections had to start over.
      if (after?.["clientChanged"] === true) return ["replaced the OAuth client for ", { name: provider() }, ` (new client id or endpoints)${reconnectCount()}`]
      return ["changed the OAuth client for ", { name: provider() }, after?.["secretChanged"] === true ? " (new client secret)" : ""]
    }
    case "integration.provider_deleted":
      return ["removed the OAuth client for ", { name: provider() }, disconnectedCount()]
    case "integration.grants_synced":
      return ["updated the integration keys ", ...app(), " asks for"]
    case "integration.secret_set":
      return [`stored the secret ${text(after?.["secret"]) ?? ""} of ${keyLabel()} for `, ...app()]
    case "integration.secret_cleared":
      return [`removed the secret ${text(after?.["secret"]) ?? ""} of ${keyLabel()} for `, ...app()]
    case "oauth.connected":
      return ["connected their ", { name: provider() }, " account"]
    case "oauth.disconnected":
      return ["disconnected their ", { name: provider() }, " account"]
    case "oauth.token_refreshed":
      return ["renewed their ", { name: provider() }, " access (token refreshed)"]
    case "oauth.reconnect_needed":
      return ["must reconnect their ", { name: provider() }, " account: the provider refused its refresh token"]
    case "app.published": {
      const release = after?.["releaseNumber"]
      const version = after?.["versionNumber"]
      const which = typeof version === "number" ? `version ${version} of ` : ""
      const through = typeof after?.["reviewId"] === "string" ? " (review approved)" : ""
      return [`published ${which}`, ...app(), audienceWords(after, directory), through, typeof release === "number" ? ` as release ${release}` : ""]
    }
    case "app.unpublished":
      return ["unpublished ", ...app()]
    case "app.rolled_back": {
      const from = after?.["rolledBackFromNumber"]
      return ["rolled ", ...app(), typeof from === "number" ? ` back to release ${from}` : " back to an earlier release"]
    }
    case "review.requested":
      return ["asked for a review to publish ", ...app(), audienceWords(after, directory)]
    case "review.approved":
      return ["approved the review of ", ...app()]
    case "review.changes_requested":
      return ["requested changes to ", ...app()]
    case "review.superseded":
      return ["changed ", ...app(), " while its review was pending, which superseded the review"]
    case "review.withdrawn":
      return ["withdrew the review request of ", ...app()]
    case "workspace.runtime_settings_changed":
      return runtimeSettingsWords(before, after)
    case "audit.retention_changed": {
      const days = after?.["retentionDays"]
      return [typeof days === "number" ? `set the audit log to keep events for ${days} ${days === 1 ? "day" : "days"}` : "set the audit log to keep events forever"]
    }
    case "audit.events_expired": {
      const count = after?.["deleted"]
      return [typeof count === "number" ? `deleted ${count} audit ${count === 1 ? "event" : "events"} past the retention period` : "deleted audit events past the retention period"]
    }
    case "audit.exported":
      return [`exported the audit log${text(after?.["format"]) ? ` as ${text(after?.["format"])?.toUpperCase()}` : ""}`]
    case "api_token.created":
      return [`created the API token `, { name: text(after?.["name"]) ?? "" }, ` (${role(after)}, expires ${text(after?.["expiresAt"])?.slice(0, 10) ?? "later"})`]
    case "api_token.revoked":
      return [`revoked the API token `, { name: text(before?.["name"]) ?? "" }]
    default:
      return [`made a change (${humanizeAction(event.action)})`]
  }
}

function capitalized(parts: readonly SentencePart[]): SentencePart[] {
  const [first, ...rest] = parts
  if (typeof first !== "string") return [...parts]
  return [first.charAt(0).toUpperCase() + first.slice(1), ...rest]
}

/** The whole sentence: who, then what they did. */
export function auditSentence(event: AuditEventView, directory: AuditDirectory): SentencePart[] {
  const words = predicate(event, directory)
  // The builder renames apps on its own, in the turn of the person who sent the message.
  if (event.action === "app.renamed" && event.after?.["by"] === "builder agent") {
    return ["The builder ", ...words, " for ", personPart(directory, event.actorUserId)]
  }
  if (event.action === "app.agents_approval_cleared" && event.after?.["by"] === "builder agent") {
    return ["The builder ", ...words, " for ", personPart(directory, event.actorUserId), ", which cleared their approval"]
  }
  const actor: SentencePart = event.actorUserId === null ? unattendedActor(event.action) : personPart(directory, event.actorUserId)
  return capitalized([actor, " ", ...words])
}

/** The sentence as plain text, for titles, tests and screen readers. */
export const sentenceText = (parts: readonly SentencePart[]) => parts.map((part) => (typeof part === "string" ? part : part.name)).join("")
