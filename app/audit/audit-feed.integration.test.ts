// audit.feed and auth.updateProfile through the real router on a real SQLite file: the log names
// the people and things its events mention (former members and deleted teams included), and a
// person renames themselves only where no identity provider owns their name.

import { afterEach, describe, expect, it } from "vitest"
import { openAppDataWorld, type AppDataWorld } from "#tests/fixtures/app-data-world.ts"
import { auditSentence, sentenceText } from "../text/audit-sentence.ts"

const worlds: AppDataWorld[] = []
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close()
})

async function open() {
  const world = await openAppDataWorld()
  worlds.push(world)
  // Invitation links are made on the public URL, which this world's config leaves out.
  Object.assign(world.services.config, { publicUrl: new URL("http://second.test") })
  return world
}

describe("audit.feed", () => {
  it("names who and what each event is about, even once they are gone", async () => {
    const world = await open()
    const workspaceId = await world.workspace()
    const owner = await world.person(workspaceId, "owner")
    const bea = await world.person(workspaceId, "member")
    const api = world.caller(owner)
    await api.auth.updateProfile({ displayName: "Ada" })
    await world.caller(bea).auth.updateProfile({ displayName: "Bea" })
    const team = await api.teams.create({ workspaceId, name: "Ops" })
    await api.teams.addMember({ workspaceId, teamId: team.id, userId: bea.viewer.user.id })
    await api.teams.delete({ workspaceId, teamId: team.id })
    await api.members.changeRole({ workspaceId, userId: bea.viewer.user.id, role: "admin" })
    await api.members.remove({ workspaceId, userId: bea.viewer.user.id })
    await api.invitations.create({ workspaceId, email: "cy@example.com", role: "member", teamIds: [] })

    const { events, directory } = await api.audit.feed({ workspaceId, limit: 50 })
    expect(events.map((event) => sentenceText(auditSentence(event, directory)))).toEqual([
      "Ada invited cy@example.com as member",
      "Ada removed Bea from the workspace",
      "Ada changed Bea's role from member to admin",
      "Ada deleted the team Ops",
      "Ada added Bea to the team Ops",
      "Ada created the team Ops",
    ])
    expect(directory.people[bea.viewer.user.id]).toEqual({ name: "Bea", email: bea.viewer.user.email })
  })

  it("is for admins only, like the log itself", async () => {
    const world = await open()
    const workspaceId = await world.workspace()
    const member = await world.person(workspaceId, "member")
    await expect(world.caller(member).audit.feed({ workspaceId, limit: 10 })).rejects.toMatchObject({ code: "FORBIDDEN" })
  })
})

describe("auth.updateProfile", () => {
  it("renames the person everywhere their name is shown", async () => {
    const world = await open()
    const workspaceId = await world.workspace()
    const person = await world.person(workspaceId, "member")
    expect(await world.caller(person).auth.updateProfile({ displayName: "  Ada Lovelace " })).toEqual({ displayName: "Ada Lovelace" })
    const members = await world.caller(person).members.list({ workspaceId })
    expect(members.map((member) => member.displayName)).toEqual(["Ada Lovelace"])
    await expect(world.caller(person).auth.updateProfile({ displayName: " " })).rejects.toThrow(/display name must not be empty/)
  })

  it("refuses where an identity provider owns the name, saying where to change it", async () => {
    const world = await open()
    const workspaceId = await world.workspace()
    const person = await world.person(workspaceId, "member")
    Object.assign(world.services.config, { authMode: "external" })
    await expect(world.caller(person).auth.updateProfile({ displayName: "Mallory" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "Your name comes from your identity provider; change it there and sign in again.",
    })
  })
})
