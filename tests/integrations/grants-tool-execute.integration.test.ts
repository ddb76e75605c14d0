// An agent's credentialed tool calls through the real POST /api/internal/tool-execute route, with
// the real local secret store and the fake HTTPS provider: a static tool is sent with this app's
// stored secrets only as its templates place them (asserted at the provider), and until they are
// stored — or for another app, whose key is its own — it answers labelled mock data naming what is
// missing; an OAuth tool gets the triggering person's bearer from the real token broker (refreshed
// inside the call at the provider's token endpoint when it expired), or a refusal the agent can
// pass on (connect, reconnect, try again). No value appears in an answer or an audit record.

import { randomBytes } from "node:crypto"
import { describe, expect, it } from "vitest"
import type { CustomTool } from "#shared/agents/agents-config.ts"
import { newId } from "#shared/ids.ts"
import { oauthConnections, oauthProviders } from "#app/integrations/integration-collections.server.ts"
import { agentRuns } from "#app/agents/agent-run-collections.server.ts"
import { apps, auditEvents, type AppDocument } from "#app/store/collections.server.ts"
import { PROVIDER_HOST } from "#tests/fixtures/fake-https-provider.ts"
import { agentsWith, staticEntry, ticketTool, useGrantsWorld } from "./grants-world.ts"

const g = useGrantsWorld()
const { the, sync, setSecret } = g

const canary = (label: string) => `${label}-${randomBytes(12).toString("hex")}`

/** An admin-approved app whose support agent has `tools`, with a builder turn in progress (to sync) and a running agent run. */
async function liveApp(...tools: CustomTool[]) {
  const { app, hash } = await the.approvedApp("admin", agentsWith(...tools))
  return { app, run: await the.runningAgent(app, hash) }
}

const everythingAbout = async (app: AppDocument) =>
  JSON.stringify(await the.store().collection(auditEvents).findMany({ workspaceId: app.workspaceId, targetId: app.id }))

describe("a static tool", () => {
  it("answers labelled mock data naming what is not set up, until this app's secrets are stored, then sends them only where its templates put them", async () => {
    const { app, run } = await liveApp(ticketTool())
    const before = the.provider.requests.length
    expect((await the.callTool(run, "list_tickets", { email: "ada@example.com" })).body.result).toEqual({
      mock: true,
      mockReason: `Integration ${PROVIDER_HOST} is not set up yet: this app has no key "default" for it (the builder presents integration-setup.json, then an admin sets it up in Settings → Integrations); using mock data`,
      status: null,
      body: { tickets: ["mock"] },
    })
    await sync(app, { integrations: [staticEntry()] })
    const apiKey = canary("api-key")
    const region = canary("region")
    expect((await the.callTool(run, "list_tickets", { email: "ada@example.com" })).body.result).toMatchObject({
      mock: true,
      mockReason: `Integration ${PROVIDER_HOST} is not set up yet: the secrets API_KEY, REGION are not stored for this app's key "default" (an admin sets it up in Settings → Integrations); using mock data`,
    })
    await setSecret(app, "API_KEY", apiKey)
    // REGION is optional for the key, but this tool uses it: the call still waits for it.
    expect((await the.callTool(run, "list_tickets", { email: "ada@example.com" })).body.result).toMatchObject({
      mock: true,
      mockReason: expect.stringContaining("the secret REGION is not stored"),
    })
    expect(the.provider.requests.length, "nothing reached the provider while mocked").toBe(before)

    await setSecret(app, "REGION", region)
    const answer = await the.callTool(run, "list_tickets", { email: "ada@example.com" })
    expect(answer).toEqual({ status: 200, body: { result: { mock: false, mockReason: null, status: 200, body: { tickets: [{ id: "T-1", subject: "Cannot log in" }], keyHeaderPresent: true } } } })
    const sent = the.provider.requests.at(-1)!
    expect(sent.headers["x-api-key"]).toBe(apiKey)
    const url = new URL(sent.path, "https://provider.test")
    expect(Object.fromEntries(url.searchParams)).toEqual({ email: "ada@example.com", region })
    // Only there: not in another header, not in the body.
    const elsewhere = JSON.stringify({ ...sent.headers, "x-api-key": undefined }) + sent.body
    expect(elsewhere).not.toContain(apiKey)
    expect(elsewhere).not.toContain(region)
    const audit = await everythingAbout(app)
    expect(audit).toContain('"tool.executed"')
    for (const value of [apiKey, region]) {
      expect(JSON.stringify(answer)).not.toContain(value)
      expect(audit).not.toContain(value)
    }
  })

  it("never uses another app's secrets, even for the same domain and key slug", async () => {
    const owner = await liveApp(ticketTool())
    await sync(owner.app, { integrations: [staticEntry()] })
    const apiKey = canary("owner-key")
    await setSecret(owner.app, "API_KEY", apiKey)
    await setSecret(owner.app, "REGION", "eu")
    const other = await liveApp(ticketTool())
    const before = the.provider.requests.length
    // No key at all for the other app.
    expect((await the.callTool(other.run, "list_tickets", { email: "ada@example.com" })).body.result).toMatchObject({ mock: true, mockReason: expect.stringContaining('this app has no key "default"') })
    // Its own key, synced but with nothing stored: still not the owner's values.
    await sync(other.app, { integrations: [staticEntry()] })
    const answer = await the.callTool(other.run, "list_tickets", { email: "ada@example.com" })
    expect(answer.body.result).toMatchObject({ mock: true, mockReason: expect.stringContaining("the secrets API_KEY, REGION are not stored") })
    expect(the.provider.requests.length).toBe(before)
    expect(JSON.stringify(answer)).not.toContain(apiKey)
    // The owner's own call goes out with its key.
    expect((await the.callTool(owner.run, "list_tickets", { email: "ada@example.com" })).body.result).toMatchObject({ mock: false, status: 200 })
    expect(the.provider.requests.at(-1)?.headers["x-api-key"]).toBe(apiKey)
  })

  it("answers mock data, saying why, when the app's key is set up for another auth type", async () => {
    const { app, run } = await liveApp(ticketTool())
    await sync(app, { integrations: [{ ...staticEntry({ secrets: [] }), auth: { type: "none" } }] })
    expect((await the.callTool(run, "list_tickets", { email: "ada@example.com" })).body.result).toMatchObject({
      mock: true,
      mockReason: expect.stringMatching(/is set up for auth "none" \(key "default"\), but this tool uses "static"/),
    })
  })
})

describe("an OAuth tool", () => {
  /** A GET of /tickets on the fake provider as the person, through the OAuth client saved as `providerKey`. */
  const oauthTool = (providerKey = "people"): CustomTool => ({
    type: "custom",
    name: "my_profile",
    description: "The person's profile.",
    integration: {
      name: "Provider",
      domain: PROVIDER_HOST,
      keySlug: providerKey,
      auth: {
        type: "oauth2",
        providerKey,
        identity: "triggering_user",
        authorizationUrl: "https://provider.test/authorize",
        tokenUrl: `https://provider.test/token-${providerKey}`,
        scopes: ["profile.read"],
        tokenAuthMethod: "client_secret_post",
      },
    },
    endpoint: { method: "GET", url: `https://${PROVIDER_HOST}/tickets` },
    mockData: [{ name: "Mock Ada" }],
  })

  /** The workspace's OAuth client for `providerKey`, as Settings → Integrations stores one; its token endpoint is /token-<providerKey>. */
  async function saveProvider(workspaceId: string, providerKey = "people", clientSecret = canary("client-secret")) {
    const at = new Date().toISOString()
    const id = newId()
    await the.store().collection(oauthProviders).insert({
      id,
      workspaceId,
      providerKey,
      displayName: providerKey,
      clientId: "client-1",
      clientSecretRef: await g.secrets.put({ workspaceId, purpose: "oauth_client_secret" }, clientSecret),
      authorizationUrl: "https://provider.test/authorize",
      tokenUrl: `https://provider.test/token-${providerKey}`,
      revocationUrl: null,
      tokenAuthMethod: "client_secret_post",
      authorizationParams: {},
      createdByUserId: the.world.people.admin.id,
      createdAt: at,
      updatedByUserId: the.world.people.admin.id,
      updatedAt: at,
    })
    return id
  }

  /** The person's connection, as the connect callback stores one: an access token (fresh unless `expired`) and maybe a refresh token. */
  async function connect(
    workspaceId: string,
    userId: string,
    providerId: string,
    tokens: { providerKey?: string; access: string; refresh?: string; expired?: boolean; status?: "connected" | "reconnect_needed" },
  ) {
    const at = new Date()
    const put = (purpose: "oauth_access_token" | "oauth_refresh_token", value: string) => g.secrets.put({ workspaceId, purpose }, value)
    await the.store().collection(oauthConnections).insert({
      id: newId(),
      workspaceId,
      userId,
      providerKey: tokens.providerKey ?? "people",
      providerId,
      status: tokens.status ?? "connected",
      grantedScopes: ["profile.read"],
      refreshTokenRef: tokens.refresh === undefined ? null : await put("oauth_refresh_token", tokens.refresh),
      accessTokenRef: await put("oauth_access_token", tokens.access),
      accessTokenExpiresAt: new Date(at.getTime() + (tokens.expired ? -1_000 : 3_600_000)).toISOString(),
      connectedAt: at.toISOString(),
      lastRefreshAt: null,
      lastErrorCode: null,
      updatedAt: at.toISOString(),
    })
  }

  /** The provider's token endpoint for `providerKey`: each refresh request's form, answered by `answer`. */
  function tokenEndpoint(providerKey: string, answer: (form: URLSearchParams) => { status: number; body: unknown }) {
    const forms: URLSearchParams[] = []
    the.provider.route(`/token-${providerKey}`, (request, response) => {
      const form = new URLSearchParams(request.body)
      forms.push(form)
      const { status, body } = answer(form)
      response.writeHead(status, { "content-type": "application/json" })
      response.end(JSON.stringify(body))
    })
    return forms
  }

  it("answers mock data until the provider is configured, then refuses until the person connects, then sends their bearer", async () => {
    const { app, run } = await liveApp(oauthTool())
    const before = the.provider.requests.length
    expect((await the.callTool(run, "my_profile", {})).body.result).toEqual({
      mock: true,
      mockReason: "Integration people is not set up yet in Settings → Integrations (no OAuth client saved for it); using mock data",
      status: null,
      body: { name: "Mock Ada" },
    })
    const providerId = await saveProvider(app.workspaceId)
    const refused = await the.callTool(run, "my_profile", {})
    expect(refused).toEqual({
      status: 403,
      body: { error: { code: "oauth_not_connected", message: "The person this runs as has not connected people: they must connect people in Settings → Connected apps, then try again." } },
    })
    expect(the.provider.requests.length).toBe(before)
    const failed = (await the.toolAudit(app)).at(-1)
    expect(failed).toMatchObject({ action: "tool.failed", actorUserId: run.triggeredByUserId, after: { tool: "my_profile", status: 403, code: "oauth_not_connected" } })

    const token = canary("access-token")
    await connect(app.workspaceId, run.triggeredByUserId, providerId, { access: token })
    const answer = await the.callTool(run, "my_profile", {})
    expect(answer.body.result).toMatchObject({ mock: false, status: 200 })
    expect(the.provider.requests.at(-1)?.headers.authorization).toBe(`Bearer ${token}`)
    expect(JSON.stringify(answer)).not.toContain(token)
    expect(await everythingAbout(app)).not.toContain(token)
  })

  it("refreshes an expired token inside the call, sending the new one, with no token in the answer or the audit", async () => {
    const { app, run } = await liveApp(oauthTool("refreshing"))
    const clientSecret = canary("client-secret")
    const [stale, refresh, fresh, rotated] = [canary("stale"), canary("refresh"), canary("fresh"), canary("rotated")]
    const forms = tokenEndpoint("refreshing", () => ({ status: 200, body: { access_token: fresh, token_type: "Bearer", expires_in: 3600, refresh_token: rotated, scope: "profile.read" } }))
    await connect(app.workspaceId, run.triggeredByUserId, await saveProvider(app.workspaceId, "refreshing", clientSecret), { providerKey: "refreshing", access: stale, refresh, expired: true })
    const answer = await the.callTool(run, "my_profile", {})
    expect(answer.body.result).toMatchObject({ mock: false, status: 200 })
    expect(forms.map((form) => [form.get("grant_type"), form.get("refresh_token"), form.get("client_secret")])).toEqual([["refresh_token", refresh, clientSecret]])
    expect(the.provider.requests.at(-1)?.headers.authorization).toBe(`Bearer ${fresh}`)
    const said = JSON.stringify(answer) + (await everythingAbout(app))
    for (const value of [clientSecret, stale, refresh, fresh, rotated]) expect(said).not.toContain(value)
  })

  it("fails retryably when the token endpoint is down, and asks the person to reconnect when it refuses the refresh token", async () => {
    const { app, hash } = await the.approvedApp("admin", agentsWith(oauthTool("flaky"), { ...oauthTool("revoked"), name: "revoked_profile" }))
    const run = await the.runningAgent(app, hash)
    tokenEndpoint("flaky", () => ({ status: 503, body: { error: "temporarily_unavailable" } }))
    tokenEndpoint("revoked", () => ({ status: 400, body: { error: "invalid_grant", error_description: "Token revoked" } }))
    for (const providerKey of ["flaky", "revoked"]) {
      await connect(app.workspaceId, run.triggeredByUserId, await saveProvider(app.workspaceId, providerKey), { providerKey, access: canary("stale"), refresh: canary("refresh"), expired: true })
    }
    const before = the.provider.requests.filter((request) => request.path === "/tickets").length
    const down = await the.callTool(run, "my_profile", {})
    expect(down).toEqual({ status: 502, body: { error: { code: "oauth_refresh_failed", message: "The flaky access token could not be read or refreshed just now." } } })
    const revoked = await the.callTool(run, "revoked_profile", {})
    expect(revoked).toEqual({
      status: 403,
      body: { error: { code: "oauth_reconnect_needed", message: "The revoked connection of the person this runs as stopped working: they must reconnect revoked in Settings → Connected apps, then try again." } },
    })
    expect(the.provider.requests.filter((request) => request.path === "/tickets").length, "the API was never called without a token").toBe(before)
    expect((await the.toolAudit(app)).map((event) => [event.action, event.after?.["code"]]).sort()).toEqual([
      ["tool.failed", "oauth_reconnect_needed"],
      ["tool.failed", "oauth_refresh_failed"],
    ])
  })

  it("refuses with what the person must do when their connection needs reconnecting", async () => {
    const { app, hash } = await the.approvedApp("admin", agentsWith(oauthTool()))
    // A collaborator of the app triggers the agent: their own connection is the one used.
    const collaborator = the.world.people.otherMember.id
    await the.store().collection(apps).updateOne({ id: app.id }, { collaboratorUserIds: [collaborator] })
    const provider = (await the.store().collection(oauthProviders).findOne({ workspaceId: app.workspaceId, providerKey: "people" })) ?? { id: await saveProvider(app.workspaceId) }
    await connect(app.workspaceId, collaborator, provider.id, { access: canary("stale"), status: "reconnect_needed" })
    const run = await the.runningAgent(app, hash)
    await the.store().collection(agentRuns).updateOne({ id: run.id }, { triggeredByUserId: collaborator })
    const before = the.provider.requests.length
    expect(await the.callTool({ ...run, triggeredByUserId: collaborator }, "my_profile", {})).toEqual({
      status: 403,
      body: { error: { code: "oauth_reconnect_needed", message: "The people connection of the person this runs as stopped working: they must reconnect people in Settings → Connected apps, then try again." } },
    })
    expect(the.provider.requests.length).toBe(before)
    expect((await the.toolAudit(app)).at(-1)).toMatchObject({ action: "tool.failed", actorUserId: collaborator, after: { code: "oauth_reconnect_needed", status: 403 } })
  })

  it("answers mock data when the app's key for it is set up for static secrets", async () => {
    const { app, run } = await liveApp(oauthTool())
    await sync(app, { integrations: [staticEntry({ keySlug: "people" })] })
    expect((await the.callTool(run, "my_profile", {})).body.result).toMatchObject({
      mock: true,
      mockReason: expect.stringMatching(/is set up for auth "static" \(key "people"\), but this tool uses "oauth2"/),
    })
  })
})
