// Connect, end to end at the HTTP level: connections.start through the tRPC resource route, the
// fake provider's consent followed with a plain HTTPS client, /api/oauth/callback with the same
// session cookie. And every way the attempt must be refused — replayed, expired, another browser
// session or person, a PKCE verifier that does not match, a missing code — with nothing stored.

import { readFileSync } from "node:fs"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { hashToken } from "#shared/crypto/token-hash.ts"
import { CALLBACK_PAGE_REFUSALS, PAGE_REFUSALS, type CallbackPageRefusal } from "#app/integrations/oauth/callback-refusals.ts"
import { attemptKey, connectAttemptSchema, startConnection } from "#app/integrations/oauth/connect-start.server.ts"
import { oauthConnections, oauthProviders } from "#app/integrations/integration-collections.server.ts"
import { storedSecrets } from "#app/secrets/secret-collections.server.ts"
import { auditEvents, memberships } from "#app/store/collections.server.ts"
import { findWorkspaceMembership } from "#app/workspaces/workspaces.server.ts"
import { eventually } from "#tests/fixtures/eventually.ts"
import { Browser, createOAuthWorld, PROVIDER_KEY, type OAuthWorld } from "./oauth-world.ts"

let world: OAuthWorld
beforeAll(async () => {
  world = await createOAuthWorld()
  await world.saveProvider()
  await world.grantApp(["mail.read", "mail.send"])
})
afterAll(async () => {
  await world?.close()
})

const store = () => world.services.store
const callbackOf = (location: string) => {
  const url = new URL(location)
  return `${url.pathname}${url.search}`
}

/** A refusal before the attempt is known to be this browser's: a 303 to the not-completed page, which words the code. */
function expectNotCompleted(response: Response, reason: CallbackPageRefusal, what: string = reason) {
  expect(response.status, what).toBe(303)
  expect(response.headers.get("location"), what).toBe(`/oauth/not-completed?reason=${reason}`)
  expect(response.headers.get("x-oauth-refusal"), what).toBe(reason)
  expect(response.headers.get("cache-control"), what).toBe("no-store")
}

async function nothingStoredFor(browser: Browser) {
  expect(await world.connection(browser.user)).toBeNull()
  expect(await store().collection(auditEvents).count({ workspaceId: world.workspaceId, action: "oauth.connected", actorUserId: browser.user.id })).toBe(0)
}

describe("connect round trip", () => {
  it("stores the connection with token refs only, requests the grants' scopes with PKCE S256, and 303s back", async () => {
    const browser = await world.browser(world.people.member)
    const started = await browser.trpc<{ authorizationUrl: string }>("mutation", "connections.start", { workspaceId: world.workspaceId, providerKey: PROVIDER_KEY })
    const authorize = new URL(started.data!.authorizationUrl)
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256")
    expect(authorize.searchParams.get("scope")).toBe("mail.read mail.send")
    expect(authorize.searchParams.get("access_type")).toBe("offline")
    expect(authorize.searchParams.get("redirect_uri")).toBe("http://second.test:4198/api/oauth/callback")

    // The attempt is stored under a hash of the state, bound to a hash of this session.
    const state = authorize.searchParams.get("state")!
    const attempt = connectAttemptSchema.parse(JSON.parse((await world.services.live.getKey(attemptKey(state)))!))
    expect(attempt.sessionHash).toBe(hashToken(browser.sessionId))
    expect(await world.services.live.ttl(attemptKey(state))).toBeGreaterThan(9 * 60 * 1000)

    const consent = await world.provider.visit(started.data!.authorizationUrl)
    const response = await browser.get(callbackOf(consent.location!))
    expect(response.status).toBe(303)
    expect(response.headers.get("location")).toBe(`/w/${world.workspaceId}/settings/connected-apps?connected=${PROVIDER_KEY}`)

    const connection = await world.connection(browser.user)
    expect(connection).toMatchObject({ status: "connected", grantedScopes: ["mail.read", "mail.send"] })
    expect(connection!.refreshTokenRef).toMatch(/^local:/)
    expect(connection!.accessTokenRef).toMatch(/^local:/)
    // The attempt is used up.
    expect(await world.services.live.getKey(attemptKey(state))).toBeNull()

    // No issued token and no client secret anywhere in the store in plain text: documents, envelopes, the SQLite file.
    const everything = JSON.stringify([
      await store().collection(oauthConnections).findMany({}),
      await store().collection(oauthProviders).findMany({}),
      await store().collection(storedSecrets).findMany({}),
      await store().collection(auditEvents).findMany({}),
    ])
    const file = readFileSync(world.file).toString("latin1")
    for (const value of [...world.provider.issuedTokens, world.provider.client.clientSecret]) {
      expect(everything).not.toContain(value)
      expect(file).not.toContain(value)
    }
    const audit = await store().collection(auditEvents).findOne({ workspaceId: world.workspaceId, action: "oauth.connected", actorUserId: browser.user.id })
    expect(audit).toMatchObject({ targetType: "oauth_provider", targetId: PROVIDER_KEY, after: { providerKey: PROVIDER_KEY, scopes: ["mail.read", "mail.send"] } })

    const listed = await world.caller(world.people.member).connections.list({ workspaceId: world.workspaceId })
    expect(listed.connections).toEqual([
      expect.objectContaining({ providerKey: PROVIDER_KEY, configured: true, status: "connected", missingScopes: [], requiredScopes: ["mail.read", "mail.send"], apps: [expect.objectContaining({ name: "Inbox helper" })] }),
    ])
  })

  it("goes back to a returnTo under the workspace, and refuses any other", async () => {
    const browser = await world.browser(world.people.otherMember)
    const returnTo = `/w/${world.workspaceId}/apps/x?tab=1`
    const response = await browser.get((await world.consented(browser, PROVIDER_KEY, { returnTo })).callback)
    expect(response.headers.get("location")).toBe(`/w/${world.workspaceId}/apps/x?tab=1&connected=${PROVIDER_KEY}`)
    for (const bad of ["https://evil.example/", "//evil.example", `/w/${world.workspaceId}/..//evil.example`, "/w/000000000000000000000000/settings", `/w/${world.workspaceId}`]) {
      const refused = await browser.trpc("mutation", "connections.start", { workspaceId: world.workspaceId, providerKey: PROVIDER_KEY, returnTo: bad })
      expect(refused.status, bad).toBe(400)
      expect(refused.error!.message).toContain("returnTo")
    }
  })
})

describe("refused callbacks store nothing", () => {
  it("a replayed callback (the state is taken once)", async () => {
    const browser = await world.browser(await world.newMember())
    const { callback } = await world.consented(browser)
    expect((await browser.get(callback)).status).toBe(303)
    await store().collection(oauthConnections).deleteMany({ userId: browser.user.id })
    const exchanges = world.provider.counts.codeExchanges
    const replay = await browser.get(callback)
    expectNotCompleted(replay, "expired")
    expect(PAGE_REFUSALS.expired).toContain("expired or was already used")
    expect(world.provider.counts.codeExchanges).toBe(exchanges)
    expect(await world.connection(browser.user)).toBeNull()
  })

  it("an expired attempt", async () => {
    const browser = await world.browser(await world.newMember())
    const member = await findWorkspaceMembership(world.services, world.workspaceId, browser.user.id)
    const viewer = { user: browser.user, session: { id: browser.sessionId, userId: browser.user.id, authMode: "none" as const, createdAt: "", expiresAt: "", lastSeenAt: "", userAgent: "" } }
    const { authorizationUrl } = await startConnection(world.services, { user: browser.user, ...member! }, viewer, { providerKey: PROVIDER_KEY }, { ttlMs: 50 })
    const state = new URL(authorizationUrl).searchParams.get("state")!
    const consent = await world.provider.visit(authorizationUrl)
    await eventually(async () => (await world.services.live.getKey(attemptKey(state))) === null)
    const response = await browser.get(callbackOf(consent.location!))
    expectNotCompleted(response, "expired")
    await nothingStoredFor(browser)
  })

  it("another browser session of the same person, or another person: refused, and the real one still completes", async () => {
    const browser = await world.browser(await world.newMember())
    const { callback } = await world.consented(browser)
    const sameUserOtherSession = await world.browser(browser.user)
    const otherPerson = await world.browser(world.people.admin)
    for (const stranger of [sameUserOtherSession, otherPerson]) {
      const response = await stranger.get(callback)
      expectNotCompleted(response, "other_session")
      await nothingStoredFor(stranger)
    }
    // Signed out: no session at all.
    const signedOut = new Browser(browser.user, "", "", () => world.services)
    expect((await signedOut.get(callback)).headers.get("x-oauth-refusal")).toBe("other_session")
    // None of them used the attempt up.
    const state = new URL(callback, "http://x").searchParams.get("state")!
    expect(await world.services.live.getKey(attemptKey(state))).not.toBeNull()
    await nothingStoredFor(browser)
    expect((await browser.get(callback)).status).toBe(303)
    expect(await world.connection(browser.user)).not.toBeNull()
  })

  it("a PKCE verifier that does not match the challenge (tampered attempt): the provider refuses the code", async () => {
    const browser = await world.browser(await world.newMember())
    const { callback, state } = await world.consented(browser)
    const key = attemptKey(state)
    const attempt = connectAttemptSchema.parse(JSON.parse((await world.services.live.getKey(key))!))
    await world.services.live.setKey(key, JSON.stringify({ ...attempt, codeVerifier: `${attempt.codeVerifier.slice(0, -4)}AAAA` }), { ttlMs: 60_000 })
    const response = await browser.get(callback)
    expect(response.status).toBe(303)
    expect(response.headers.get("location")).toBe(`/w/${world.workspaceId}/settings/connected-apps?oauth_error=token_exchange_failed`)
    await nothingStoredFor(browser)
  })

  it("a tampered code, a missing code, and a provider refusal", async () => {
    const browser = await world.browser(await world.newMember())
    const cases: Array<[(url: URL) => void, string]> = [
      [(url) => url.searchParams.set("code", `${url.searchParams.get("code")}x`), "token_exchange_failed"],
      [(url) => url.searchParams.delete("code"), "missing_code"],
      [(url) => (url.searchParams.delete("code"), url.searchParams.set("error", "access_denied")), "access_denied"],
    ]
    for (const [tamper, code] of cases) {
      const { callback } = await world.consented(browser)
      const url = new URL(callback, "http://x")
      tamper(url)
      const response = await browser.get(`${url.pathname}${url.search}`)
      expect(response.status, code).toBe(303)
      expect(response.headers.get("location")).toContain(`oauth_error=${code}`)
      await nothingStoredFor(browser)
    }
  })

  it("an unknown state or none", async () => {
    const browser = await world.browser(await world.newMember())
    const cases: Array<[string, CallbackPageRefusal]> = [
      ["/api/oauth/callback?state=nope&code=x", "expired"],
      ["/api/oauth/callback?code=x", "missing_state"],
      ["/api/oauth/callback", "missing_state"],
      [`/api/oauth/callback?state=${"s".repeat(513)}&code=x`, "missing_state"],
    ]
    for (const [path, reason] of cases) expectNotCompleted(await browser.get(path), reason, path)
    await nothingStoredFor(browser)
  })

  it("a person removed from the workspace while at the provider: not_member, nothing stored", async () => {
    const browser = await world.browser(await world.newMember())
    const { callback } = await world.consented(browser)
    await store().collection(memberships).deleteMany({ workspaceId: world.workspaceId, userId: browser.user.id })
    expectNotCompleted(await browser.get(callback), "not_member")
    await nothingStoredFor(browser)
  })

  it("the refusal codes the not-completed page reads each have a sentence", () => {
    expect(Object.keys(PAGE_REFUSALS).sort()).toEqual([...CALLBACK_PAGE_REFUSALS].sort())
    for (const reason of CALLBACK_PAGE_REFUSALS) expect(PAGE_REFUSALS[reason]).toMatch(/\.$/)
  })

  it("granted scopes short of those required", async () => {
    const browser = await world.browser(await world.newMember())
    world.provider.grantedScopes = ["mail.read"]
    try {
      const { callback } = await world.consented(browser)
      const response = await browser.get(callback)
      expect(response.headers.get("location")).toContain("oauth_error=missing_scopes")
      await nothingStoredFor(browser)
    } finally {
      world.provider.grantedScopes = null
    }
  })
})
