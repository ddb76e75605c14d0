// External auth end to end: the built server in SECOND_AUTH_MODE=external signs people in through
// a fake OpenID Connect issuer on loopback, syncs them into the configured workspace with mapped
// roles, keeps provider-owned roles in step, and refuses replayed or forged sign-ins.

import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { within } from "#tests/fixtures/eventually.ts"
import { startFakeOidcIssuer, type FakeIdentity, type FakeOidcIssuer } from "#tests/fixtures/fake-oidc-issuer.ts"
import { HttpPerson } from "#tests/fixtures/http-person.ts"
import { startSecond, type SecondServer } from "#tests/fixtures/second-server.ts"
import { SseReader } from "#tests/fixtures/sse-client.ts"

let issuer: FakeOidcIssuer
let server: SecondServer

beforeAll(async () => {
  issuer = await startFakeOidcIssuer({ path: "/realms/acme" })
  server = await startSecond({
    SECOND_AUTH_MODE: "external",
    SECOND_OIDC_ISSUER: issuer.issuer.href,
    SECOND_OIDC_CLIENT_ID: issuer.clientId,
    SECOND_OIDC_CLIENT_SECRET: issuer.clientSecret,
    SECOND_OIDC_WORKSPACE: "Acme",
    SECOND_OIDC_ROLE_CLAIM: "groups",
    SECOND_OIDC_ROLE_MAP: "second-admins=admin,second-owners=owner",
  })
}, 60_000)

afterAll(async () => {
  if (process.env["DEBUG_SERVER"]) console.log(server?.process.output())
  await server?.stop()
  await issuer?.stop()
})

/** Follows the sign-in the way a browser does: start → issuer (auto-approves) → our callback. */
async function signIn(person: HttpPerson, identity: FakeIdentity, returnTo = "/") {
  issuer.setNextIdentity(identity)
  const start = await person.request(`/auth/oidc/start?returnTo=${encodeURIComponent(returnTo)}`)
  expect(start.status).toBe(302)
  const approved = await fetch(start.headers.get("location")!, { redirect: "manual" })
  const callback = new URL(approved.headers.get("location")!)
  expect(callback.origin).toBe(new URL(server.url).origin)
  return { callback: callback.pathname + callback.search, done: await person.request(callback.pathname + callback.search) }
}

const person = () => new HttpPerson(server.url)
type Summary = { id: string; name: string; role: string }

describe("signing in with OpenID Connect", () => {
  it("signs in a person from the issuer, into the configured workspace with their mapped role", async () => {
    const ada = person()
    const { done } = await signIn(ada, {
      sub: "ada",
      email: "ada@acme.test",
      email_verified: true,
      name: "Ada Lovelace",
      groups: ["staff", "second-admins"],
    }, "/account")
    expect(done.status).toBe(302)
    expect(done.headers.get("location")).toBe("/account")
    // Half a day: what the provider changes applies by the next sign-in, within a working day.
    expect(done.headers.getSetCookie().join(";")).toMatch(/second_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=43200/)

    const me = await ada.must<{ authMode: string; user: { displayName: string; email: string } }>("query", "auth.me")
    expect(me).toMatchObject({ authMode: "external", user: { displayName: "Ada Lovelace", email: "ada@acme.test" } })
    const [acme] = await ada.must<Summary[]>("query", "workspaces.list")
    expect(acme).toMatchObject({ name: "Acme", role: "admin" })
    const teams = await ada.must<{ isDefault: boolean; memberIds: string[] }[]>("query", "teams.list", { workspaceId: acme!.id })
    const members = await ada.must<{ userId: string; managedExternally: boolean }[]>("query", "members.list", { workspaceId: acme!.id })
    expect(members).toEqual([expect.objectContaining({ managedExternally: true })])
    expect(teams.find((team) => team.isDefault)?.memberIds).toEqual([members[0]!.userId])
  })

  it("shows a provider's display name without the characters a name may not hold", async () => {
    const trudy = person()
    await signIn(trudy, { sub: "trudy", email: "trudy@acme.test", email_verified: true, name: "\u202eTrudy\u0000 \u200bAdmin" })
    const me = await trudy.must<{ user: { displayName: string } }>("query", "auth.me")
    expect(me.user.displayName).toBe("Trudy Admin")
  })

  it("gives unknown provider roles the least privilege, never admin", async () => {
    const eve = person()
    await signIn(eve, { sub: "eve", email: "eve@acme.test", email_verified: true, groups: ["admin", "superuser", "root"] })
    const [acme] = await eve.must<Summary[]>("query", "workspaces.list")
    expect(acme?.role).toBe("member")
  })

  it("keeps provider-owned roles in step with the provider, and out of reach of in-app changes", async () => {
    const admin = person()
    await signIn(admin, { sub: "ada", email: "ada@acme.test", email_verified: true, name: "Ada Lovelace", groups: ["second-admins"] })
    const [acme] = await admin.must<Summary[]>("query", "workspaces.list")
    // What an open workspace page hears while the provider's sign-ins change who is in it.
    const events = new SseReader(await admin.request(`/api/w/${acme!.id}/events`, { headers: { accept: "text/event-stream" } }))
    const memberChanged = () =>
      within(events.collect((message) => (JSON.parse(message.data) as { type: string }).type === "member.changed"), 10_000, "member.changed")

    const bob = person()
    await signIn(bob, { sub: "bob", email: "bob@acme.test", email_verified: true, groups: [] })
    await memberChanged()
    const bobId = (await bob.must<{ user: { id: string } }>("query", "auth.me")).user.id

    const refused = await admin.mutate<{ error: { message: string } }>("members.changeRole", { workspaceId: acme!.id, userId: bobId, role: "admin" })
    expect(refused.status).toBe(409)
    expect(refused.body.error.message).toMatch(/comes from your identity provider/)
    const removal = await admin.mutate<{ error: { message: string } }>("members.remove", { workspaceId: acme!.id, userId: bobId })
    expect(removal.status).toBe(409)

    await signIn(person(), { sub: "bob", email: "bob@acme.test", email_verified: true, groups: ["second-owners"] })
    await memberChanged()
    await events.close()
    expect((await bob.must<Summary[]>("query", "workspaces.list"))[0]?.role).toBe("owner")
    const audit = await admin.must<{ action: string; actorUserId: string | null; targetId: string; after: unknown }[]>(
      "query",
      "audit.list",
      { workspaceId: acme!.id },
    )
    expect(audit).toContainEqual(
      expect.objectContaining({ action: "member.role_changed", actorUserId: null, targetId: bobId, after: { role: "owner", source: "external" } }),
    )
  })

  it("joins a verified email to the workspaces that invited it", async () => {
    const ada = person()
    await signIn(ada, { sub: "ada", email: "ada@acme.test", email_verified: true, name: "Ada Lovelace", groups: ["second-admins"] })
    const lab = await ada.must<{ id: string }>("mutation", "workspaces.create", { name: "Lab" })
    await ada.must("mutation", "invitations.create", { workspaceId: lab.id, email: "Carol@Acme.test", role: "member", teamIds: [] })

    const carol = person()
    await signIn(carol, { sub: "carol", email: "carol@acme.test", email_verified: true })
    expect((await carol.must<Summary[]>("query", "workspaces.list")).map((workspace) => workspace.name).sort()).toEqual(["Acme", "Lab"])
  })

  it("does not sign anyone in from a callback replayed in another browser, and still lets the real one finish", async () => {
    const victim = person()
    issuer.setNextIdentity({ sub: "dan", email: "dan@acme.test", email_verified: true })
    const start = await victim.request("/auth/oidc/start")
    const approved = await fetch(start.headers.get("location")!, { redirect: "manual" })
    const callback = new URL(approved.headers.get("location")!)

    const attacker = person()
    const replay = await attacker.request(callback.pathname + callback.search)
    expect(replay.status).toBe(302)
    expect(replay.headers.get("location")).toBe("/sign-in?error=other_browser")
    expect(await (await attacker.request("/sign-in?error=other_browser")).text()).toContain("This sign-in was started in another browser.")
    expect(attacker.signedIn).toBe(false)

    expect((await victim.request(callback.pathname + callback.search)).status).toBe(302)
    expect(victim.signedIn).toBe(true)
    // Used once: the same callback again is refused.
    const again = await person().request(callback.pathname + callback.search)
    expect(again.headers.get("location")).toBe("/sign-in?error=expired")
  })

  it("refuses an ID token meant for another client, saying so on the sign-in page", async () => {
    issuer.misbehave({ idTokenAudience: "someone-else" })
    try {
      const mallory = person()
      const { done } = await signIn(mallory, { sub: "mallory", email: "mallory@acme.test", email_verified: true })
      expect(done.status).toBe(302)
      expect(done.headers.get("location")).toBe("/sign-in?error=provider_failed")
      expect(mallory.signedIn).toBe(false)
      const page = await mallory.request(done.headers.get("location")!)
      expect(await page.text()).toMatch(/Start signing in again/)
      // Only known reasons are shown: the page never displays text chosen by whoever made the link.
      const crafted = await mallory.request(`/sign-in?error=${encodeURIComponent("Call support at 555-0100")}`)
      expect(await crafted.text()).not.toContain("555-0100")
    } finally {
      issuer.misbehave({ idTokenAudience: undefined })
    }
  })

  it("never stores or matches an email the provider has not verified", async () => {
    const mallory = person()
    const { done } = await signIn(mallory, { sub: "mallory", email: "victim@acme.test", email_verified: false })
    expect(done.headers.get("location")).toBe("/sign-in?error=unverified_email")
    expect(mallory.signedIn).toBe(false)

    // A known person keeps their verified address when the provider sends an unverified new one.
    const ada = person()
    await signIn(ada, { sub: "ada", email: "ada-new@acme.test", email_verified: false, name: "Ada Lovelace", groups: ["second-admins"] })
    expect((await ada.must<{ user: { email: string } }>("query", "auth.me")).user.email).toBe("ada@acme.test")

    // The real owner of the address signs in later, verified, and gets it.
    const victim = person()
    await signIn(victim, { sub: "victim", email: "victim@acme.test", email_verified: true })
    expect((await victim.must<{ user: { email: string } }>("query", "auth.me")).user.email).toBe("victim@acme.test")
  })

  it("never lets a provider sync leave a workspace without an owner", async () => {
    const only = person()
    await signIn(only, { sub: "solo", email: "solo@acme.test", email_verified: true, groups: ["second-owners"] })
    const owners = async () =>
      (await only.must<{ role: string }[]>("query", "members.list", { workspaceId: (await only.must<Summary[]>("query", "workspaces.list"))[0]!.id }))
        .filter((member) => member.role === "owner").length
    // Earlier tests made bob an owner too; demote him at the provider first.
    await signIn(person(), { sub: "bob", email: "bob@acme.test", email_verified: true, groups: [] })
    expect(await owners()).toBe(1)
    await signIn(only, { sub: "solo", email: "solo@acme.test", email_verified: true, groups: [] })
    expect((await only.must<Summary[]>("query", "workspaces.list"))[0]?.role).toBe("owner")
    expect(await owners()).toBe(1)
  })

  it("lets sign-ins started in two tabs of one browser both finish", async () => {
    const browser = person()
    issuer.setNextIdentity({ sub: "tabs", email: "tabs@acme.test", email_verified: true })
    const first = await browser.request("/auth/oidc/start?returnTo=%2Ffirst")
    const second = await browser.request("/auth/oidc/start?returnTo=%2Fsecond")
    const callbackOf = async (start: Response) => {
      const approved = await fetch(start.headers.get("location")!, { redirect: "manual" })
      const url = new URL(approved.headers.get("location")!)
      return url.pathname + url.search
    }
    const [firstCallback, secondCallback] = [await callbackOf(first), await callbackOf(second)]
    expect((await browser.request(firstCallback)).headers.get("location")).toBe("/first")
    expect((await browser.request(secondCallback)).headers.get("location")).toBe("/second")
  })

  it("sends signed-out visitors to the provider's sign-in page, and ends sessions on the server at sign-out", async () => {
    const visitor = person()
    const page = await visitor.request("/account")
    expect(page.status).toBe(302)
    expect(page.headers.get("location")).toBe("/sign-in?returnTo=%2Faccount")
    expect(await (await visitor.request("/sign-in")).text()).toContain("Continue with 127.0.0.1")
    // None mode's onboarding does not exist here: nobody can claim an identity.
    expect((await visitor.request("/onboarding")).status).toBe(302)
    const claim = await visitor.post("/onboarding", { displayName: "X", email: "ada@acme.test" })
    expect(claim.headers.get("location")).toMatch(/^\/sign-in/)
    expect(visitor.signedIn).toBe(false)

    const ada = person()
    await signIn(ada, { sub: "ada", email: "ada@acme.test", email_verified: true, name: "Ada Lovelace", groups: ["second-admins"] })
    // A copy of her cookie, as someone who stole it would hold it.
    const stolen = ada.cookieHeader()
    const meWith = async (cookie: string) =>
      ((await (await fetch(new URL("/api/trpc/auth.me", server.url), { headers: { cookie } })).json()) as {
        result: { data: { user: unknown } }
      }).result.data.user
    expect(await meWith(stolen)).not.toBeNull()
    expect((await ada.post("/auth/sign-out", {})).status).toBe(302)
    expect((await ada.must<{ user: unknown }>("query", "auth.me")).user).toBeNull()
    // The cookie is still validly signed, but its session is gone from the server.
    expect(await meWith(stolen)).toBeNull()
  })
})
