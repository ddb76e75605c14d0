// Settings → Integrations' OAuth clients through tRPC (createCaller, real authorization, real
// SQLite, the real local secret store): the secret is write-only, kept when left blank, required
// for a confidential client; URLs, keys and parameters are checked before anything is written;
// deleting a client takes its connections and every secret with it.

import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { newId } from "#shared/ids.ts"
import { oauthConnections, oauthProviders } from "#app/integrations/integration-collections.server.ts"
import { storedSecrets } from "#app/secrets/secret-collections.server.ts"
import { auditEvents } from "#app/store/collections.server.ts"
import { AppError } from "#app/errors.server.ts"
import { saveProvider } from "#app/integrations/oauth/oauth-providers.server.ts"
import type { WebServices } from "#app/services.server.ts"
import { findWorkspaceMembership } from "#app/workspaces/workspaces.server.ts"
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

  it("refuses bad input with a message in the form's own words, on the field's path, writing nothing", async () => {
    const writes = async () => [await store().collection(oauthProviders).findMany({}), await store().collection(storedSecrets).count({}), await store().collection(auditEvents).count({})]
    const before = await writes()
    const browser = await world.browser(world.people.admin)
    const https = {
      authorization: "Authorization URL must start with https:// (http:// is accepted only for localhost, outside production).",
      token: "Token URL must start with https:// (Second calls it from the server, over HTTPS only).",
    }
    // [change, the message a person sees, the field's path (null: refused by the domain, not a field check)]
    const cases: Array<[Record<string, unknown>, string, string | null]> = [
      [{ providerKey: "Google" }, "Provider key must be lower-case letters, digits and dashes, starting with a letter (at most 48), as the app's auth.providerKey names it.", "providerKey"],
      [{ providerKey: "new-one" }, "Client secret is required for the token auth method client_secret_post; paste the secret from your provider (or choose the token auth method none for a public client).", null],
      [{ tokenUrl: "http://oauth2.example.com/token" }, https.token, "tokenUrl"],
      [{ tokenUrl: "http://localhost:9/token" }, https.token, "tokenUrl"],
      [{ authorizationUrl: "http://accounts.example.com/auth" }, https.authorization, "authorizationUrl"],
      [{ authorizationUrl: "javascript:alert(1)" }, https.authorization, "authorizationUrl"],
      [{ authorizationUrl: "https://user:pw@accounts.example.com/auth" }, "Authorization URL must not contain a user name or password (user:password@); the client secret has its own field.", "authorizationUrl"],
      [{ revocationUrl: "not a url" }, "Revocation URL must be a full URL such as https://oauth2.example.com/revoke.", "revocationUrl"],
      [{ revocationUrl: "https://oauth2.example.com/revoke#x" }, "Revocation URL must not end with a #fragment.", "revocationUrl"],
      [{ authorizationParams: { state: "x" } }, "Extra authorization parameters: state is set by the connect flow itself; remove it (the flow sets response_type, client_id, redirect_uri, state, scope, code_challenge, code_challenge_method).", "authorizationParams"],
      [{ authorizationParams: { ok: "line\nbreak" } }, "Extra authorization parameters: the value of ok must not contain line breaks or other control characters.", "authorizationParams"],
      [{ authorizationParams: { "bad name\n": "x" } }, "Extra authorization parameters: a parameter name may only use letters, digits, _ . and - (at most 64 characters).", "authorizationParams"],
      [{ tokenAuthMethod: "private_key_jwt" }, "Token auth method must be one of client_secret_basic, client_secret_post, none.", "tokenAuthMethod"],
      [{ displayName: "" }, "Display name must not be empty.", "displayName"],
      [{ displayName: "   " }, "Display name must not be empty.", "displayName"],
      [{ clientId: "has space" }, "Client ID must not contain spaces or non-ASCII characters: copy it exactly as your provider shows it.", "clientId"],
      [{ clientSecret: "x".repeat(16 * 1024 + 1) }, "Client secret must be at most 16 KiB.", "clientSecret"],
      // Whitespace only is no secret: refused rather than stored over (or instead of) a working one.
      [{ clientSecret: "   " }, "Client secret is empty: paste the value itself.", "clientSecret"],
      [{ clientSecret: "\n" }, "Client secret is empty: paste the value itself.", "clientSecret"],
      [{ providerKey: "new-two", clientSecret: " \t" }, "Client secret is empty: paste the value itself.", "clientSecret"],
      // Several problems: each stands alone, joined, with no field key in front.
      [{ authorizationUrl: "http://accounts.example.com/auth", tokenUrl: "http://oauth2.example.com/token" }, `${https.authorization}; ${https.token}`, "authorizationUrl"],
    ]
    for (const [change, message, path] of cases) {
      const what = JSON.stringify(change)
      const answer = await browser.trpc("mutation", "oauthProviders.save", { ...base(), ...change })
      expect(answer.status, what).toBe(400)
      expect(answer.error!.message, what).toBe(message)
      if (path === null) expect(answer.error!.data.issues, what).toBeNull()
      else expect(answer.error!.data.issues![0]!.path, what).toBe(path)
    }
    expect(await writes()).toEqual(before)
  })

  it("stores a pasted client secret without its trailing line break", async () => {
    await admin().oauthProviders.save({ ...base(), providerKey: "pasted-secret", clientSecret: "pasted-client-secret\r\n" })
    const document = await store().collection(oauthProviders).findOne({ workspaceId: world.workspaceId, providerKey: "pasted-secret" })
    expect(await world.services.secrets.get(document!.clientSecretRef!, { workspaceId: world.workspaceId, purpose: "oauth_client_secret" })).toBe("pasted-client-secret")
  })

  it("Add another provider (create: true) never replaces a saved client: 409 provider_exists, nothing written", async () => {
    await admin().oauthProviders.save({ ...base(), providerKey: "exists", displayName: "Existing Mail", clientSecret: "working-secret" })
    const writes = async () => [await store().collection(oauthProviders).findMany({}), await store().collection(storedSecrets).findMany({}), await store().collection(auditEvents).count({})]
    const before = await writes()
    const browser = await world.browser(world.people.admin)
    const answer = await browser.trpc("mutation", "oauthProviders.save", { ...base(), providerKey: "exists", displayName: "Replacement", clientId: "another-client", clientSecret: "another-secret", create: true })
    expect(answer.status).toBe(409)
    expect(answer.error).toMatchObject({ message: "Existing Mail (exists) is already set up: change it in its own card above.", data: { code: "CONFLICT", reasonCode: "provider_exists" } })
    expect(await writes()).toEqual(before)
    // Without create, the same key is an edit of the saved client, as before.
    expect(await admin().oauthProviders.save({ ...base(), providerKey: "exists", displayName: "Edited Mail" })).toMatchObject({ displayName: "Edited Mail", hasClientSecret: true })
    // A new key with create: true is simply created.
    expect(await admin().oauthProviders.save({ ...base(), providerKey: "brand-new", clientSecret: "s", create: true })).toMatchObject({ providerKey: "brand-new" })
  })

  it("two Add another provider with the same key at once: one is created, the other gets the same 409 (the unique index decides), its secret not kept", async () => {
    const secretsBefore = await store().collection(storedSecrets).count({})
    const outcomes = await Promise.allSettled(
      ["first-secret", "second-secret"].map((clientSecret) => admin().oauthProviders.save({ ...base(), providerKey: "raced", displayName: "Raced Mail", clientSecret, create: true })),
    )
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1)
    const refused = outcomes.find((outcome) => outcome.status === "rejected")
    expect(refused?.reason).toMatchObject({ code: "CONFLICT", message: "Raced Mail (raced) is already set up: change it in its own card above." })
    expect((refused?.reason as { cause?: { reasonCode?: string } }).cause?.reasonCode).toBe("provider_exists")
    expect(await store().collection(oauthProviders).count({ providerKey: "raced" })).toBe(1)
    // Only the winner's secret is stored.
    expect(await store().collection(storedSecrets).count({})).toBe(secretsBefore + 1)
  })

  it("a create that read no client but lost the insert to one (the race, made deterministic) is the same 409, its secret deleted", async () => {
    await admin().oauthProviders.save({ ...base(), providerKey: "lost-race", displayName: "Winner Mail", clientSecret: "winner-secret" })
    const before = [await store().collection(oauthProviders).findMany({}), await store().collection(storedSecrets).findMany({}), await store().collection(auditEvents).count({})]
    // The create's own lookup sees no client (as if the winner's insert landed just after it);
    // later reads are real.
    let lookups = 0
    const bound = <T extends object>(target: T, prop: string | symbol) => {
      const value = Reflect.get(target, prop, target) as unknown
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value
    }
    const realStore = world.services.store
    const blindStore = new Proxy(realStore, {
      get(target, prop) {
        if (prop !== "collection") return bound(target, prop)
        return (definition: Parameters<typeof realStore.collection>[0]) => {
          const collection = target.collection(definition)
          if (definition !== oauthProviders) return collection
          return new Proxy(collection, { get: (inner, name) => (name === "findOne" && lookups++ === 0 ? async () => null : bound(inner, name)) })
        }
      },
    })
    const blind = { ...world.services, store: blindStore } as WebServices
    const member = await findWorkspaceMembership(world.services, world.workspaceId, world.people.admin.id)
    const error = await saveProvider(blind, { user: world.people.admin, ...member! }, { ...base(), providerKey: "lost-race", displayName: "Loser Mail", clientSecret: "loser-secret", create: true }).then(
      () => null,
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(AppError)
    // The message names the client that stands, read again after the insert was refused.
    expect(error).toMatchObject({ code: "CONFLICT", reasonCode: "provider_exists", message: "Winner Mail (lost-race) is already set up: change it in its own card above." })
    expect(lookups).toBe(2)
    expect([await store().collection(oauthProviders).findMany({}), await store().collection(storedSecrets).findMany({}), await store().collection(auditEvents).count({})]).toEqual(before)
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
