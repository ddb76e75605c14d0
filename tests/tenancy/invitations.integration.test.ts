// Invitations as the invitee and the admin experience them: a link that works once, for the
// invited address, until it expires or is revoked or replaced; joining puts the person in
// General and the invited teams with the invited role.

import { describe, expect, it } from "vitest"
import { invitations } from "#app/store/collections.server.ts"
import { HttpPerson, type TrpcErrorBody } from "#tests/fixtures/http-person.ts"
import { useWorld } from "#tests/authorization/world.ts"

const given = useWorld()

type Issued = { invitation: { id: string; email: string; role: string; expiresAt: string }; url: string }
const tokenOf = (url: string) => url.split("/").at(-1)!
/** Creates an invitation; `body` is the issued invitation, or the error when refused. */
async function invite(input: Record<string, unknown>, who: "owner" | "admin" = "owner") {
  const reply = await given.world
    .as(who)
    .mutate<{ result?: { data: Issued } } & Partial<TrpcErrorBody>>("invitations.create", {
      workspaceId: given.world.workspaceId,
      teamIds: [],
      role: "member",
      ...input,
    })
  const body = { ...(reply.body.result?.data as Issued), error: reply.body.error ?? { message: "" } }
  return { status: reply.status, body }
}

describe("invitations", () => {
  it("joins the invited person with the invited role, to General and the invited teams", async () => {
    const teamId = await given.world.team()
    const guest = await given.world.person("guest")
    const issued = await invite({ email: given.world.emails.get(guest)!.toUpperCase(), role: "admin", teamIds: [teamId] })
    expect(issued.status).toBe(200)
    expect(issued.body.url).toMatch(new RegExp(`^${given.server.url}/invitations/[a-z2-7]{52}$`))

    const preview = await new HttpPerson(given.server.url).must<{ workspaceName: string; role: string; state: string }>("query", "invitations.preview", {
      token: tokenOf(issued.body.url),
    })
    expect(preview).toMatchObject({ workspaceName: "Acme", role: "admin", state: "pending" })

    const joined = await guest.must<{ workspaceId: string }>("mutation", "invitations.accept", { token: tokenOf(issued.body.url) })
    expect(joined.workspaceId).toBe(given.world.workspaceId)
    const me = (await given.world.as("owner").must<{ userId: string; role: string; teamIds: string[] }[]>("query", "members.list", {
      workspaceId: given.world.workspaceId,
    })).find((member) => member.userId === given.world.userIds.get(guest))
    const { defaultTeamId: general } = await guest.must<{ defaultTeamId: string }>("query", "workspaces.get", { workspaceId: given.world.workspaceId })
    expect(me?.role).toBe("admin")
    expect(me?.teamIds.sort()).toEqual([general, teamId].sort())
  })

  it("works once: a second acceptance, even by the same person, is refused", async () => {
    const guest = await given.world.person("once")
    const token = tokenOf((await invite({ email: given.world.emails.get(guest) })).body.url)
    await guest.must("mutation", "invitations.accept", { token })
    const again = await guest.mutate<TrpcErrorBody>("invitations.accept", { token })
    expect(again.status).toBe(409)
    expect(again.body.error.message).toMatch(/already accepted/)
  })

  it("is for the invited address only", async () => {
    const token = tokenOf((await invite({ email: "intended@example.com" })).body.url)
    const someoneElse = await given.world.person("else")
    const refused = await someoneElse.mutate<TrpcErrorBody>("invitations.accept", { token })
    expect(refused.status).toBe(403)
    expect(refused.body.error.message).toBe("This invitation is for intended@example.com; sign in with that address to accept it.")
    expect((await someoneElse.must<unknown[]>("query", "workspaces.list")).length).toBe(0)
  })

  it("tells someone signed in with another address whose invitation it is, and signs them out back to it", async () => {
    const issued = await invite({ email: "right@example.com" })
    const path = new URL(issued.body.url).pathname
    const wrong = await given.world.person("wrong")
    // React separates text nodes with <!-- --> in server HTML; a reader sees the joined text.
    const page = (await (await wrong.request(path)).text()).replaceAll("<!-- -->", "")
    expect(page).toContain("but this invitation is for right@example.com")
    expect(page, "no Join button that would only fail").not.toMatch(/<button[^>]*>Join /)
    const signedOut = await wrong.post("/auth/sign-out", { returnTo: path })
    expect(signedOut.headers.get("location")).toBe(path)
    const signIn = /href="(\/onboarding\?[^"]+)"/.exec(await (await wrong.request(path)).text())?.[1]?.replaceAll("&amp;", "&")
    expect(new URL(signIn ?? "/", given.server.url).searchParams.get("email")).toBe("right@example.com")
  })

  it("stops working when revoked, and when resent the old link dies and the new one works", async () => {
    const guest = await given.world.person("revoked")
    const issued = await invite({ email: given.world.emails.get(guest) })
    await given.world.as("admin").must("mutation", "invitations.revoke", { workspaceId: given.world.workspaceId, invitationId: issued.body.invitation.id })
    const revoked = await guest.mutate<TrpcErrorBody>("invitations.accept", { token: tokenOf(issued.body.url) })
    expect(revoked.status).toBe(409)
    expect(revoked.body.error.message).toMatch(/already revoked/)

    const other = await given.world.person("resent")
    const first = await invite({ email: given.world.emails.get(other) })
    const resent = await given.world.as("admin").must<Issued>("mutation", "invitations.resend", {
      workspaceId: given.world.workspaceId,
      invitationId: first.body.invitation.id,
    })
    expect(resent.url).not.toBe(first.body.url)
    const old = await other.mutate<TrpcErrorBody>("invitations.accept", { token: tokenOf(first.body.url) })
    expect(old.status).toBe(404)
    expect(old.body.error.message).toBe("This invitation link is not valid. Ask for a new one.")
    expect((await other.mutate("invitations.accept", { token: tokenOf(resent.url) })).status).toBe(200)
  })

  it("expires", async () => {
    const guest = await given.world.person("late")
    const issued = await invite({ email: given.world.emails.get(guest) })
    // A week passes: the stored expiry moves into the past, in the store the server reads.
    const store = await given.server.openStore()
    await store.collection(invitations).updateOne({ id: issued.body.invitation.id }, { expiresAt: new Date(Date.now() - 1000).toISOString() })
    await store.close()
    const preview = await guest.must<{ state: string }>("query", "invitations.preview", { token: tokenOf(issued.body.url) })
    expect(preview.state).toBe("expired")
    const late = await guest.mutate<TrpcErrorBody>("invitations.accept", { token: tokenOf(issued.body.url) })
    expect(late.status).toBe(409)
    expect(late.body.error.message).toBe("This invitation has expired. Ask for a new one.")
  })

  it("refuses duplicates and people already in the workspace, and lets only owners invite owners", async () => {
    const email = given.world.freshEmail()
    expect((await invite({ email })).status).toBe(200)
    const twice = await invite({ email: email.toUpperCase() })
    expect(twice.status).toBe(409)
    expect(twice.body.error.message).toMatch(/already has a pending invitation; resend it instead/)

    const member = await invite({ email: given.world.emails.get(given.world.as("member")) })
    expect(member.status).toBe(409)
    expect(member.body.error.message).toMatch(/is already a member/)

    const owner = await invite({ email: given.world.freshEmail(), role: "owner" }, "admin")
    expect(owner.status).toBe(403)
    expect(owner.body.error.message).toBe("Only an owner can invite another owner.")
    expect((await invite({ email: given.world.freshEmail(), role: "owner" }, "owner")).status).toBe(200)
  })

  it("issues one invitation when two admins invite the same address at the same moment", async () => {
    const email = given.world.freshEmail()
    const [a, b] = await Promise.all([invite({ email }, "owner"), invite({ email }, "admin")])
    expect([a.status, b.status].sort()).toEqual([200, 409])
    const pending = await given.world.as("owner").must<{ email: string }[]>("query", "invitations.list", { workspaceId: given.world.workspaceId })
    expect(pending.filter((invitation) => invitation.email === email)).toHaveLength(1)
  })

  it("never stores or lists the link itself", async () => {
    const issued = await invite({ email: given.world.freshEmail() })
    const listed = await given.world.as("admin").must<unknown[]>("query", "invitations.list", { workspaceId: given.world.workspaceId })
    expect(JSON.stringify(listed)).not.toContain(tokenOf(issued.body.url))
    const store = await given.server.openStore()
    const stored = await store.collection(invitations).findMany({})
    await store.close()
    expect(stored.length).toBeGreaterThan(0)
    expect(JSON.stringify(stored)).not.toContain(tokenOf(issued.body.url))
  })
})
