// API tokens over HTTP against the built server, as a script uses them: `Authorization: Bearer
// sec_…` on /api/trpc (with any Origin: no cookie, so nothing to forge) and on a run's event
// stream; one 401 for every token that does not work; never on pages; never outside its
// workspace; never for browser-only procedures. (Needs a fresh build: npm run build.)

import { describe, expect, it } from "vitest"
import { INVALID_API_TOKEN_MESSAGE } from "#app/api-tokens/api-token-text.ts"
import { BROWSER_ONLY_MESSAGE } from "#app/trpc/init.server.ts"
import { HttpPerson, type TrpcErrorBody } from "#tests/fixtures/http-person.ts"
import { SseReader } from "#tests/fixtures/sse-client.ts"
import { makeApp } from "../authorization/app-fixtures.ts"
import { useWorld } from "../authorization/world.ts"

const given = useWorld()

/** A token the person makes on the Account page's procedure, in W. */
async function tokenOf(person: HttpPerson, role: string): Promise<string> {
  const { token } = await person.must<{ token: string }>("mutation", "apiTokens.create", {
    workspaceId: given.world.workspaceId,
    name: "HTTP test",
    role,
    expiresInDays: 7,
  })
  return token
}

/** A script: no cookies, just the bearer (and whatever extra headers a test adds). */
function script(token: string, extra: Record<string, string> = {}) {
  const headers = { authorization: `Bearer ${token}`, ...extra }
  const base = given.server.url
  return {
    query: (procedure: string, input: unknown) =>
      fetch(`${base}/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers, redirect: "manual" }),
    mutate: (procedure: string, input: unknown) =>
      fetch(`${base}/api/trpc/${procedure}`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify(input),
        redirect: "manual",
      }),
    get: (path: string) => fetch(`${base}${path}`, { headers, redirect: "manual" }),
  }
}

describe("a script with an API token, over HTTP", () => {
  it("calls /api/trpc as its maker, at the token's role", async () => {
    const token = await tokenOf(given.world.as("admin"), "member")
    const reply = await script(token).query("workspaces.get", { workspaceId: given.world.workspaceId })
    expect(reply.status).toBe(200)
    expect(((await reply.json()) as { result: { data: { role: string } } }).result.data.role).toBe("member")
  })

  it("may write with a cross-site Origin, and the cookie it also sends is ignored", async () => {
    const token = await tokenOf(given.world.as("member"), "member")
    const owner = given.world.as("owner")
    const reply = await script(token, { origin: "https://elsewhere.example", cookie: owner.cookieHeader() }).mutate("apps.create", {
      workspaceId: given.world.workspaceId,
      prompt: "A page that says hello",
      runtime: "claude",
    })
    expect(reply.status, await reply.clone().text()).toBe(200)
    // The member's token, not the owner's cookie: the audit log stays closed to it.
    const audit = await script(token, { cookie: owner.cookieHeader() }).query("audit.list", { workspaceId: given.world.workspaceId, limit: 1 })
    expect(audit.status).toBe(403)
  })

  it("follows a run's event stream to its end", async () => {
    const member = given.world.as("member")
    const { runId } = await makeApp(given.world, member)
    const response = await script(await tokenOf(member, "member")).get(`/api/runs/${runId}/events`)
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/)
    const reader = new SseReader(response)
    try {
      const messages = await reader.collect((message) => message.event === "end" || JSON.parse(message.data).type === "turn.completed")
      expect(messages.filter((message) => message.event === "message").map((message) => JSON.parse(message.data).type).at(-1)).toBe("turn.completed")
    } finally {
      await reader.close()
    }
  })

  it("answers every token that does not work with one 401, on tRPC and on streams", async () => {
    const wrong = `sec_${"A".repeat(43)}`
    for (const token of [wrong, "sec_garbage"]) {
      const reply = await script(token).query("workspaces.get", { workspaceId: given.world.workspaceId })
      expect(reply.status).toBe(401)
      expect(((await reply.json()) as TrpcErrorBody).error.message).toBe(INVALID_API_TOKEN_MESSAGE)
      const stream = await script(token).get(`/api/w/${given.world.workspaceId}/events`)
      expect(stream.status).toBe(401)
      expect(await stream.text()).toBe(INVALID_API_TOKEN_MESSAGE)
    }
  })

  it("reaches no other workspace (404), even where its maker is a member", async () => {
    const token = await tokenOf(given.world.as("owner"), "owner")
    expect((await script(token).query("workspaces.get", { workspaceId: given.world.outsiderWorkspaceId })).status).toBe(404)
    expect((await script(token).get(`/api/w/${given.world.outsiderWorkspaceId}/events`)).status).toBe(404)
  })

  it("refuses browser-only procedures with 403: no new tokens, no role changes", async () => {
    const token = await tokenOf(given.world.as("owner"), "owner")
    const create = await script(token).mutate("apiTokens.create", { workspaceId: given.world.workspaceId, name: "copy", role: "owner", expiresInDays: 365 })
    expect(create.status).toBe(403)
    const promote = await script(token).mutate("members.changeRole", { workspaceId: given.world.workspaceId, userId: given.world.userId("member"), role: "owner" })
    expect(promote.status).toBe(403)
  })

  it("stops working the moment its maker is removed from the workspace, and leaves the admins' list", async () => {
    const { person, userId } = await given.world.join("member")
    const token = await tokenOf(person, "member")
    expect((await script(token).query("workspaces.get", { workspaceId: given.world.workspaceId })).status).toBe(200)
    await given.world.as("owner").must("mutation", "members.remove", { workspaceId: given.world.workspaceId, userId })
    const refused = await script(token).query("workspaces.get", { workspaceId: given.world.workspaceId })
    expect(refused.status).toBe(401)
    expect(((await refused.json()) as TrpcErrorBody).error.message).toBe(INVALID_API_TOKEN_MESSAGE)
    const listed = await given.world.as("admin").must<{ tokens: { userId: string }[] }>("query", "apiTokens.list", { workspaceId: given.world.workspaceId })
    expect(listed.tokens.map((listedToken) => listedToken.userId)).not.toContain(userId)
  })

  it("cannot remove members, not even an owner's token (a leaked token must not lock out the people who could revoke it)", async () => {
    const { userId } = await given.world.join("owner")
    const token = await tokenOf(given.world.as("owner"), "owner")
    const removal = await script(token).mutate("members.remove", { workspaceId: given.world.workspaceId, userId })
    expect(removal.status).toBe(403)
    expect(((await removal.json()) as TrpcErrorBody).error.message).toBe(BROWSER_ONLY_MESSAGE)
  })

  it("leaves other Authorization schemes to the cookie (a proxy's Basic sign-in, or the JWT it passes on)", async () => {
    const owner = given.world.as("owner")
    for (const authorization of ["Basic dXNlcjpwYXNz", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln"]) {
      const reply = await owner.request(`/api/trpc/workspaces.get?input=${encodeURIComponent(JSON.stringify({ workspaceId: given.world.workspaceId }))}`, {
        headers: { authorization },
      })
      expect(reply.status, authorization).toBe(200)
    }
  })

  it("is ignored by pages: a bearer alone on an HTML page is a signed-out visit", async () => {
    const token = await tokenOf(given.world.as("member"), "member")
    const page = await script(token).get("/account")
    expect(page.status).toBe(302)
    expect(page.headers.get("location")).toMatch(/^\/onboarding\?returnTo=/)
  })

  it("records its use: lastUsedAt moves from never to a time", async () => {
    const member = given.world.as("member")
    const token = await tokenOf(member, "member")
    // Newest first: the token just made.
    const newest = async () =>
      (await member.must<{ tokens: { lastUsedAt: string | null }[] }>("query", "apiTokens.list", { workspaceId: given.world.workspaceId })).tokens[0]!
    expect((await newest()).lastUsedAt).toBeNull()
    expect((await script(token).query("workspaces.get", { workspaceId: given.world.workspaceId })).status).toBe(200)
    expect((await newest()).lastUsedAt).not.toBeNull()
  })
})
