// Workspaces and their members, as people experience them over the API: creating and switching
// workspaces, the role rules (nobody changes their own role or removes themselves, only owners
// touch the owner role, a workspace always keeps an owner) and the 404 for strangers.

import { describe, expect, it } from "vitest"
import type { TrpcErrorBody } from "#tests/fixtures/http-person.ts"
import { useWorld } from "#tests/authorization/world.ts"

const given = useWorld()

type Member = { userId: string; role: string; teamIds: string[] }
const members = (who: "owner" | "admin" | "member" = "owner") =>
  given.world.as(who).must<Member[]>("query", "members.list", { workspaceId: given.world.workspaceId })
const roleOf = async (userId: string) => (await members()).find((member) => member.userId === userId)?.role

describe("workspaces", () => {
  it("makes the creator the owner and a member of the General team, and lists all of a person's workspaces", async () => {
    const person = await given.world.person("founder")
    const first = await person.must<{ id: string }>("mutation", "workspaces.create", { name: "Zeta" })
    const second = await person.must<{ id: string }>("mutation", "workspaces.create", { name: "Alpha" })
    const list = await person.must<{ id: string; name: string; role: string }[]>("query", "workspaces.list")
    expect(list).toEqual([
      { id: second.id, name: "Alpha", role: "owner" },
      { id: first.id, name: "Zeta", role: "owner" },
    ])
    const teams = await person.must<{ name: string; isDefault: boolean; memberIds: string[] }[]>("query", "teams.list", { workspaceId: first.id })
    expect(teams).toEqual([expect.objectContaining({ name: "General", isDefault: true, memberIds: [given.world.userIds.get(person)] })])
  })

  it("lets admins rename a workspace and shows the new name to everyone in it", async () => {
    await given.world.as("admin").must("mutation", "workspaces.rename", { workspaceId: given.world.workspaceId, name: "Acme Corp" })
    const seen = await given.world.as("member").must<{ name: string; role: string }>("query", "workspaces.get", { workspaceId: given.world.workspaceId })
    expect(seen).toMatchObject({ name: "Acme Corp", role: "member" })
  })

  it("answers a stranger as if the workspace did not exist", async () => {
    const reply = await given.world.as("outsider").query<TrpcErrorBody>("members.list", { workspaceId: given.world.workspaceId })
    expect(reply.status).toBe(404)
    expect(reply.body.error.message).toBe("Workspace not found.")
    const unknown = await given.world.as("owner").query<TrpcErrorBody>("workspaces.get", { workspaceId: "a".repeat(24) })
    expect(unknown.status).toBe(404)
    expect(unknown.body.error.message).toBe("Workspace not found.")
  })
})

describe("roles", () => {
  it("refuses to let anyone change their own role or remove themselves", async () => {
    for (const who of ["owner", "admin"] as const) {
      const ownRole = await given.world.as(who).mutate<TrpcErrorBody>("members.changeRole", {
        workspaceId: given.world.workspaceId,
        userId: given.world.userId(who),
        role: "member",
      })
      expect(ownRole.status).toBe(403)
      expect(ownRole.body.error.message).toMatch(/cannot change your own role/)
      const self = await given.world.as(who).mutate<TrpcErrorBody>("members.remove", { workspaceId: given.world.workspaceId, userId: given.world.userId(who) })
      expect(self.status).toBe(403)
      expect(self.body.error.message).toMatch(/cannot remove yourself/)
    }
    expect(await roleOf(given.world.userId("admin"))).toBe("admin")
  })

  it("leaves the owner role to owners: admins can neither grant it nor touch an owner", async () => {
    const { userId } = await given.world.join("member")
    const grant = await given.world.as("admin").mutate<TrpcErrorBody>("members.changeRole", { workspaceId: given.world.workspaceId, userId, role: "owner" })
    expect(grant.status).toBe(403)
    expect(grant.body.error.message).toMatch(/Only an owner/)
    const demote = await given.world.as("admin").mutate("members.changeRole", { workspaceId: given.world.workspaceId, userId: given.world.userId("owner"), role: "member" })
    expect(demote.status).toBe(403)
    const remove = await given.world.as("admin").mutate("members.remove", { workspaceId: given.world.workspaceId, userId: given.world.userId("owner") })
    expect(remove.status).toBe(403)
    expect(await roleOf(userId)).toBe("member")
    expect(await roleOf(given.world.userId("owner"))).toBe("owner")

    await given.world.as("owner").must("mutation", "members.changeRole", { workspaceId: given.world.workspaceId, userId, role: "owner" })
    expect(await roleOf(userId)).toBe("owner")
  })

  it("keeps an owner when two owners demote each other at the same moment", async () => {
    const founder = await given.world.person("duo")
    const workspaceId = (await founder.must<{ id: string }>("mutation", "workspaces.create", { name: "Duo" })).id
    const partner = await given.world.person("partner")
    const issued = await founder.must<{ url: string }>("mutation", "invitations.create", {
      workspaceId,
      email: given.world.emails.get(partner),
      role: "owner",
      teamIds: [],
    })
    await partner.must("mutation", "invitations.accept", { token: issued.url.split("/").at(-1) })
    const [a, b] = await Promise.all([
      founder.mutate<TrpcErrorBody>("members.changeRole", { workspaceId, userId: given.world.userIds.get(partner), role: "admin" }),
      partner.mutate<TrpcErrorBody>("members.changeRole", { workspaceId, userId: given.world.userIds.get(founder), role: "admin" }),
    ])
    // One wins; the other is refused, whether its request saw the change (403) or raced it (409).
    expect([a.status, b.status].filter((status) => status === 200)).toHaveLength(1)
    expect([403, 409]).toContain([a, b].find((reply) => reply.status !== 200)?.status)
    const roles = (await founder.must<Member[]>("query", "members.list", { workspaceId }).catch(() =>
      partner.must<Member[]>("query", "members.list", { workspaceId }),
    )).map((member) => member.role)
    expect(roles.filter((role) => role === "owner")).toHaveLength(1)
  })

  it("removes a person from the workspace and all its teams, and they lose access at once", async () => {
    const { person, userId } = await given.world.join("member")
    const teamId = await given.world.team([userId])
    await given.world.as("admin").must("mutation", "members.remove", { workspaceId: given.world.workspaceId, userId })
    expect((await members()).map((member) => member.userId)).not.toContain(userId)
    const teams = await given.world.as("owner").must<{ id: string; memberIds: string[] }[]>("query", "teams.list", { workspaceId: given.world.workspaceId })
    expect(teams.flatMap((team) => team.memberIds)).not.toContain(userId)
    expect(teams.find((team) => team.id === teamId)?.memberIds).toEqual([])
    expect((await person.query("workspaces.get", { workspaceId: given.world.workspaceId })).status).toBe(404)
  })
})
