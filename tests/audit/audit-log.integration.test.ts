// The audit log's filters and pages through the real router on a real SQLite file: each filter
// narrows to exactly its events, pages have no gaps or repeats (even across hundreds of events in
// one millisecond), bad filters are 400s naming the input, and only admins read it.

import { describe, expect, it } from "vitest"
import { newId } from "#shared/ids.ts"
import { auditWorlds, seedEvents } from "./audit-fixtures.ts"

const open = auditWorlds()

const ids = (events: readonly { id: string }[]) => events.map((event) => event.id)

describe("audit.list filters", () => {
  it("each filter narrows to exactly its events, and they combine", async () => {
    const given = await open()
    const api = given.world.caller(given.owner)
    const workspaceId = given.workspaceId
    const bea = given.member.viewer.user.id
    const appId = newId()
    const otherApp = newId()
    const [published, beaRenamed, teamDay1, reviewed, otherAppCreated, lateEvening] = await seedEvents(given, [
      { occurredAt: "2026-03-01T09:00:00.000Z", action: "app.published", targetType: "app", targetId: appId },
      { occurredAt: "2026-03-02T09:00:00.000Z", action: "app.renamed", targetType: "app", targetId: appId, actorUserId: bea },
      { occurredAt: "2026-03-01T12:00:00.000Z", action: "team.created" },
      { occurredAt: "2026-03-03T09:00:00.000Z", action: "review.requested", targetType: "app", targetId: appId, actorUserId: bea },
      { occurredAt: "2026-03-02T10:00:00.000Z", action: "app.created", targetType: "app", targetId: otherApp },
      { occurredAt: "2026-03-02T23:59:59.999Z", action: "member.added", targetType: "member", targetId: bea },
    ])
    const list = (filters: Record<string, string>) => api.audit.list({ workspaceId, limit: 100, ...filters })
    // Newest first, everything without filters.
    expect(ids(await list({}))).toEqual(ids([reviewed!, lateEvening!, otherAppCreated!, beaRenamed!, teamDay1!, published!]))
    expect(ids(await list({ actorUserId: bea }))).toEqual(ids([reviewed!, beaRenamed!]))
    expect(ids(await list({ action: "app.published" }))).toEqual(ids([published!]))
    // A family: every app.* action, no review.* or member.*.
    expect(ids(await list({ action: "app." }))).toEqual(ids([otherAppCreated!, beaRenamed!, published!]))
    expect(ids(await list({ action: "review." }))).toEqual(ids([reviewed!]))
    expect(ids(await list({ appId }))).toEqual(ids([reviewed!, beaRenamed!, published!]))
    // UTC days include their last millisecond; ISO times are exact, both ends inclusive.
    expect(ids(await list({ from: "2026-03-02", to: "2026-03-02" }))).toEqual(ids([lateEvening!, otherAppCreated!, beaRenamed!]))
    expect(ids(await list({ from: "2026-03-02T10:00:00Z" }))).toEqual(ids([reviewed!, lateEvening!, otherAppCreated!]))
    expect(ids(await list({ to: "2026-03-01T12:00:00.000Z" }))).toEqual(ids([teamDay1!, published!]))
    expect(ids(await list({ from: "2026-03-02T11:00:00+01:00", to: "2026-03-02T10:00:00Z" }))).toEqual(ids([otherAppCreated!]))
    expect(ids(await list({ actorUserId: bea, action: "app.", appId, from: "2026-03-02" }))).toEqual(ids([beaRenamed!]))
    expect(await list({ actorUserId: newId() })).toEqual([])
  })

  it("refuses bad filters with a 400 that names the input", async () => {
    const given = await open()
    const api = given.world.caller(given.owner)
    const workspaceId = given.workspaceId
    const refused = (input: Record<string, string>, message: RegExp) =>
      expect(api.audit.list({ workspaceId, limit: 10, ...input })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(message) })
    await refused({ action: "app.launched" }, /^action "app\.launched" is not an audit action/)
    await refused({ action: "billing." }, /^action "billing\." is not a family/)
    await refused({ actorUserId: "bea" }, /^actorUserId must be a person's user id/)
    await refused({ appId: "../x" }, /^appId must be an app id/)
    await refused({ from: "2026-02-30" }, /^from is not a date in the calendar/)
    await refused({ to: "yesterday" }, /^to must be a UTC day/)
    await refused({ from: "2026-03-02", to: "2026-03-01" }, /^to is before from/)
    await refused({ cursor: "not-a-cursor" }, /^cursor is not a position/)
  })

  it("is for admins only", async () => {
    const given = await open()
    const api = given.world.caller(given.member)
    await expect(api.audit.list({ workspaceId: given.workspaceId, limit: 10 })).rejects.toMatchObject({ code: "FORBIDDEN" })
    await expect(api.audit.feed({ workspaceId: given.workspaceId, limit: 10 })).rejects.toMatchObject({ code: "FORBIDDEN" })
  })
})

describe("audit.feed pages", () => {
  it("has no gaps or repeats across hundreds of events in one millisecond, with a filter, while events arrive", async () => {
    const given = await open()
    const api = given.world.caller(given.owner)
    const workspaceId = given.workspaceId
    const same = "2026-03-01T09:00:00.000Z"
    const seeded = await seedEvents(given, [
      ...Array.from({ length: 250 }, () => ({ occurredAt: same, action: "team.created" })),
      ...Array.from({ length: 40 }, (_, n) => ({ occurredAt: `2026-03-01T08:59:59.${String(n).padStart(3, "0")}Z`, action: "team.renamed" })),
      ...Array.from({ length: 30 }, () => ({ occurredAt: "2026-03-01T09:00:00.001Z", action: "app.created", targetType: "app" })),
    ])
    const readAll = async (filters: Record<string, string>, limit: number) => {
      const seen: string[] = []
      let cursor: string | undefined
      for (let pages = 0; pages < 1000; pages += 1) {
        const page = await api.audit.feed({ workspaceId, limit, ...filters, ...(cursor ? { cursor } : {}) })
        seen.push(...ids(page.events))
        // Newer events arriving meanwhile are not part of this reading (it goes back in time).
        if (pages === 1) await seedEvents(given, [{ occurredAt: "2026-03-01T09:00:00.002Z" }, { occurredAt: same }])
        if (page.nextCursor === null) return seen
        cursor = page.nextCursor
      }
      throw new Error("never reached the last page")
    }
    const expected = [...seeded].sort((a, b) => (a.occurredAt === b.occurredAt ? (a.id < b.id ? 1 : -1) : a.occurredAt < b.occurredAt ? 1 : -1))
    const all = await readAll({}, 37)
    // Every seeded event once, newest first (ties by id, descending); an event added at the
    // cursor's own millisecond with a lower id may be read too, never twice.
    expect(new Set(all).size).toBe(all.length)
    expect(all.filter((id) => seeded.some((event) => event.id === id))).toEqual(ids(expected))
    const teams = await readAll({ action: "team.created", to: "2026-03-01T09:00:00.000Z" }, 50)
    expect(new Set(teams).size).toBe(teams.length)
    expect(teams.filter((id) => seeded.some((event) => event.id === id))).toEqual(ids(expected.filter((event) => event.action === "team.created")))
    // The last page says so: no cursor after the last event.
    const exact = await api.audit.feed({ workspaceId, limit: 30, action: "app.created" })
    expect(exact.events).toHaveLength(30)
    expect(exact.nextCursor).toBeNull()
  })
})
