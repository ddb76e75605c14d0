// Audit retention on a real SQLite file: setting it takes workspace:manage and is itself audited;
// the sweep deletes only events past each workspace's cut-off (in batches), records the deletion
// once, and never deletes what it just wrote.

import { describe, expect, it } from "vitest"
import { sweepAuditRetention } from "#app/audit/audit-retention.server.ts"
import { auditEvents, workspaces } from "#app/store/collections.server.ts"
import { auditSentence, EMPTY_DIRECTORY, sentenceText } from "#app/text/audit-sentence.ts"
import { auditWorlds, seedEvents } from "./audit-fixtures.ts"

const open = auditWorlds()

const DAY = 24 * 60 * 60 * 1000
const NOW = new Date("2026-06-01T12:00:00.000Z")
const daysAgo = (days: number, extraMs = 0) => new Date(NOW.getTime() - days * DAY + extraMs).toISOString()

describe("audit.setRetention", () => {
  it("is set by those who manage the workspace, checked, and audited with before and after", async () => {
    const given = await open()
    const api = given.world.caller(given.owner)
    const workspaceId = given.workspaceId
    expect(await api.audit.retention({ workspaceId })).toEqual({ retentionDays: null })
    expect(await api.audit.setRetention({ workspaceId, retentionDays: 90 })).toEqual({ retentionDays: 90 })
    expect(await api.audit.retention({ workspaceId })).toEqual({ retentionDays: 90 })
    await api.audit.setRetention({ workspaceId, retentionDays: 90 })
    await api.audit.setRetention({ workspaceId, retentionDays: null })
    const changes = await api.audit.list({ workspaceId, limit: 10, action: "audit.retention_changed" })
    // Newest first; setting the same value again records nothing.
    expect(changes.map((event) => [event.before, event.after, event.actorUserId])).toEqual([
      [{ retentionDays: 90 }, { retentionDays: null }, given.owner.viewer.user.id],
      [{ retentionDays: null }, { retentionDays: 90 }, given.owner.viewer.user.id],
    ])
    await expect(api.audit.setRetention({ workspaceId, retentionDays: 7 })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/at least 30 days/) })
    await expect(api.audit.setRetention({ workspaceId, retentionDays: 5000 })).rejects.toMatchObject({ code: "BAD_REQUEST" })
    await expect(given.world.caller(given.member).audit.setRetention({ workspaceId, retentionDays: 30 })).rejects.toMatchObject({ code: "FORBIDDEN" })
    expect(await api.audit.retention({ workspaceId })).toEqual({ retentionDays: null })
  })
})

describe("the retention sweep", () => {
  it("deletes only events past the cut-off, in batches, records it once, and keeps what it wrote", async () => {
    const given = await open()
    const workspaceId = given.workspaceId
    await given.world.store.collection(workspaces).updateOne({ id: workspaceId }, { auditRetentionDays: 30 })
    const old = await seedEvents(given, [
      ...Array.from({ length: 120 }, (_, n) => ({ occurredAt: daysAgo(31 + (n % 5)) })),
      { occurredAt: daysAgo(30, -1) },
    ])
    const kept = await seedEvents(given, [{ occurredAt: daysAgo(30) }, { occurredAt: daysAgo(29) }, { occurredAt: daysAgo(0) }])
    // Another workspace keeps everything forever; a third keeps a year.
    const forever = await open()
    const [foreverOld] = await seedEvents(forever, [{ occurredAt: daysAgo(4000) }])
    const result = await sweepAuditRetention(given.world.store, NOW, { batchSize: 25 })
    expect(result.deleted).toBe(old.length)
    expect(result.workspaces).toEqual([{ workspaceId, deleted: old.length, olderThan: daysAgo(30) }])

    const left = await given.world.store.collection(auditEvents).findMany({ workspaceId }, { sort: [["occurredAt", 1]] })
    const expired = left.filter((event) => event.action === "audit.events_expired")
    expect(expired).toHaveLength(1)
    expect(expired[0]).toMatchObject({ actorUserId: null, targetType: "workspace", targetId: workspaceId, occurredAt: NOW.toISOString(), after: { deleted: old.length, olderThan: daysAgo(30) } })
    expect(sentenceText(auditSentence(expired[0]!, EMPTY_DIRECTORY))).toBe(`The retention schedule deleted ${old.length} audit events past the retention period`)
    expect(left.filter((event) => event.action !== "audit.events_expired").map((event) => event.id).sort()).toEqual(kept.map((event) => event.id).sort())
    expect(await forever.world.store.collection(auditEvents).findOne({ id: foreverOld!.id })).not.toBeNull()

    // The next pass finds nothing to delete and records nothing.
    expect((await sweepAuditRetention(given.world.store, NOW)).deleted).toBe(0)
    expect(await given.world.store.collection(auditEvents).count({ workspaceId, action: "audit.events_expired" })).toBe(1)
  })

  it("stops after its batch budget and finishes on the next pass", async () => {
    const given = await open()
    await given.world.store.collection(workspaces).updateOne({ id: given.workspaceId }, { auditRetentionDays: 30 })
    await seedEvents(given, Array.from({ length: 50 }, (_, n) => ({ occurredAt: daysAgo(40, n) })))
    const first = await sweepAuditRetention(given.world.store, NOW, { batchSize: 10, maxBatches: 3 })
    expect(first.deleted).toBe(30)
    const second = await sweepAuditRetention(given.world.store, NOW, { batchSize: 10, maxBatches: 3 })
    expect(second.deleted).toBe(20)
    const expired = await given.world.caller(given.owner).audit.list({ workspaceId: given.workspaceId, limit: 10, action: "audit.events_expired" })
    expect(expired.map((event) => event.after?.["deleted"]).sort()).toEqual([20, 30])
  })
})
