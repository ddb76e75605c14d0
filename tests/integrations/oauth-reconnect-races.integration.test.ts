// The second security pass on OAuth connections (issue 15): connects racing a client change or a
// member removal, against the fake provider over real HTTPS, real SQLite and the real local secret
// store. The races are made deterministic with hooks on the secret store (a flow pauses at a known
// read or write while the other runs), never with timers:
// G1 a reconnect racing a client change's reset never has its new tokens revoked at the old
//    client, nor leaves a connected document pointing at deleted refs; a connect saved after the
//    reset listed the connections is taken back and revoked at the client that issued it;
// G3 a member removed during their connect's code exchange keeps nothing.

import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { oauthProviders } from "#app/integrations/integration-collections.server.ts"
import { settleBackgroundRevocations } from "#app/integrations/oauth/connection-store.server.ts"
import { bearerTokenFor } from "#app/integrations/oauth/token-broker.server.ts"
import { auditEvents } from "#app/store/collections.server.ts"
import { createOAuthWorld, type OAuthWorld } from "./oauth-world.ts"
import { raceTools, signal } from "./oauth-race-tools.ts"

let world: OAuthWorld
beforeAll(async () => {
  world = await createOAuthWorld()
})
afterAll(async () => {
  await world?.close()
})
const { store, admin, request, saveInput, connectedMember, storedToken, storedTokenValues, revokedAt, hookSecrets } = raceTools(() => world)

describe("G1: a reconnect racing a client change", () => {
  it("a reconnect through the new client that read the connection before the reset claimed it loses: its new tokens are revoked at the NEW client, the old ones at the OLD", async () => {
    const key = "g1-claimed"
    await world.saveProvider(key)
    await world.grantApp(["mail.read"], key)
    const user = await connectedMember(key)
    const oldRefreshToken = await storedToken(user, key)
    const browser = await world.browser(user)
    const newRevocationPath = "/oauth/revoke?client=2"

    // The save pauses in its reset (reading the old client's secret, before it lists the
    // connections) until the member's reconnect, through the NEW client, has read its connection
    // and begun storing its new tokens; that reconnect then waits until the save has finished.
    const callbackStoring = signal()
    const saveFinished = signal()
    let saving = false
    let reconnect: Promise<Response> | null = null
    const issuedBefore = world.provider.issuedTokens.length
    const restore = hookSecrets({
      get: async (scope) => {
        if (!saving || scope.purpose !== "oauth_client_secret") return
        saving = false
        reconnect = world.connect(browser, key)
        await callbackStoring.promise
      },
      put: async (scope) => {
        if (reconnect === null || scope.purpose !== "oauth_access_token") return
        callbackStoring.fire()
        await saveFinished.promise
      },
    })
    let response: Response
    try {
      saving = true
      const view = await admin().oauthProviders.save(saveInput(key, { revocationUrl: `${world.provider.origin}${newRevocationPath}` }))
      expect(view.revocationUrl).toContain(newRevocationPath)
      saveFinished.fire()
      response = await reconnect!
    } finally {
      restore()
    }
    await settleBackgroundRevocations(world.services)

    expect(response.status).toBe(303)
    expect(response.headers.get("location")).toContain("oauth_error=connection_changed")
    const issued = world.provider.issuedTokens.slice(issuedBefore)
    expect(issued).toHaveLength(2)
    const [newAccessToken, newRefreshToken] = issued as [string, string]
    // The new refresh token went to the new client's endpoint only; the old one to the old endpoint only.
    expect(revokedAt(newRevocationPath)).toContain(newRefreshToken)
    expect(revokedAt("/oauth/revoke")).toContain(oldRefreshToken)
    expect(revokedAt("/oauth/revoke")).not.toContain(newRefreshToken)
    expect(revokedAt(newRevocationPath)).not.toContain(oldRefreshToken)
    for (const token of [oldRefreshToken, newRefreshToken]) expect(world.provider.liveRefreshTokens.has(token)).toBe(false)
    // Reset, pointing at nothing; nothing of either left in the secret store.
    expect(await world.connection(user, key)).toMatchObject({ status: "reconnect_needed", refreshTokenRef: null, accessTokenRef: null, lastErrorCode: "provider_changed" })
    const stored = await storedTokenValues()
    for (const token of [oldRefreshToken, newRefreshToken, newAccessToken]) expect(stored).not.toContain(token)
    expect(await bearerTokenFor(world.services, request(user, key))).toMatchObject({ ok: false, code: "oauth_reconnect_needed" })

    // Reconnecting now works through the new client.
    expect((await world.connect(browser, key)).headers.get("location")).toContain(`connected=${key}`)
    expect(await bearerTokenFor(world.services, request(user, key))).toMatchObject({ ok: true })
  })

  it("a reconnect that lands after the reset: connected through the new client with new refs; the old tokens revoked at the old endpoint only", async () => {
    const key = "g1-after"
    await world.saveProvider(key)
    await world.grantApp(["mail.read"], key)
    const user = await connectedMember(key)
    const oldRefreshToken = await storedToken(user, key)
    const before = (await world.connection(user, key))!
    const browser = await world.browser(user)
    const newRevocationPath = "/oauth/revoke?client=3"
    // The member reconnects while the reset is reading the old tokens it has just claimed (where
    // the first finding's reset revoked the reconnect's new token).
    let saving = false
    let response: Response | null = null
    const restore = hookSecrets({
      get: async (scope) => {
        if (!saving || scope.purpose !== "oauth_refresh_token") return
        saving = false
        response = await world.connect(browser, key)
      },
    })
    try {
      saving = true
      await admin().oauthProviders.save(saveInput(key, { revocationUrl: `${world.provider.origin}${newRevocationPath}` }))
    } finally {
      restore()
    }
    await settleBackgroundRevocations(world.services)
    expect(response!.headers.get("location")).toContain(`connected=${key}`)
    const now = (await world.connection(user, key))!
    const provider = (await store().collection(oauthProviders).findOne({ workspaceId: world.workspaceId, providerKey: key }))!
    expect(now).toMatchObject({ status: "connected", providerId: provider.id })
    expect([now.refreshTokenRef, now.accessTokenRef]).not.toContain(before.refreshTokenRef)
    expect([now.refreshTokenRef, now.accessTokenRef]).not.toContain(before.accessTokenRef)
    const newRefreshToken = await storedToken(user, key)
    expect(world.provider.liveRefreshTokens.has(newRefreshToken)).toBe(true)
    expect(world.provider.liveRefreshTokens.has(oldRefreshToken)).toBe(false)
    expect(revokedAt("/oauth/revoke")).toContain(oldRefreshToken)
    expect(revokedAt(newRevocationPath)).toEqual([])
    expect(await storedTokenValues()).not.toContain(oldRefreshToken)
    expect(await bearerTokenFor(world.services, request(user, key))).toMatchObject({ ok: true })
  })

  it("a first connect through the old client saved after the reset listed the connections is taken back and revoked at the old client", async () => {
    const key = "g1-first"
    await world.saveProvider(key)
    await world.grantApp(["mail.read"], key)
    const user = await world.newMember()
    const oldProvider = (await store().collection(oauthProviders).findOne({ workspaceId: world.workspaceId, providerKey: key }))!
    // The callback has exchanged its code and checked the client (unchanged yet); as it stores the
    // tokens, the admin's whole save (swap, reset listing no connection of this member) runs.
    let armed = true
    const restore = hookSecrets({
      put: async (scope) => {
        if (!armed || scope.purpose !== "oauth_access_token") return
        armed = false
        await admin().oauthProviders.save(saveInput(key, { revocationUrl: `${world.provider.origin}/oauth/revoke?client=4` }))
      },
    })
    const issuedBefore = world.provider.issuedTokens.length
    let response: Response
    try {
      response = await world.connect(await world.browser(user), key)
    } finally {
      restore()
    }
    expect(response.headers.get("location")).toContain("oauth_error=provider_changed")
    const issued = world.provider.issuedTokens.slice(issuedBefore)
    expect(issued).toHaveLength(2)
    // Revoked at the client that issued them, whose stored secret the save has deleted meanwhile.
    expect(await world.services.secrets.get(oldProvider.clientSecretRef!, { workspaceId: world.workspaceId, purpose: "oauth_client_secret" })).toBeNull()
    expect(revokedAt("/oauth/revoke")).toContain(issued[1])
    expect(revokedAt("/oauth/revoke?client=4")).toEqual([])
    // Revoking the refresh token ends the grant (RFC 7009 §2.1): that is the one sent.
    for (const token of issued) expect(world.provider.liveRefreshTokens.has(token)).toBe(false)
    const connection = await world.connection(user, key)
    expect(connection).toMatchObject({ status: "reconnect_needed", refreshTokenRef: null, accessTokenRef: null })
    const stored = await storedTokenValues()
    for (const token of issued) expect(stored).not.toContain(token)
  })
})

describe("G3: a member removed during their connect's code exchange", () => {
  it("removed before the exchange answers: refused (not_member), the issued tokens revoked, nothing stored", async () => {
    const key = "g3-exchange"
    await world.saveProvider(key)
    await world.grantApp(["mail.read"], key)
    const user = await world.newMember()
    const browser = await world.browser(user)
    const { callback } = await world.consented(browser, key)
    // The callback has checked the membership and reads the client secret for the exchange: the admin removes the member then.
    let armed = true
    const restore = hookSecrets({
      get: async (scope) => {
        if (!armed || scope.purpose !== "oauth_client_secret") return
        armed = false
        await admin().members.remove({ workspaceId: world.workspaceId, userId: user.id })
      },
    })
    const issuedBefore = world.provider.issuedTokens.length
    let response: Response
    try {
      response = await browser.get(callback)
    } finally {
      restore()
    }
    expect(armed).toBe(false)
    expect(response.status).toBe(303)
    expect(response.headers.get("location")).toBe("/oauth/not-completed?reason=not_member")
    const issued = world.provider.issuedTokens.slice(issuedBefore)
    expect(issued).toHaveLength(2)
    // Revoking the refresh token ends the grant (RFC 7009 §2.1): that is the one sent.
    for (const token of issued) expect(world.provider.liveRefreshTokens.has(token)).toBe(false)
    expect(await world.connection(user, key)).toBeNull()
    const stored = await storedTokenValues()
    for (const token of issued) expect(stored).not.toContain(token)
    expect(await store().collection(auditEvents).findMany({ workspaceId: world.workspaceId, actorUserId: user.id, action: "oauth.connected" })).toEqual([])
  })

  it("removed while the tokens are being stored (after the removal listed the connections): taken back, refused, nothing stored", async () => {
    const key = "g3-storing"
    await world.saveProvider(key)
    await world.grantApp(["mail.read"], key)
    const user = await world.newMember()
    let armed = true
    const restore = hookSecrets({
      put: async (scope) => {
        if (!armed || scope.purpose !== "oauth_access_token") return
        armed = false
        await admin().members.remove({ workspaceId: world.workspaceId, userId: user.id })
      },
    })
    const issuedBefore = world.provider.issuedTokens.length
    let response: Response
    try {
      response = await world.connect(await world.browser(user), key)
    } finally {
      restore()
    }
    expect(response.headers.get("location")).toBe("/oauth/not-completed?reason=not_member")
    const issued = world.provider.issuedTokens.slice(issuedBefore)
    // Revoking the refresh token ends the grant (RFC 7009 §2.1): that is the one sent.
    for (const token of issued) expect(world.provider.liveRefreshTokens.has(token)).toBe(false)
    expect(await world.connection(user, key)).toBeNull()
    const stored = await storedTokenValues()
    for (const token of issued) expect(stored).not.toContain(token)
  })
})
