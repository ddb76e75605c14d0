// Which audit events a reader asked for (actor, action or action family, app, a time range) and
// reading them page by page on the keyset (occurredAt, id): no offsets, so pages have no gaps or
// repeats even when many events share one millisecond or events arrive between pages.

import { ID_PATTERN } from "#shared/ids.ts"
import { AppError } from "../errors.server.ts"
import { auditEvents, type AuditEventDocument } from "../store/collections.server.ts"
import type { DurableStore, Filter } from "../store/store.server.ts"
import { AUDIT_ACTION_PREFIXES, isAuditAction } from "./audit-actions.ts"

/** The filters as a reader gives them (tRPC input, or the page's and the export's query string). */
export interface AuditFilterInput {
  readonly actorUserId?: string | undefined
  /** One action ("app.published") or a family ending in a dot ("app."). */
  readonly action?: string | undefined
  readonly appId?: string | undefined
  /** A UTC day (2026-03-01, from its first millisecond) or an ISO time. */
  readonly from?: string | undefined
  /** A UTC day (2026-03-01, through its last millisecond) or an ISO time, inclusive. */
  readonly to?: string | undefined
}

/** Checked and normalized filters; `occurredFrom`/`occurredTo` are inclusive ISO timestamps. */
export interface AuditQuery {
  readonly actorUserId: string | null
  readonly action: { readonly exact: string } | { readonly prefix: string } | null
  readonly appId: string | null
  readonly occurredFrom: string | null
  readonly occurredTo: string | null
}

export const NO_AUDIT_FILTERS: AuditQuery = { actorUserId: null, action: null, appId: null, occurredFrom: null, occurredTo: null }

/** The name each filter goes by where it was given, so a refusal names the parameter the reader sent. */
export type AuditFilterNames = Readonly<Record<keyof AuditFilterInput | "cursor", string>>

export const TRPC_FILTER_NAMES: AuditFilterNames = { actorUserId: "actorUserId", action: "action", appId: "appId", from: "from", to: "to", cursor: "cursor" }
export const URL_FILTER_NAMES: AuditFilterNames = { actorUserId: "actor", action: "action", appId: "app", from: "from", to: "to", cursor: "cursor" }

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/
/** What recordAudit writes (Date#toISOString): four-digit years, so strings order as times do. */
const STORED_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

const badRequest = (message: string) => new AppError("BAD_REQUEST", message)

function parseTime(value: string, name: string, edge: "start" | "end"): string {
  const day = DAY.exec(value)
  if (day) {
    const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])]
    const start = new Date(Date.UTC(year, month - 1, date))
    if (start.getUTCFullYear() !== year || start.getUTCMonth() !== month - 1 || start.getUTCDate() !== date) {
      throw badRequest(`${name} is not a date in the calendar: give a UTC day as YYYY-MM-DD, e.g. 2026-03-01.`)
    }
    return edge === "start" ? `${value}T00:00:00.000Z` : `${value}T23:59:59.999Z`
  }
  const time = ISO_TIME.test(value) ? new Date(value) : null
  const iso = time && !Number.isNaN(time.getTime()) ? time.toISOString() : null
  if (iso === null || !STORED_TIME.test(iso)) {
    throw badRequest(`${name} must be a UTC day (YYYY-MM-DD) or an ISO time (e.g. 2026-03-01T09:30:00Z).`)
  }
  return iso
}

function parseAction(value: string, name: string): AuditQuery["action"] {
  if (value.endsWith(".")) {
    if (!AUDIT_ACTION_PREFIXES.includes(value)) throw badRequest(`${name} "${value}" is not a family of audit actions; use one of ${AUDIT_ACTION_PREFIXES.join(", ")}.`)
    return { prefix: value }
  }
  if (!isAuditAction(value)) throw badRequest(`${name} "${value}" is not an audit action; give one (e.g. app.published) or a family ending in a dot (e.g. app.).`)
  return { exact: value }
}

const given = (value: string | undefined) => (value === undefined || value.trim() === "" ? null : value.trim())

/** Throws a 400 (AppError) naming the parameter that is wrong and what it should be. */
export function parseAuditFilters(input: AuditFilterInput, names: AuditFilterNames = TRPC_FILTER_NAMES): AuditQuery {
  const actorUserId = given(input.actorUserId)
  if (actorUserId !== null && !ID_PATTERN.test(actorUserId)) throw badRequest(`${names.actorUserId} must be a person's user id (24 letters and digits).`)
  const appId = given(input.appId)
  if (appId !== null && !ID_PATTERN.test(appId)) throw badRequest(`${names.appId} must be an app id (24 letters and digits).`)
  const action = given(input.action)
  const from = given(input.from)
  const to = given(input.to)
  const query: AuditQuery = {
    actorUserId,
    appId,
    action: action === null ? null : parseAction(action, names.action),
    occurredFrom: from === null ? null : parseTime(from, names.from, "start"),
    occurredTo: to === null ? null : parseTime(to, names.to, "end"),
  }
  if (query.occurredFrom !== null && query.occurredTo !== null && query.occurredFrom > query.occurredTo) {
    throw badRequest(`${names.to} is before ${names.from}: the range would be empty.`)
  }
  return query
}

/** The filters as given, for the record (audit.exported) and for links that carry them. */
export function describeAuditFilters(query: AuditQuery): Record<string, string> {
  const action = query.action === null ? null : "exact" in query.action ? query.action.exact : query.action.prefix
  const entries = { actor: query.actorUserId, action, app: query.appId, from: query.occurredFrom, to: query.occurredTo }
  return Object.fromEntries(Object.entries(entries).filter((entry): entry is [string, string] => entry[1] !== null))
}

/** Where the next page starts: the last event read. */
export interface AuditCursor {
  readonly occurredAt: string
  readonly id: string
}

export const encodeAuditCursor = (event: AuditCursor) => `${event.occurredAt}_${event.id}`

export function parseAuditCursor(value: string, name = "cursor"): AuditCursor {
  const at = value.lastIndexOf("_")
  const cursor = { occurredAt: value.slice(0, at), id: value.slice(at + 1) }
  if (at < 0 || !STORED_TIME.test(cursor.occurredAt) || !ID_PATTERN.test(cursor.id)) {
    throw badRequest(`${name} is not a position in the audit log: pass the nextCursor of the previous page as it is.`)
  }
  return cursor
}

/** "app." → up to "app/" ("/" is the byte after "."): exactly the actions that start with it. */
const prefixRange = (prefix: string) => ({ gte: prefix, lt: prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1) })

function storeFilter(workspaceId: string, query: AuditQuery): Filter<AuditEventDocument> {
  return {
    workspaceId,
    ...(query.actorUserId !== null ? { actorUserId: query.actorUserId } : {}),
    ...(query.action === null ? {} : { action: "exact" in query.action ? query.action.exact : prefixRange(query.action.prefix) }),
    ...(query.appId !== null ? { targetType: "app", targetId: query.appId } : {}),
  }
}

export interface AuditPageOptions {
  readonly limit: number
  readonly after?: AuditCursor | null
  /** The log reads newest first; the export oldest first. */
  readonly order?: "newest" | "oldest"
}

export interface AuditPage {
  readonly events: AuditEventDocument[]
  /** The cursor of the page's last event when more follow, else null. */
  readonly next: AuditCursor | null
}

/**
 * One page in (occurredAt, id) order. After a cursor it reads in two steps the store can answer
 * without an OR: the rest of the cursor's millisecond (by id), then strictly earlier (or later)
 * times.
 */
export async function readAuditPage(store: DurableStore, workspaceId: string, query: AuditQuery, options: AuditPageOptions): Promise<AuditPage> {
  const collection = store.collection(auditEvents)
  const base = storeFilter(workspaceId, query)
  const newest = (options.order ?? "newest") === "newest"
  const direction = newest ? -1 : 1
  const after = options.after ?? null
  const wanted = options.limit + 1
  const events: AuditEventDocument[] = []
  const inRange = (at: string) => (query.occurredFrom === null || at >= query.occurredFrom) && (query.occurredTo === null || at <= query.occurredTo)
  if (after !== null && inRange(after.occurredAt)) {
    const sameMillisecond = { ...base, occurredAt: after.occurredAt, id: newest ? { lt: after.id } : { gt: after.id } }
    events.push(...(await collection.findMany(sameMillisecond, { sort: [["id", direction]], limit: wanted })))
  }
  if (events.length < wanted) {
    const occurredAt = {
      gte: query.occurredFrom ?? undefined,
      lte: query.occurredTo ?? undefined,
      ...(after === null ? {} : newest ? { lt: after.occurredAt } : { gt: after.occurredAt }),
    }
    const later = await collection.findMany({ ...base, occurredAt }, { sort: [["occurredAt", direction], ["id", direction]], limit: wanted - events.length })
    events.push(...later)
  }
  const page = events.slice(0, options.limit)
  const last = page.at(-1)
  return { events: page, next: events.length > options.limit && last ? { occurredAt: last.occurredAt, id: last.id } : null }
}
