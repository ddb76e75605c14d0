// The audit log as a download: CSV (RFC 4180) or JSON Lines, oldest first, streamed page by page
// on the keyset, so an export of any size holds one page in memory, and only when the reader asks
// for more (the stream's pull).

import type { AuditEventDocument } from "../store/collections.server.ts"
import type { DurableStore } from "../store/store.server.ts"
import { auditSentence, sentenceText, type AuditDirectory } from "../text/audit-sentence.ts"
import { auditDirectory } from "./audit-directory.server.ts"
import { readAuditPage, type AuditCursor, type AuditQuery } from "./audit-query.server.ts"
import { csvQuoted, spreadsheetText } from "../text/csv.ts"

export const AUDIT_EXPORT_FORMATS = ["csv", "jsonl"] as const
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number]

export const AUDIT_EXPORT_PAGE_SIZE = 500

export const AUDIT_CSV_COLUMNS = ["occurred_at", "actor_id", "actor_email", "action", "sentence", "target_type", "target_id", "before", "after", "event_id"] as const

/** One event as both formats carry it. */
export interface AuditExportRecord {
  readonly occurredAt: string
  readonly actorUserId: string | null
  readonly actorEmail: string | null
  readonly action: string
  readonly sentence: string
  readonly targetType: string
  readonly targetId: string
  readonly before: Readonly<Record<string, unknown>> | null
  readonly after: Readonly<Record<string, unknown>> | null
  readonly id: string
}

export function exportRecord(event: AuditEventDocument, directory: AuditDirectory): AuditExportRecord {
  return {
    occurredAt: event.occurredAt,
    actorUserId: event.actorUserId,
    actorEmail: event.actorUserId === null ? null : (directory.people[event.actorUserId]?.email ?? null),
    action: event.action,
    sentence: sentenceText(auditSentence(event, directory)),
    targetType: event.targetType,
    targetId: event.targetId,
    before: event.before,
    after: event.after,
    id: event.id,
  }
}

/**
 * One CSV field: quoted when it holds a comma, quote or line break, quotes doubled (RFC 4180).
 * NOTE: a field a spreadsheet would run as a formula (a display name "=HYPERLINK(…)") gets a
 * leading apostrophe (OWASP's advice for CSV injection); JSON Lines keeps values as they are.
 */
export function csvField(value: string | null): string {
  return value === null ? "" : csvQuoted(spreadsheetText(value))
}

const json = (value: unknown) => (value === null ? null : JSON.stringify(value))

export function csvRow(record: AuditExportRecord): string {
  const fields = [
    record.occurredAt,
    record.actorUserId,
    record.actorEmail,
    record.action,
    record.sentence,
    record.targetType,
    record.targetId,
    json(record.before),
    json(record.after),
    record.id,
  ]
  return `${fields.map(csvField).join(",")}\r\n`
}

export const jsonLine = (record: AuditExportRecord) => `${JSON.stringify(record)}\n`

/** The file's first bytes: the CSV header; JSON Lines has none. */
const preamble = (format: AuditExportFormat) => (format === "csv" ? `${AUDIT_CSV_COLUMNS.join(",")}\r\n` : "")

export interface AuditExportOptions {
  readonly format: AuditExportFormat
  readonly pageSize?: number
}

/**
 * The export as a byte stream. Each pull reads one page after the last (oldest first), names its
 * people and things, and enqueues it as one chunk; the stream ends after the last page.
 */
export function auditExportStream(store: DurableStore, workspaceId: string, query: AuditQuery, options: AuditExportOptions): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  const pageSize = options.pageSize ?? AUDIT_EXPORT_PAGE_SIZE
  const format = options.format === "csv" ? csvRow : jsonLine
  let after: AuditCursor | null = null
  let started = false
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const page = await readAuditPage(store, workspaceId, query, { limit: pageSize, after, order: "oldest" })
        // Deleted teams and apps are named by the last name this page recorded for them.
        const directory = page.events.length === 0 ? null : await auditDirectory(store, workspaceId, [...page.events].reverse())
        const text = (started ? "" : preamble(options.format)) + (directory ? page.events.map((event) => format(exportRecord(event, directory))).join("") : "")
        started = true
        if (text !== "") controller.enqueue(encoder.encode(text))
        if (page.next === null) controller.close()
        else after = page.next
      },
    },
    // One page ahead at most: the next is read only once the reader took the last.
    { highWaterMark: 0 },
  )
}
