// An audit event's details as labelled fields ("Role: member → admin", "Teams: Design, Ops") and
// what it was about ("Team Design"), for the log's details drawer. Ids appear only as secondary
// text; values are never shown as JSON.

import { APP_RUNTIME_SETTING_LABELS } from "#shared/apps/frame-policy.ts"
import { formatUtcTime } from "./relative-time.ts"
import { appName, humanizeAction, teamName, text, type AuditDirectory, type AuditEventView } from "./audit-sentence.ts"

export interface AuditField {
  readonly label: string
  readonly before: string | null
  readonly after: string | null
  /** An id or other reference a person rarely needs: shown small and muted. */
  readonly secondary?: boolean
}

export interface AuditSubject {
  /** "Member", "Team", "Invitation", ... */
  readonly kind: string
  readonly name: string | null
  /** What else identifies it (an email), if anything. */
  readonly detail: string | null
  readonly id: string
}

const personLabel = (directory: AuditDirectory, userId: unknown) => {
  const person = typeof userId === "string" ? directory.people[userId] : undefined
  return person ? `${person.name} (${person.email})` : "someone no longer here"
}

const list = (values: unknown, each: (value: unknown) => string) =>
  Array.isArray(values) ? (values.length === 0 ? "none" : values.map(each).join(", ")) : null

/** "restoredFromNumber" → "Restored from number", "apiTokenId" → "API token id". */
const labelOf = (key: string) => {
  const words = key.replace(/([a-z\d])([A-Z])/g, "$1 $2").replace(/[_.-]+/g, " ").toLowerCase().trim().replace(/\bapi\b/g, "API")
  return words.charAt(0).toUpperCase() + words.slice(1)
}

function plain(value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === "string") return value
  if (typeof value === "number" || typeof value === "boolean") return String(value)
  if (Array.isArray(value)) return value.map((item) => plain(item) ?? "none").join(", ")
  if (typeof value === "object") {
    return Object.entries(value)
      .map(([key, item]) => `${labelOf(key).toLowerCase()}: ${plain(item) ?? "none"}`)
      .join("; ")
  }
  return String(value)
}

type AuditRecord = Readonly<Record<string, unknown>>

type Format = {
  readonly label: string
  /** The whole record too, for a value that reads with another field (an audience with its teams). */
  readonly value: (value: unknown, directory: AuditDirectory, record: AuditRecord) => string | null
  readonly secondary?: boolean
}

const version = (value: unknown) => (typeof value === "number" ? `version ${value}` : value === null ? "none" : plain(value))

const FORMATS: Readonly<Record<string, Format>> = {
  name: { label: "Name", value: plain },
  email: { label: "Email", value: plain },
  role: { label: "Role", value: plain },
  status: { label: "Status", value: plain },
  runtime: { label: "Runtime", value: plain },
  userId: { label: "Person", value: (value, directory) => personLabel(directory, value) },
  memberIds: { label: "Members", value: (value, directory) => list(value, (id) => personLabel(directory, id)) },
  teamIds: { label: "Teams", value: (value, directory) => list(value, (id) => teamName(directory, id) ?? "a deleted team") },
  source: {
    label: "Membership",
    value: (value) => (value === "external" ? "managed by the identity provider" : value === "local" ? "granted in this workspace" : plain(value)),
  },
  expiresAt: { label: "Link expires", value: (value) => (typeof value === "string" ? formatUtcTime(value) : plain(value)) },
  versionNumber: { label: "Current version", value: version },
  restoredFromNumber: { label: "Restored from", value: version },
  by: { label: "Changed by", value: (value) => (value === "builder agent" ? "the builder agent" : plain(value)) },
  runId: { label: "Builder run", value: plain, secondary: true },
  mode: { label: "Agents' tools", value: (value) => (value === "live" ? "live calls" : value === "mock" ? "mock data only" : plain(value)) },
  hash: { label: "Agents hash", value: (value) => (value === null ? "none (invalid or removed)" : plain(value)), secondary: true },
  agentsFile: { label: "agents.json", value: plain },
}

const number = (value: unknown) => (typeof value === "number" ? String(value) : plain(value))

/** "the whole workspace", "the teams Design, Ops": visibility with the team names it goes with. */
function audience(value: unknown, directory: AuditDirectory, record: AuditRecord): string | null {
  if (value === "workspace") return "the whole workspace"
  if (value !== "teams") return plain(value)
  const names = list(record["teamIds"], (id) => teamName(directory, id) ?? "a deleted team")
  if (names === null || names === "none") return "chosen teams"
  return `${Array.isArray(record["teamIds"]) && record["teamIds"].length === 1 ? "the team" : "the teams"} ${names}`
}

/**
 * Releases and reviews record numbers, the audience and hashes (app/publishing/publishing-events.server.ts);
 * read in this order, the teams inside the audience and the ids and hashes last, as secondary.
 */
const PUBLISHING_FORMATS: Readonly<Record<string, Format | null>> = {
  releaseNumber: { label: "Release", value: number },
  versionNumber: { label: "Version", value: number },
  visibility: { label: "Audience", value: audience },
  teamIds: null,
  rolledBackFromNumber: { label: "Rolled back from release", value: number },
  status: { label: "Status", value: (value) => (typeof value === "string" ? value.replace(/_/g, " ") : plain(value)) },
  reason: { label: "Reason", value: plain },
  reviewId: { label: "Review", value: plain, secondary: true },
  sourceHash: { label: "Source hash", value: plain, secondary: true },
  agentsHash: { label: "Agents hash", value: (value) => (value === null ? "none (no agents.json)" : plain(value)), secondary: true },
}

const onOff = (value: unknown) => (value === true ? "on" : value === false ? "off" : plain(value))

const RUNTIME_SETTINGS_FORMATS: Readonly<Record<string, Format>> = Object.fromEntries(
  Object.entries(APP_RUNTIME_SETTING_LABELS).map(([key, label]) => [key, { label, value: onOff }]),
)

const PUBLISHING_ACTIONS = new Set(["app.published", "app.unpublished", "app.rolled_back"])

/** Fields that read differently in one kind of event; null: shown within another field. */
function formatsFor(action: string): Readonly<Record<string, Format | null>> | null {
  if (PUBLISHING_ACTIONS.has(action) || action.startsWith("review.")) return PUBLISHING_FORMATS
  if (action === "workspace.runtime_settings_changed") return RUNTIME_SETTINGS_FORMATS
  return null
}

/**
 * Every field the event recorded, before and after, in the order first seen (or the event kind's
 * own order); a field empty on both sides says nothing and is left out.
 */
export function auditFields(event: AuditEventView, directory: AuditDirectory): AuditField[] {
  const special = formatsFor(event.action)
  const seen = [...new Set([...Object.keys(event.before ?? {}), ...Object.keys(event.after ?? {})])]
  const order = special ? Object.keys(special) : []
  const rank = (key: string) => (order.includes(key) ? order.indexOf(key) : order.length)
  const keys = special ? [...seen].sort((a, b) => rank(a) - rank(b)) : seen
  return keys.flatMap((key) => {
    const format = special && key in special ? special[key] : FORMATS[key]
    if (format === null) return []
    const show = (record: AuditEventView["before"]) => {
      if (!record || !(key in record)) return null
      return format ? format.value(record[key], directory, record) : plain(record[key])
    }
    const before = show(event.before)
    const after = show(event.after)
    if (before === null && after === null) return []
    return [{ label: format?.label ?? labelOf(key), before, after, ...(format?.secondary ? { secondary: true } : {}) }]
  })
}

const KINDS: Readonly<Record<string, string>> = { workspace: "Workspace", member: "Member", invitation: "Invitation", team: "Team", app: "App", api_token: "API token" }

/** What the event was about, by name where the log knows one. */
export function auditSubject(event: AuditEventView, directory: AuditDirectory): AuditSubject {
  const { targetType, targetId, before, after } = event
  const base = { kind: KINDS[targetType] ?? labelOf(humanizeAction(targetType)), id: targetId }
  switch (targetType) {
    case "member": {
      const person = directory.people[targetId]
      return { ...base, name: person?.name ?? null, detail: person?.email ?? null }
    }
    case "invitation": {
      const invitation = directory.invitations[targetId]
      return { ...base, name: text(after?.["email"]) ?? invitation?.email ?? null, detail: invitation ? `as ${invitation.role}` : null }
    }
    case "team":
      return { ...base, name: teamName(directory, targetId, after?.["name"], before?.["name"]), detail: null }
    case "app":
      return { ...base, name: appName(directory, targetId, after?.["name"], before?.["name"]), detail: null }
    default:
      return { ...base, name: text(after?.["name"]) ?? text(before?.["name"]), detail: null }
  }
}
