// The audit export route (GET /api/w/:workspaceId/audit/export) called as a browser would, on a
// real SQLite file: CSV that an RFC 4180 reader parses, with every filtered event once and in
// order; JSON Lines that parse line by line; the export recorded; bad parameters 400 naming them;
// members 403, strangers 404, signed-out people sent to sign in.

import { describe, expect, it } from "vitest"
import { newId } from "#shared/ids.ts"
import { AUDIT_CSV_COLUMNS, csvField } from "#app/audit/audit-export.server.ts"
import { auditEvents, users } from "#app/store/collections.server.ts"
import { auditWorlds, exportAudit, parseCsv, seedEvents, type AuditWorld } from "./audit-fixtures.ts"

const open = auditWorlds()

/** 1,234 events over three days (several per millisecond), with awkward text in their records. */
async function seedMany(given: AuditWorld) {
  const appId = newId()
  const seeds = Array.from({ length: 1234 }, (_, n) => ({
    occurredAt: new Date(Date.UTC(2026, 2, 1 + (n % 3), 8, 0, 0, Math.floor(n / 7))).toISOString(),
    action: n % 2 === 0 ? "app.renamed" : "team.renamed",
    targetType: n % 2 === 0 ? "app" : "team",
    targetId: n % 2 === 0 ? appId : newId(),
    before: { name: `Old, "quoted"\r\nname ${n}` },
    after: { name: `=HYPERLINK("x") ${n}` },
  }))
  return { appId, events: await seedEvents(given, seeds) }
}

describe("audit export", () => {
  it("streams CSV with every filtered event once, oldest first, that a strict reader parses", async () => {
    const given = await open()
    await given.world.store.collection(users).updateOne({ id: given.owner.viewer.user.id }, { displayName: "Ada, the \"owner\"" })
    const { appId, events } = await seedMany(given)
    const response = await exportAudit(given, given.owner, `?format=csv&action=app.&app=${appId}&from=2026-03-02&to=2026-03-03`)
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/)
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="audit-log-acme-[a-z0-9]+-\d{4}-\d{2}-\d{2}\.csv"$/)
    const [header, ...rows] = parseCsv(await response.text())
    expect(header).toEqual([...AUDIT_CSV_COLUMNS])
    const expected = events
      .filter((event) => event.action === "app.renamed" && event.occurredAt >= "2026-03-02")
      .sort((a, b) => (a.occurredAt === b.occurredAt ? (a.id < b.id ? -1 : 1) : a.occurredAt < b.occurredAt ? -1 : 1))
    expect(expected.length).toBeGreaterThan(400)
    expect(rows.map((row) => row[9])).toEqual(expected.map((event) => event.id))
    const first = expected[0]!
    const column = (name: (typeof AUDIT_CSV_COLUMNS)[number]) => rows[0]![AUDIT_CSV_COLUMNS.indexOf(name)]
    expect(column("occurred_at")).toBe(first.occurredAt)
    expect(column("actor_id")).toBe(given.owner.viewer.user.id)
    expect(column("actor_email")).toBe(given.owner.viewer.user.email)
    expect(column("action")).toBe("app.renamed")
    expect(column("sentence")).toMatch(/^Ada, the "owner" renamed the app /)
    expect(column("target_type")).toBe("app")
    expect(column("target_id")).toBe(appId)
    expect(JSON.parse(column("before")!)).toEqual(first.before)
    // A value a spreadsheet would run as a formula is defused; the JSON around it is not.
    expect(JSON.parse(column("after")!)).toEqual(first.after)
    expect(csvField("=SUM(A1)")).toBe("'=SUM(A1)")
  })

  it("streams JSON Lines, one event per line with the same fields", async () => {
    const given = await open()
    const { events } = await seedMany(given)
    const response = await exportAudit(given, given.owner, "?format=jsonl&action=team.renamed")
    expect(response.status).toBe(200)
    expect(response.headers.get("content-disposition")).toMatch(/\.jsonl"$/)
    const text = await response.text()
    expect(text.endsWith("\n")).toBe(true)
    const lines = text.trimEnd().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>)
    const expected = events.filter((event) => event.action === "team.renamed")
    expect(lines.map((line) => line["id"])).toHaveLength(expected.length)
    expect(new Set(lines.map((line) => line["id"]))).toEqual(new Set(expected.map((event) => event.id)))
    expect(Object.keys(lines[0]!).sort()).toEqual(["action", "actorEmail", "actorUserId", "after", "before", "id", "occurredAt", "sentence", "targetId", "targetType"])
    const byId = new Map(expected.map((event) => [event.id, event]))
    for (const line of lines.slice(0, 20)) {
      const event = byId.get(line["id"] as string)!
      expect(line).toMatchObject({ occurredAt: event.occurredAt, action: "team.renamed", before: event.before, after: event.after, actorEmail: given.owner.viewer.user.email })
    }
  })

  it("records that the export started, with its format and filters", async () => {
    const given = await open()
    const response = await exportAudit(given, given.owner, "?format=jsonl&action=review.&from=2026-03-01")
    await response.body?.cancel()
    const recorded = await given.world.store.collection(auditEvents).findMany({ workspaceId: given.workspaceId, action: "audit.exported" })
    expect(recorded).toHaveLength(1)
    expect(recorded[0]).toMatchObject({
      actorUserId: given.owner.viewer.user.id,
      targetType: "workspace",
      after: { format: "jsonl", filters: { action: "review.", from: "2026-03-01T00:00:00.000Z" } },
    })
  })

  it("answers bad parameters with a 400 naming them, and records nothing", async () => {
    const given = await open()
    const refused = async (query: string, message: RegExp) => {
      const response = await exportAudit(given, given.owner, query)
      expect(response.status, query).toBe(400)
      expect(await response.text()).toMatch(message)
    }
    await refused("?format=xlsx", /^format must be one of csv, jsonl/)
    await refused("?actor=someone", /^actor must be a person's user id/)
    await refused("?app=nope", /^app must be an app id/)
    await refused("?action=app.launched", /^action "app\.launched" is not an audit action/)
    await refused("?from=2026-13-01", /^from is not a date in the calendar/)
    await refused("?from=2026-03-02&to=2026-03-01", /^to is before from/)
    expect(await given.world.store.collection(auditEvents).count({ workspaceId: given.workspaceId })).toBe(0)
  })

  it("is for admins: members 403, strangers 404, signed-out people go to sign in", async () => {
    const given = await open()
    const member = await exportAudit(given, given.member, "?format=csv")
    expect(member.status).toBe(403)
    expect(await member.text()).toMatch(/audit:read/)
    const stranger = await given.world.person(await given.world.workspace(), "owner")
    expect((await exportAudit(given, stranger, "?format=csv")).status).toBe(404)
    expect((await exportAudit(given, given.owner, "?format=csv", "not-an-id")).status).toBe(404)
    const signedOut = await exportAudit(given, null, "?format=csv")
    expect(signedOut.status).toBe(302)
    expect(signedOut.headers.get("location")).toMatch(/^\/onboarding\?returnTo=%2Fapi%2Fw%2F/)
    expect(await given.world.store.collection(auditEvents).count({ workspaceId: given.workspaceId })).toBe(0)
  })
})
