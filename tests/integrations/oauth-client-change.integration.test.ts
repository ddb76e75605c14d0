// The security tester's findings on OAuth clients and connections (issue 15), each against the
// fake provider over real HTTPS, real SQLite and the real local secret store:
// F1 a changed client (token/revocation URL, authorization origin, client id) is a new client:
//    the stored secret is never sent to a new token endpoint, old connections are revoked at the
//    OLD endpoint and reset, in-flight attempts are refused; F2 connect asks only for the scopes
//    of apps the person can see, and a refused callback revokes what the provider just issued;
//    F4 a refresh or a callback racing a Disconnect leaves nothing live behind; F5 removing a
//    member or deleting a client revokes their tokens (read before deleting them, revoked after
//    the request: oauth-races.integration.test.ts).

import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { newId } from "#shared/ids.ts"
import type { SecretScope } from "#shared/secrets/secret-store.ts"
import { settleBackgroundRevocations } from "#app/integrations/oauth/connection-store.server.ts"
import { bearerTokenFor } from "#app/integrations/oauth/token-broker.server.ts"
import { integrationGrants, oauthProviders } from "#app/integrations/integration-collections.server.ts"
import { storedSecrets } from "#app/secrets/secret-collections.server.ts"
import type { WebServices } from "#app/services.server.ts"
import { apps, auditEvents, type UserDocument } from "#app/store/collections.server.ts"
import { refusal } from "#tests/agents/agents-turns.ts"
import { createOAuthWorld, type OAuthWorld } from "./oauth-world.ts"

let world: OAuthWorld
/** What reached the attacker-controlled host (evil.provider.test, on the fake's own server). */
const captured: { path: string; authorization: string | undefined; body: string }[] = []
beforeAll(async () => {
  world = await createOAuthWorld()
  ;(world.services as { egress: WebServices["egress"] }).egress = world.provider.https.policy(["provider.test", "evil.provider.test"])
  world.provider.https.route("/capture", (request, response) => {
    captured.push({ path: "/capture", authorization: request.headers["authorization"] as string | undefined, body: request.body })
    response.writeHead(200, { "content-type": "application/json" })
    response.end(JSON.stringify({ access_token: "attacker-issued", token_type: "Bearer", expires_in: 3600 }))
  })
})
afterAll(async () => {
  await world?.close()
})

const store = () => world.services.store
const admin = () => world.caller(world.people.admin)
const evilOrigin = () => world.provider.origin.replace("provider.test", "evil.provider.test")
const request = (user: UserDocument, providerKey: string) => ({ workspaceId: world.workspaceId, userId: user.id, providerKey, requiredScopes: ["mail.read"] })

/** A member (shared on the granted apps) connected to `providerKey`, with a token inside the refresh margin. */
async function connectedMember(providerKey: string, lifetimeSeconds = 30): Promise<UserDocument> {
  const user = await world.newMember()
  world.provider.accessTokenLifetimeSeconds = lifetimeSeconds
  try {
    const response = await world.connect(await world.browser(user), providerKey)
    expect(response.headers.get("location")).toContain(`connected=${providerKey}`)
  } finally {
    world.provider.accessTokenLifetimeSeconds = 3600
  }
  return user
}

async function storedToken(user: UserDocument, providerKey: string, kind: "refresh" | "access"): Promise<string> {
  const connection = (await world.connection(user, providerKey))!
  const ref = kind === "refresh" ? connection.refreshTokenRef! : connection.accessTokenRef!
  return (await world.services.secrets.get(ref, { workspaceId: world.workspaceId, purpose: kind === "refresh" ? "oauth_refresh_token" : "oauth_access_token" }))!
}

/** Every token value the secret store holds for the workspace (decrypted), to prove nothing is left behind. */
async function storedTokenValues(): Promise<string[]> {
  const documents = await store().collection(storedSecrets).findMany({ workspaceId: world.workspaceId })
  const values: string[] = []
  for (const document of documents) {
    if (document.purpose !== "oauth_refresh_token" && document.purpose !== "oauth_access_token") continue
    const value = await world.services.secrets.get(`local:${document.id}`, { workspaceId: world.workspaceId, purpose: document.purpose })
    if (value !== null) values.push(value)
  }
  return values
}

function saveInput(providerKey: string, changes: Record<string, unknown> = {}) {
  return {
    workspaceId: world.workspaceId,
    providerKey,
    displayName: "Acme Mail",
    clientId: world.provider.client.clientId,
    authorizationUrl: world.provider.authorizationUrl,
    tokenUrl: world.provider.tokenUrl,
    revocationUrl: world.provider.revocationUrl,
    tokenAuthMethod: world.provider.client.tokenAuthMethod,
    ...changes,
  }
}

describe("F1: a changed OAuth client is a different client", () => {
  it("a new token URL, revocation URL or client id with the secret left blank is refused, and nothing changes", async () => {
    const key = "f1-keep"
    await world.saveProvider(key)
    await world.grantApp(["mail.read"], key)
    const user = await connectedMember(key)
    const before = await store().collection(oauthProviders).findOne({ workspaceId: world.workspaceId, providerKey: key })
    for (const changes of [{ tokenUrl: `${evilOrigin()}/capture` }, { revocationUrl: `${evilOrigin()}/capture` }, { clientId: "another-client" }]) {
      const error = await refusal(admin().oauthProviders.save(saveInput(key, { ...changes, clientSecret: "" })))
      expect(error.code).toBe("BAD_REQUEST")
      expect(error.message).toContain("Client secret must be pasted again because the")
    }
    expect(await store().collection(oauthProviders).findOne({ workspaceId: world.workspaceId, providerKey: key })).toEqual(before)
    // The connection still works against the real provider, and nothing reached the other host.
    const outcome = await bearerTokenFor(world.services, request(user, key))
    expect(outcome.ok).toBe(true)
    expect(captured).toEqual([])
  })

  it("re-saved with a new token URL and secret: a new id, old tokens revoked at the OLD endpoint and deleted, reconnect_needed, audited with origins", async () => {
    const key = "f1-change"
    await world.saveProvider(key)
    await world.grantApp(["mail.read"], key)
    const user = await connectedMember(key)
    const refreshToken = await storedToken(user, key, "refresh")
    expect(world.provider.liveRefreshTokens.has(refreshToken)).toBe(true)
    const old = (await store().collection(oauthProviders).findOne({ workspaceId: world.workspaceId, providerKey: key }))!
    const newSecret = `new-client-secret-${newId()}`

    const view = await admin().oauthProviders.save(saveInput(key, { tokenUrl: `${evilOrigin()}/capture`, revocationUrl: `${evilOrigin()}/capture`, clientSecret: newSecret }))
    // The revocation runs after the save answered (decision 023): wait for it here.
    await settleBackgroundRevocations(world.services)
    expect(view.tokenUrl).toBe(`${evilOrigin()}/capture`)
    const now = (await store().collection(oauthProviders).findOne({ workspaceId: world.workspaceId, providerKey: key }))!
    expect(now.id).not.toBe(old.id)
    expect(now.clientSecretRef).not.toBe(old.clientSecretRef)
    // Revoked at the old client's endpoint, so the grant is dead at the provider; nothing went to the new host.
    expect(world.provider.liveRefreshTokens.has(refreshToken)).toBe(false)
    expect(captured).toEqual([])
    const connection = (await world.connection(user, key))!
    expect(connection).toMatchObject({ status: "reconnect_needed", refreshTokenRef: null, accessTokenRef: null, lastErrorCode: "provider_changed" })
    expect(await storedTokenValues()).not.toContain(refreshToken)
    // The old client secret is gone from the store too.
    expect(await world.services.secrets.get(old.clientSecretRef!, { workspaceId: world.workspaceId, purpose: "oauth_client_secret" } satisfies SecretScope)).toBeNull()

    // The broker never sends the member's token (there is none) or asks the new host.
    expect(await bearerTokenFor(world.services, request(user, key))).toMatchObject({ ok: false, code: "oauth_reconnect_needed" })
    expect(captured).toEqual([])
    const listed = await world.caller(user).connections.list({ workspaceId: world.workspaceId })
    // The reason is given as the code the reset recorded, for the page to word ("an admin replaced…").
    expect(listed.connections.find((entry) => entry.providerKey === key)).toMatchObject({ status: "reconnect_needed", lastErrorCode: "provider_changed" })

    // The re-save's event: ids are random, so "last" needs the time order.
    const audit = (await store().collection(auditEvents).findMany({ workspaceId: world.workspaceId, action: "integration.provider_saved" }, { sort: [["occurredAt", 1]] })).filter((event) => event.targetId === key).at(-1)!
    expect(audit.before).toMatchObject({ tokenOrigin: world.provider.origin, revocationOrigin: world.provider.origin })
    expect(audit.after).toMatchObject({ clientChanged: true, secretChanged: true, tokenOrigin: evilOrigin(), revocationOrigin: evilOrigin(), reconnectRequired: 1 })
    const everything = JSON.stringify(await store().collection(auditEvents).findMany({ workspaceId: world.workspaceId }))
    expect(everything).not.toContain(newSecret)
    expect(everything).not.toContain(world.provider.client.clientSecret)
    expect(everything).not.toContain(refreshToken)
  })

  it("an in-flight connect whose client changed is refused at the callback before any code exchange", async () => {
    const key = "f1-inflight"
    await world.saveProvider(key)
    await world.grantApp(["mail.read"], key)
    const user = await world.newMember()
    const browser = await world.browser(user)
    const { callback } = await world.consented(browser, key)
    // Only the authorization URL's origin changes: no secret is needed, but it is another client.
    const otherAuthorize = world.provider.authorizationUrl.replace("provider.test", "evil.provider.test")
    await admin().oauthProviders.save(saveInput(key, { authorizationUrl: otherAuthorize }))
    const exchanges = world.provider.counts.codeExchanges
    const response = await browser.get(callback)
    expect(response.status).toBe(303)
    expect(response.headers.get("location")).toContain("oauth_error=provider_changed")
    expect(world.provider.counts.codeExchanges).toBe(exchanges)
    expect(await world.connection(user, key)).toBeNull()
  })
})

describe("F2: connect asks for what the person's apps need", () => {
  it("a private app's grant neither widens nor blocks another member's connect", async () => {
    const key = "f2-private"
    await world.saveProvider(key)
    await world.grantApp(["mail.read"], key)
    // Someone else's private app asks for more (and, synced before validation, a bad scope).
    const appId = newId()
    const at = new Date().toISOString()
    await store().collection(apps).insert({
      id: appId, workspaceId: world.workspaceId, name: "Private draft", prompt: "x", createdByUserId: world.people.admin.id, collaboratorUserIds: [],
      runtime: "claude", model: null, activeRunId: null, runtimeSessions: {}, snapshotId: null, createdAt: at, updatedAt: at,
    })
    await store().collection(integrationGrants).insert({
      id: newId(), workspaceId: world.workspaceId, appId, domain: "provider.test", keySlug: "private", name: "x", keyName: "x", capabilityLabel: "x", why: "x",
      authType: "oauth2", providerKey: key, requiredScopes: ["admin.full", "mail.send admin.full"], permissionGroupsJson: "[]", setupInstructionsJson: "{}",
      secrets: [], requestedByUserId: world.people.admin.id, syncedAt: at, updatedAt: at,
    })
    const user = await world.newMember()
    const browser = await world.browser(user)
    const started = await browser.trpc<{ authorizationUrl: string }>("mutation", "connections.start", { workspaceId: world.workspaceId, providerKey: key })
    expect(new URL(started.data!.authorizationUrl).searchParams.get("scope")).toBe("mail.read")
    const response = await world.connect(browser, key)
    expect(response.headers.get("location")).toContain(`connected=${key}`)
  })

  it("a callback refused for missing scopes revokes the tokens the provider just issued, and stores nothing", async () => {
    const key = "f2-scopes"
    await world.saveProvider(key)
    await world.grantApp(["mail.read", "mail.send"], key)
    const user = await world.newMember()
    const issuedBefore = world.provider.issuedTokens.length
    world.provider.grantedScopes = ["mail.read"]
    try {
      const response = await world.connect(await world.browser(user), key)
      expect(response.headers.get("location")).toContain("oauth_error=missing_scopes")
    } finally {
      world.provider.grantedScopes = null
    }
    const issued = world.provider.issuedTokens.slice(issuedBefore)
    expect(issued.length).toBeGreaterThan(0)
    for (const token of issued) expect(world.provider.liveRefreshTokens.has(token)).toBe(false)
    expect(await world.connection(user, key)).toBeNull()
    const stored = await storedTokenValues()
    for (const token of issued) expect(stored).not.toContain(token)
  })
})

/** Runs `hook` once, just before the first write of a token of `purpose` (the provider has already answered). */
function beforeFirstTokenWrite(purpose: "oauth_refresh_token" | "oauth_access_token", hook: () => Promise<void>): () => void {
  const secrets = world.services.secrets as unknown as { replace: WebServices["secrets"]["replace"]; put: WebServices["secrets"]["put"] }
  const original = { replace: secrets.replace, put: secrets.put }
  let fired = false
  const fire = async (scope: SecretScope) => {
    if (fired || scope.purpose !== purpose) return
    fired = true
    await hook()
  }
  secrets.replace = async (ref, scope, value) => {
    await fire(scope)
    return original.replace.call(world.services.secrets, ref, scope, value)
  }
  secrets.put = async (scope, value) => {
    await fire(scope)
    return original.put.call(world.services.secrets, scope, value)
  }
  return () => Object.assign(secrets, original)
}

describe("F4: a refresh or a callback racing a Disconnect", () => {
  it("the refresh's new tokens are taken back and revoked, and the broker answers not connected", async () => {
    const key = "f4-refresh"
    await world.saveProvider(key)
    await world.grantApp(["mail.read"], key)
    const user = await connectedMember(key)
    const browser = await world.browser(user)
    const restore = beforeFirstTokenWrite("oauth_refresh_token", async () => {
      const answer = await browser.trpc<{ disconnected: boolean }>("mutation", "connections.disconnect", { workspaceId: world.workspaceId, providerKey: key })
      expect(answer.data).toEqual({ disconnected: true })
    })
    const issuedBefore = world.provider.issuedTokens.length
    let outcome
    try {
      outcome = await bearerTokenFor(world.services, request(user, key))
    } finally {
      restore()
    }
    expect(outcome).toMatchObject({ ok: false, code: "oauth_not_connected" })
    expect(await world.connection(user, key)).toBeNull()
    const rotated = world.provider.issuedTokens.slice(issuedBefore)
    expect(rotated.length).toBeGreaterThan(0)
    const stored = await storedTokenValues()
    for (const token of rotated) {
      expect(stored).not.toContain(token)
      expect(world.provider.liveRefreshTokens.has(token)).toBe(false)
    }
  })

  it("a reconnect whose connection is disconnected while its tokens are stored redirects with an error and leaves nothing", async () => {
    const key = "f4-callback"
    await world.saveProvider(key)
    await world.grantApp(["mail.read"], key)
    const user = await connectedMember(key, 3600)
    const browser = await world.browser(user)
    const restore = beforeFirstTokenWrite("oauth_access_token", async () => {
      await browser.trpc("mutation", "connections.disconnect", { workspaceId: world.workspaceId, providerKey: key })
    })
    const issuedBefore = world.provider.issuedTokens.length
    let response
    try {
      response = await world.connect(browser, key)
    } finally {
      restore()
    }
    expect(response.status).toBe(303)
    expect(response.headers.get("location")).toContain("oauth_error=")
    expect(response.headers.get("location")).not.toContain("connected=")
    expect(await world.connection(user, key)).toBeNull()
    const issued = world.provider.issuedTokens.slice(issuedBefore)
    const stored = await storedTokenValues()
    for (const token of issued) {
      expect(stored).not.toContain(token)
      expect(world.provider.liveRefreshTokens.has(token)).toBe(false)
    }
  })
})

describe("F5: removing a member or a client ends the grants at the provider", () => {
  it("removing a member revokes and deletes their connections", async () => {
    const key = "f5-member"
    await world.saveProvider(key)
    await world.grantApp(["mail.read"], key)
    const user = await connectedMember(key, 3600)
    const refreshToken = await storedToken(user, key, "refresh")
    await admin().members.remove({ workspaceId: world.workspaceId, userId: user.id })
    await settleBackgroundRevocations(world.services)
    expect(await world.connection(user, key)).toBeNull()
    expect(await storedTokenValues()).not.toContain(refreshToken)
    expect(world.provider.liveRefreshTokens.has(refreshToken)).toBe(false)
  })

  it("deleting a client revokes its connections' tokens (read before they are deleted)", async () => {
    const key = "f5-delete"
    await world.saveProvider(key)
    await world.grantApp(["mail.read"], key)
    const user = await connectedMember(key, 3600)
    const refreshToken = await storedToken(user, key, "refresh")
    expect(await admin().oauthProviders.delete({ workspaceId: world.workspaceId, providerKey: key })).toEqual({ deleted: true, connectionsRemoved: 1 })
    await settleBackgroundRevocations(world.services)
    expect(world.provider.liveRefreshTokens.has(refreshToken)).toBe(false)
    expect(await storedTokenValues()).not.toContain(refreshToken)
  })
})
