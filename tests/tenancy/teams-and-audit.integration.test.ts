// Teams (with the General team's special rules) and the audit trail that records every
// membership, role, invitation and team change with who, what, when, before and after.

import { describe, expect, it } from "vitest"
import type { TrpcErrorBody } from "#tests/fixtures/http-person.ts"
import { useWorld } from "#tests/authorization/world.ts"

const given = useWorld()

type Team = { id: string; name: string; isDefault: boolean; memberIds: string[] }
type AuditEvent = { action: string; actorUserId: string | null; targetType: string; targetId: string; before: unknown; after: unknown; occurredAt: string }
const teams = () => given.world.as("member").must<Team[]>("query", "teams.list", { workspaceId: given.world.workspaceId })
const audit = () => given.world.as("admin").must<AuditEvent[]>("query", "audit.list", { workspaceId: given.world.workspaceId, limit: 500 })
const as = (who: "owner" | "admin") => given.world.as(who)

describe("teams", () => {
  it("puts everyone in General, which cannot be renamed, deleted or left", async () => {
    const general = (await teams()).find((team) => team.isDefault)!
    expect(general.name).toBe("General")
    expect([...general.memberIds].sort()).toEqual([given.world.userId("owner"), given.world.userId("admin"), given.world.userId("member")].sort())
    const workspaceId = given.world.workspaceId
    for (const [procedure, input] of [
      ["teams.rename", { workspaceId, teamId: general.id, name: "Everyone" }],
      ["teams.delete", { workspaceId, teamId: general.id }],
      ["teams.removeMember", { workspaceId, teamId: general.id, userId: given.world.userId("member") }],
    ] as const) {
      const refused = await as("admin").mutate<TrpcErrorBody>(procedure, input)
      expect(refused.status, procedure).toBe(409)
      expect(refused.body.error.message).toMatch(/^The General team includes everyone and cannot be/)
    }
    expect((await teams()).find((team) => team.isDefault)).toEqual(general)
  })

  it("lets admins create, staff, rename and delete teams, with unique names", async () => {
    const workspaceId = given.world.workspaceId
    const design = await as("admin").must<Team>("mutation", "teams.create", { workspaceId, name: "Design" })
    const clash = await as("admin").mutate<TrpcErrorBody>("teams.create", { workspaceId, name: "  design " })
    expect(clash.status).toBe(409)
    expect(clash.body.error.message).toBe('A team named "design" already exists in this workspace.')

    await as("admin").must("mutation", "teams.addMember", { workspaceId, teamId: design.id, userId: given.world.userId("member") })
    const again = await as("admin").mutate<TrpcErrorBody>("teams.addMember", { workspaceId, teamId: design.id, userId: given.world.userId("member") })
    expect(again.status).toBe(409)
    const stranger = await as("admin").mutate<TrpcErrorBody>("teams.addMember", { workspaceId, teamId: design.id, userId: given.world.userId("outsider") })
    expect(stranger.status).toBe(404)
    expect(stranger.body.error.message).toBe("Member not found.")

    await as("admin").must("mutation", "teams.rename", { workspaceId, teamId: design.id, name: "Product design" })
    expect((await teams()).find((team) => team.id === design.id)).toMatchObject({ name: "Product design", memberIds: [given.world.userId("member")] })
    await as("admin").must("mutation", "teams.delete", { workspaceId, teamId: design.id })
    expect((await teams()).map((team) => team.id)).not.toContain(design.id)
    const gone = await as("admin").mutate<TrpcErrorBody>("teams.rename", { workspaceId, teamId: design.id, name: "Back" })
    expect(gone.status).toBe(404)
    expect(gone.body.error.message).toBe("Team not found.")
  })

  it("keeps teams inside their workspace: another workspace's team id is not found", async () => {
    const elsewhere = await given.world.as("outsider").must<Team>("mutation", "teams.create", { workspaceId: given.world.outsiderWorkspaceId, name: "Theirs" })
    const reply = await as("admin").mutate<TrpcErrorBody>("teams.delete", { workspaceId: given.world.workspaceId, teamId: elsewhere.id })
    expect(reply.status).toBe(404)
    expect((await given.world.as("outsider").must<Team[]>("query", "teams.list", { workspaceId: given.world.outsiderWorkspaceId })).map((t) => t.id)).toContain(elsewhere.id)
  })
})

describe("the audit trail", () => {
  it("records each change with who made it, on what, and the state before and after", async () => {
    const workspaceId = given.world.workspaceId
    const { userId } = await given.world.join("member")
    await as("owner").must("mutation", "members.changeRole", { workspaceId, userId, role: "admin" })
    const team = await as("admin").must<Team>("mutation", "teams.create", { workspaceId, name: "Audited" })
    await as("admin").must("mutation", "teams.addMember", { workspaceId, teamId: team.id, userId })
    await as("admin").must("mutation", "teams.rename", { workspaceId, teamId: team.id, name: "Audited twice" })
    await as("owner").must("mutation", "members.remove", { workspaceId, userId })

    const events = await audit()
    const about = (action: string, targetId: string) => events.find((event) => event.action === action && event.targetId === targetId)
    expect(about("member.added", userId)).toMatchObject({ actorUserId: userId, after: { role: "member", source: "local" } })
    expect(about("member.role_changed", userId)).toMatchObject({
      actorUserId: given.world.userId("owner"),
      before: { role: "member" },
      after: { role: "admin" },
    })
    expect(about("team.created", team.id)).toMatchObject({ actorUserId: given.world.userId("admin"), before: null, after: { name: "Audited" } })
    expect(about("team.member_added", team.id)).toMatchObject({ after: { userId } })
    expect(about("team.renamed", team.id)).toMatchObject({ before: { name: "Audited" }, after: { name: "Audited twice" } })
    expect(about("member.removed", userId)).toMatchObject({ actorUserId: given.world.userId("owner"), before: { role: "admin" }, after: null })
    expect(events.some((event) => event.action === "invitation.created")).toBe(true)
    expect(events.some((event) => event.action === "invitation.accepted")).toBe(true)
    // Newest first, with real timestamps.
    const times = events.map((event) => event.occurredAt)
    expect([...times].sort().reverse()).toEqual(times)
  })

  it("is readable by admins and owners only", async () => {
    const reply = await given.world.as("member").query<TrpcErrorBody>("audit.list", { workspaceId: given.world.workspaceId })
    expect(reply.status).toBe(403)
    expect(reply.body.error.message).toMatch(/Your role \(member\) does not allow this \(audit:read\)/)
  })
})
