// Settings → Integrations' OAuth clients through tRPC (createCaller, real authorization, real
// SQLite, the real local secret store): the secret is write-only, kept when left blank, required
// for a confidential client; URLs, keys and parameters are checked before anything is written;
// deleting a client takes its connections and every secret with it.

import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { newId } from "#shared/ids.ts"
import { oauthConnections, oauthProviders } from "#app/integrations/integration-collections.server.ts"
import { storedSecrets } from "#app/secrets/secret-collections.server.ts"
import { auditEvents } from "#app/store/collections.server.ts"
import { refusal } from "#tests/agents/agents-turns.ts"
import { createOAuthWorld, PROVIDER_KEY, type OAuthWorld } from "./oauth-world.ts"

let world: OAuthWorld
beforeAll(async () => {
  world = await createOAuthWorld()
  await world.grantApp(["mail.read"], "google")
})
afterAll(async () => {
  await world?.close()
})

const store = () => world.services.store
const admin = () => world.caller(world.people.admin)
const base = () => ({
  workspaceId: world.workspaceId,
  providerKey: "google",
  displayName: "Google",
  clientId: "client-123.apps.example.com",
  authorizationUrl: "https://accounts.example.com/o/oauth2/v2/auth",
  tokenUrl: "https://oauth2.example.com/token",
  tokenAuthMethod: "client_secret_post" as const,
})

describe("oauthProviders", () => {
  it("lists the redirect URI, the secret store, and the providers the apps need before any is saved", async () => {
    const page = await admin().oauthProviders.list({ workspaceId: world.workspaceId })
    expect(page.redirectUri).toBe("http://second.test:4198/api/oauth/callback")
    expect(page.secretStore).toEqual({ kind: "local", ready: true, message: null })
    expect(page.providers).toEqual([])
    expect(page.needed).toEqual([expect.objectContaining({ providerKey: "google", configured: false, scopes: ["mail.read"], apps: [expect.objectContaining({ name: "Inbox helper" })] })])
  })

  it("saves with a write-only secret, keeps it when left blank, and audits without it", async () => {
    const secret = "client-secret-value-0001"
    const created = await admin().oauthProviders.save({ ...base(), clientSecret: secret, authorizationParams: { access_type: "offline" } })
    expect(created).toMatchObject({ providerKey: "google", hasClientSecret: true, revocationUrl: null, authorizationParams: { access_type: "offline" }, updatedByName: "grace", connectionCount: 0 })
    expect(JSON.stringify(created)).not.toContain(secret)
    const kept = await admin().oauthProviders.save({ ...base(), displayName: "Google Workspace", clientSecret: "" })
    expect(kept.hasClientSecret).toBe(true)
    const page = await admin().oauthProviders.list({ workspaceId: world.workspaceId })
    expect(JSON.stringify(page)).not.toContain(secret)
    expect(page.needed[0]!.configured).toBe(true)

    const document = await store().collection(oauthProviders).findOne({ workspaceId: world.workspaceId, providerKey: "google" })
    expect(await world.services.secrets.get(document!.clientSecretRef!, { workspaceId: world.workspaceId, purpose: "oauth_client_secret" })).toBe(secret)
    const audits = await store().collection(auditEvents).findMany({ workspaceId: world.workspaceId, action: "integration.provider_saved" }, { sort: [["occurredAt", 1]] })
    const origins = { clientId: "client-123.apps.example.com", authorizationOrigin: "https://accounts.example.com", tokenOrigin: "https://oauth2.example.com", revocationOrigin: null }
    expect(audits.map((audit) => audit.after)).toEqual([
      { providerKey: "google", created: true, secretChanged: true, clientChanged: false, reconnectRequired: 0, ...origins },
      { providerKey: "google", created: false, secretChanged: false, clientChanged: false, reconnectRequired: 0, ...origins },
    ])
    expect(audits.map((audit) => audit.before)).toEqual([null, origins])
    expect(JSON.stringify(await store().collection(auditEvents).findMany({}))).not.toContain(secret)

    // A new secret replaces the value behind the same ref.
    await admin().oauthProviders.save({ ...base(), clientSecret: "client-secret-value-0002" })
    expect(await world.services.secrets.get(document!.clientSecretRef!, { workspaceId: world.workspaceId, purpose: "oauth_client_secret" })).toBe("client-secret-value-0002")
  })

  it("refuses bad input with a message that says what to fix, writing nothing", async () => {
    const writes = async () => [await store().collection(oauthProviders).count({}), await store().collection(storedSecrets).count({}), await store().collection(auditEvents).count({})]
    const before = await writes()
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ providerKey: "Google" }, "providerKey"],
      [{ providerKey: "new-one" }, "clientSecret is required"],
      [{ tokenUrl: "http://oauth2.example.com/token" }, "tokenUrl must use https://"],
      [{ tokenUrl: "http://localhost:9/token" }, "tokenUrl must use https://"],
      [{ authorizationUrl: "http://accounts.example.com/auth" }, "http:// is accepted only for localhost"],
      [{ authorizationUrl: "javascript:alert(1)" }, "authorizationUrl must use https://"],
      [{ authorizationUrl: "https://user:pw@accounts.example.com/auth" }, "credentials"],
      [{ revocationUrl: "not a url" }, "revocationUrl must be a full URL"],
      [{ authorizationParams: { state: "x" } }, "may not set"],
      [{ authorizationParams: { ok: "line\nbreak" } }, "control characters"],
      [{ tokenAuthMethod: "private_key_jwt" }, "tokenAuthMethod must be one of"],
      [{ displayName: "" }, "displayName must not be empty"],
      [{ clientId: "has space" }, "clientId"],
      [{ clientSecret: "x".repeat(16 * 1024 + 1) }, "clientSecret must be at most"],
    ]
    for (const [change, message] of cases) {
      const error = await refusal(admin().oauthProviders.save({ ...base(), ...change } as Parameters<ReturnType<typeof admin>["oauthProviders"]["save"]>[0]))
      expect(error.code, JSON.stringify(change)).toBe("BAD_REQUEST")
      expect(error.message, JSON.stringify(change)).toContain(message)
    }
    expect(await writes()).toEqual(before)
  })

  it("is for admins: a member is refused (403), another workspace's person does not see the workspace (404)", async () => {
    const member = world.caller(world.people.member)
    expect((await refusal(member.oauthProviders.list({ workspaceId: world.workspaceId }))).code).toBe("FORBIDDEN")
    expect((await refusal(member.oauthProviders.save({ ...base(), clientSecret: "x" }))).code).toBe("FORBIDDEN")
    const stranger = world.caller(await world.newMember())
    expect((await refusal(stranger.oauthProviders.list({ workspaceId: newId() }))).code).toBe("NOT_FOUND")
  })

  it("a public client (none) keeps no secret; switching to it deletes the stored one", async () => {
    await admin().oauthProviders.save({ ...base(), providerKey: "public-one", clientSecret: "will-go-away" })
    const before = await store().collection(oauthProviders).findOne({ providerKey: "public-one" })
    const saved = await admin().oauthProviders.save({ ...base(), providerKey: "public-one", tokenAuthMethod: "none" })
    expect(saved.hasClientSecret).toBe(false)
    expect(await world.services.secrets.get(before!.clientSecretRef!, { workspaceId: world.workspaceId, purpose: "oauth_client_secret" })).toBeNull()
  })

  it("delete takes the client, its connections and every secret, and says how many connections went", async () => {
    await world.saveProvider(PROVIDER_KEY)
    await world.connect(await world.browser(world.people.member))
    await world.connect(await world.browser(world.people.otherMember))
    const provider = await store().collection(oauthProviders).findOne({ providerKey: PROVIDER_KEY })
    const connections = await store().collection(oauthConnections).findMany({ providerKey: PROVIDER_KEY })
    expect(connections).toHaveLength(2)
    expect((await admin().oauthProviders.list({ workspaceId: world.workspaceId })).providers.find((view) => view.providerKey === PROVIDER_KEY)!.connectionCount).toBe(2)
    expect(await admin().oauthProviders.delete({ workspaceId: world.workspaceId, providerKey: PROVIDER_KEY })).toEqual({ deleted: true, connectionsRemoved: 2 })
    const refs = [provider!.clientSecretRef!, ...connections.flatMap((connection) => [connection.refreshTokenRef!, connection.accessTokenRef!])]
    for (const ref of refs) expect(await store().collection(storedSecrets).findOne({ id: ref.slice("local:".length) })).toBeNull()
    expect(await store().collection(oauthConnections).count({ providerKey: PROVIDER_KEY })).toBe(0)
    expect(await store().collection(auditEvents).findOne({ action: "integration.provider_deleted" })).toMatchObject({ before: { providerKey: PROVIDER_KEY }, after: { connectionsRemoved: 2 } })
    expect(await admin().oauthProviders.delete({ workspaceId: world.workspaceId, providerKey: PROVIDER_KEY })).toEqual({ deleted: false, connectionsRemoved: 0 })
  })
})
