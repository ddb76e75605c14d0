// Bad input gets a typed 4xx naming the field and what to fix, and writes nothing.

import { describe, expect, it } from "vitest"
import { newId } from "#shared/ids.ts"
import { makeApp } from "#tests/authorization/app-fixtures.ts"
import { HttpPerson, type TrpcErrorBody } from "#tests/fixtures/http-person.ts"
import { useWorld } from "#tests/authorization/world.ts"
import { fillRoute, loadRouteManifest, routePattern } from "#tests/fixtures/route-manifest.ts"

const given = useWorld()
const routes = await loadRouteManifest()

/** Page actions that read no form: accepting an invitation takes no fields. */
// Actions that read no form: accepting an invitation, and the 404 of an address no route answers.
const FORMLESS_ACTIONS = new Set(["routes/invitations.$token", "routes/$"])

type Issues = TrpcErrorBody & { error: { data: { issues: { path: string; message: string }[] | null } } }

describe("bad input", () => {
  it.each([
    ["a number where an id belongs", "teams.create", { workspaceId: 42, name: "X" }, "workspaceId", /expected string/],
    ["a malformed id", "teams.delete", { teamId: "../../etc" }, "teamId", /must be an id/],
    ["an empty name", "teams.create", { name: "   " }, "name", /name must not be empty/],
    ["an oversized name", "workspaces.rename", { name: "x".repeat(81) }, "name", /name must be at most 80 characters/],
    ["an invalid email", "invitations.create", { email: "not-an-email", role: "member" }, "email", /must be an email address/],
    ["an oversized email", "invitations.create", { email: `${"a".repeat(250)}@example.com`, role: "member" }, "email", /at most 254/],
    ["an unknown role", "invitations.create", { email: "x@example.com", role: "superuser" }, "role", /role must be owner, admin or member/],
    ["a model name that reads as a command-line option", "apps.create", { prompt: "A clock", runtime: "claude", model: "--dangerously-skip-permissions" }, "model", /starts with a letter or digit/],
    ["too many teams", "invitations.create", { email: "x@example.com", role: "member", teamIds: Array(51).fill("a".repeat(24)) }, "teamIds", /.+/],
  ])("refuses %s with 400 and the field's name", async (_what, procedure, input, field, message) => {
    const before = await given.world.auditCount()
    const reply = await given.world.as("owner").mutate<Issues>(procedure, { workspaceId: given.world.workspaceId, ...input })
    expect(reply.status).toBe(400)
    expect(reply.body.error.data.code).toBe("BAD_REQUEST")
    const issue = reply.body.error.data.issues?.find((candidate) => candidate.path === field)
    expect(issue?.message).toMatch(message)
    expect(await given.world.auditCount()).toBe(before)
  })

  it("refuses names holding control, invisible or text-direction characters, wherever a name is given", async () => {
    const { world } = given
    const owner = world.as("owner")
    const teamId = await world.team()
    const { appId } = await makeApp(world, owner)
    const before = await world.auditCount()
    for (const bad of ["Acme\u0000", "\u202egnp.exe", "Acme\ud800", "Ac\u0007me"]) {
      for (const [procedure, input] of [
        ["workspaces.create", { name: bad }],
        ["workspaces.rename", { workspaceId: world.workspaceId, name: bad }],
        ["teams.create", { workspaceId: world.workspaceId, name: bad }],
        ["teams.rename", { workspaceId: world.workspaceId, teamId, name: bad }],
        ["apps.create", { workspaceId: world.workspaceId, prompt: "A clock", runtime: "claude", name: bad }],
        ["apps.rename", { workspaceId: world.workspaceId, appId, name: bad }],
      ] as const) {
        const reply = await owner.mutate<Issues>(procedure, input)
        expect(reply.status, `${procedure} ${JSON.stringify(bad)}`).toBe(400)
        expect(reply.body.error.data.issues?.[0]).toMatchObject({ path: "name", message: expect.stringMatching(/^name must not contain (U\+[0-9A-F]{4}|a lone UTF-16 surrogate): control, invisible and text-direction characters are not allowed$/) })
      }
      // A form cannot carry a lone surrogate: browsers (and URLSearchParams) send U+FFFD for it.
      if (bad.includes("\ud800")) continue
      const signIn = await new HttpPerson(world.server.url).post("/onboarding", { displayName: bad, email: world.freshEmail(), returnTo: "/" })
      expect(signIn.status, JSON.stringify(bad)).toBe(400)
      expect(await signIn.text()).toMatch(/display name must not contain/)
    }
    expect(await world.auditCount()).toBe(before)
    expect((await owner.must<{ name: string }[]>("query", "workspaces.list")).map((workspace) => workspace.name)).toEqual(["Acme"])
  })

  it("stores names in one form (NFC, trimmed), so the same name is the same text", async () => {
    const reply = await given.world.as("owner").must<{ id: string; name: string }>("mutation", "teams.create", {
      workspaceId: given.world.workspaceId,
      name: "  Cafe\u0301 crew ",
    })
    expect(reply.name).toBe("Caf\u00e9 crew")
  })

  it("answers input that is not JSON with a fixed message that quotes nothing of it", async () => {
    const owner = given.world.as("owner")
    const sent = [
      owner.request("/api/trpc/workspaces.create", { method: "POST", headers: { "content-type": "application/json" }, body: '{"name":"secret-ish}' }),
      owner.request(`/api/trpc/workspaces.get?input=${encodeURIComponent('{"workspaceId":"secret-ish')}`),
      owner.request(`/api/trpc/workspaces.get,workspaces.list?batch=1&input=${encodeURIComponent('{"0":secret-ish}')}`),
    ]
    for (const response of await Promise.all(sent)) {
      const text = await response.text()
      // 207: in the batch, the call that takes no input still succeeds.
      expect([400, 207]).toContain(response.status)
      expect(text).toContain("Invalid JSON input: send the procedure's input as JSON")
      expect(text).not.toMatch(/secret-ish|Unexpected|position|SyntaxError/)
    }
  })

  it("refuses ids that do not exist with a 404 that names what was not found, and writes nothing", async () => {
    const before = await given.world.auditCount()
    const missing = "b".repeat(24)
    for (const [procedure, input, what] of [
      ["teams.rename", { teamId: missing, name: "X" }, "Team not found."],
      ["members.remove", { userId: missing }, "Member not found."],
      ["invitations.revoke", { invitationId: missing }, "Invitation not found."],
      ["invitations.create", { email: "y@example.com", role: "member", teamIds: [missing] }, "One of the teams does not exist in this workspace."],
    ] as const) {
      const reply = await given.world.as("owner").mutate<TrpcErrorBody>(procedure, { workspaceId: given.world.workspaceId, ...input })
      expect([400, 404]).toContain(reply.status)
      expect(reply.body.error.message).toBe(what)
    }
    expect(await given.world.auditCount()).toBe(before)
    const pending = await given.world.as("owner").must<{ email: string }[]>("query", "invitations.list", { workspaceId: given.world.workspaceId })
    expect(pending.map((invitation) => invitation.email)).not.toContain("y@example.com")
  })

  it("refuses a duplicate invitation without creating a second one", async () => {
    const email = given.world.freshEmail()
    const input = { workspaceId: given.world.workspaceId, email, role: "member", teamIds: [] }
    expect((await given.world.as("owner").mutate("invitations.create", input)).status).toBe(200)
    const before = await given.world.auditCount()
    expect((await given.world.as("owner").mutate("invitations.create", input)).status).toBe(409)
    expect(await given.world.auditCount()).toBe(before)
    const pending = await given.world.as("owner").must<{ email: string }[]>("query", "invitations.list", { workspaceId: given.world.workspaceId })
    expect(pending.filter((invitation) => invitation.email === email)).toHaveLength(1)
  })

  it("refuses a sign-in form without a valid email, and signs nobody in", async () => {
    const { HttpPerson } = await import("#tests/fixtures/http-person.ts")
    const person = new HttpPerson(given.server.url)
    const reply = await person.post("/onboarding", { displayName: "Nobody", email: "nobody", returnTo: "/" })
    expect(reply.status).toBe(400)
    expect(await reply.text()).toMatch(/email: must be an email address/)
    expect(person.signedIn).toBe(false)
  })
})

describe("page forms", () => {
  it("answer a body that is not a form, on every page action, with 415 or 400 and what to send, writing nothing", async () => {
    const { world } = given
    const owner = world.as("owner")
    const { appId, runId } = await makeApp(world, owner)
    // A review id nobody made: the body is refused before anything is looked up.
    const params: Record<string, string> = { workspaceId: world.workspaceId, appId, runId, reviewId: newId() }
    const actions = Object.entries(routes).filter(([id, route]) => route.module.default && route.module.action && !FORMLESS_ACTIONS.has(id))
    expect(actions.length).toBeGreaterThan(5)
    const before = await world.auditCount()
    for (const [id, route] of actions) {
      const path = `${fillRoute(routePattern(id, routes), params)}${route.index ? "?index" : ""}`
      for (const [contentType, body, status, message] of [
        ["application/json", '{"name":"Acme"}', 415, /Send this form as application\/x-www-form-urlencoded or multipart\/form-data/],
        ["text/plain", "name=Acme", 415, /Send this form as/],
        [null, "", 415, /Send this form as/],
        ["multipart/form-data; boundary=zz", "--zz\r\nContent-Disposition: form-data\r\n\r\nx", 400, /The form body is not valid multipart\/form-data/],
      ] as const) {
        for (const person of [owner, new HttpPerson(world.server.url)]) {
          const response = await person.request(path, { method: "POST", ...(contentType ? { headers: { "content-type": contentType } } : {}), body })
          const text = await response.text()
          expect(response.status, `${id} ${contentType}: ${text.slice(0, 200)}`).toBe(status)
          expect(text, id).toMatch(message)
        }
      }
    }
    expect(await world.auditCount()).toBe(before)
  })
})
