// The second security pass on OAuth connections (issue 15): removing a member, re-saving a client
// with changed endpoints and deleting a client do not wait for a provider's revocation endpoint.
// The endpoint here holds its answers until the test opens it (a gate, not a timer), so each test
// proves the request returned while the provider still held the revocations open:
// G2 removing a member: returns at once, the broker refuses the removed person at once, the
//    revocations still arrive afterwards;
// G4 re-save / delete: state and audit first (the audit exists when the first revocation
//    arrives), revocations after the request, eight at a time.

import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { oauthConnections } from "#app/integrations/integration-collections.server.ts"
import { settleBackgroundRevocations } from "#app/integrations/oauth/connection-store.server.ts"
import { bearerTokenFor } from "#app/integrations/oauth/token-broker.server.ts"
import { auditEvents, memberships, type UserDocument } from "#app/store/collections.server.ts"
import { createOAuthWorld, type OAuthWorld } from "./oauth-world.ts"
import { raceTools } from "./oauth-race-tools.ts"

let world: OAuthWorld
beforeAll(async () => {
  world = await createOAuthWorld()
})
afterAll(async () => {
  await world?.close()
})
const { store, admin, request, saveInput, connectedMember, storedToken, storedTokenValues, heldRevocationEndpoint } = raceTools(() => world)

describe("G2: removing a member whose provider does not answer revocations", () => {
  it("returns while the provider still holds the revocations open; the broker refuses the removed person at once; the revocations arrive afterwards", async () => {
    const hold = heldRevocationEndpoint("/g2-hold")
    const keys = ["g2-a", "g2-b", "g2-c"]
    for (const key of keys) {
      await admin().oauthProviders.save(saveInput(key, { revocationUrl: hold.url }))
      await world.grantApp(["mail.read"], key)
    }
    const user = await world.newMember()
    const browser = await world.browser(user)
    world.provider.accessTokenLifetimeSeconds = 30 // inside the refresh margin: the broker would refresh
    try {
      for (const key of keys) expect((await world.connect(browser, key)).headers.get("location")).toContain(`connected=${key}`)
    } finally {
      world.provider.accessTokenLifetimeSeconds = 3600
    }
    const refreshTokens = await Promise.all(keys.map((key) => storedToken(user, key)))

    expect(await admin().members.remove({ workspaceId: world.workspaceId, userId: user.id })).toEqual({ removed: true })
    // The removal answered before the provider answered anything.
    expect(hold.answered).toBe(0)
    await hold.arrived(keys.length)
    expect(hold.answered).toBe(0)
    // While those revocations are held open: the membership, the connections and the stored tokens are gone…
    expect(await store().collection(memberships).findOne({ workspaceId: world.workspaceId, userId: user.id })).toBeNull()
    expect(await store().collection(oauthConnections).findMany({ workspaceId: world.workspaceId, userId: user.id })).toEqual([])
    const stored = await storedTokenValues()
    for (const token of refreshTokens) expect(stored).not.toContain(token)
    // …and the broker refuses the removed person without refreshing anything.
    const refreshes = world.provider.counts.refreshes
    for (const key of keys) expect(await bearerTokenFor(world.services, request(user, key))).toMatchObject({ ok: false, code: "oauth_not_connected" })
    expect(world.provider.counts.refreshes).toBe(refreshes)

    hold.open()
    await settleBackgroundRevocations(world.services)
    expect(hold.tokens().sort()).toEqual([...refreshTokens].sort())
  })

  it("the broker refuses a person who is no longer a member even when a connection document is left, and refreshes nothing", async () => {
    const key = "g2-broker"
    await world.saveProvider(key)
    await world.grantApp(["mail.read"], key)
    world.provider.accessTokenLifetimeSeconds = 30
    let user: UserDocument
    try {
      user = await connectedMember(key)
    } finally {
      world.provider.accessTokenLifetimeSeconds = 3600
    }
    // Membership gone by another path than members.remove (an identity-provider sync, a database edit).
    await store().collection(memberships).deleteMany({ workspaceId: world.workspaceId, userId: user.id })
    const refreshes = world.provider.counts.refreshes
    const outcome = await bearerTokenFor(world.services, request(user, key))
    expect(outcome).toMatchObject({ ok: false, code: "oauth_not_connected", retryable: false })
    expect(JSON.stringify(outcome)).not.toContain(await storedToken(user, key))
    expect(world.provider.counts.refreshes).toBe(refreshes)
  })
})

describe("G4: re-saving or deleting a client whose old revocation endpoint does not answer", () => {
  it("a re-save with a new revocation URL answers at once: connections reset and audited before any revocation is sent; 9 revocations, 8 at a time, arrive afterwards", async () => {
    const key = "g4-resave"
    let auditAtFirstArrival: Promise<number> | null = null
    const hold = heldRevocationEndpoint("/g4-hold", () => {
      auditAtFirstArrival ??= store().collection(auditEvents).count({ workspaceId: world.workspaceId, action: "integration.provider_saved", targetId: key })
    })
    await admin().oauthProviders.save(saveInput(key, { revocationUrl: hold.url }))
    await world.grantApp(["mail.read"], key)
    const people: UserDocument[] = []
    for (let index = 0; index < 9; index += 1) people.push(await connectedMember(key))
    const refreshTokens = await Promise.all(people.map((person) => storedToken(person, key)))

    await admin().oauthProviders.save(saveInput(key))
    expect(hold.answered).toBe(0)
    for (const person of people) expect(await world.connection(person, key)).toMatchObject({ status: "reconnect_needed", refreshTokenRef: null, accessTokenRef: null })
    const audits = await store().collection(auditEvents).findMany({ workspaceId: world.workspaceId, action: "integration.provider_saved", targetId: key }, { sort: [["occurredAt", 1]] })
    expect(audits.at(-1)!.after).toMatchObject({ clientChanged: true, reconnectRequired: 9 })
    // Eight at a time: the ninth waits for a slot while the first eight are held.
    await hold.arrived(8)
    expect(await auditAtFirstArrival).toBe(2)
    expect(hold.tokens()).toHaveLength(8)
    hold.open()
    await settleBackgroundRevocations(world.services)
    expect(hold.tokens().sort()).toEqual([...refreshTokens].sort())
    const stored = await storedTokenValues()
    for (const token of refreshTokens) expect(stored).not.toContain(token)
    expect(JSON.stringify(audits)).not.toContain(refreshTokens[0])
  })

  it("a delete answers at once, audited before any revocation is sent; the revocations arrive afterwards", async () => {
    const key = "g4-delete"
    let auditAtFirstArrival: Promise<number> | null = null
    const hold = heldRevocationEndpoint("/g4-delete-hold", () => {
      auditAtFirstArrival ??= store().collection(auditEvents).count({ workspaceId: world.workspaceId, action: "integration.provider_deleted", targetId: key })
    })
    await admin().oauthProviders.save(saveInput(key, { revocationUrl: hold.url }))
    await world.grantApp(["mail.read"], key)
    const people = [await connectedMember(key), await connectedMember(key)]
    const refreshTokens = await Promise.all(people.map((person) => storedToken(person, key)))

    expect(await admin().oauthProviders.delete({ workspaceId: world.workspaceId, providerKey: key })).toEqual({ deleted: true, connectionsRemoved: 2 })
    expect(hold.answered).toBe(0)
    for (const person of people) expect(await world.connection(person, key)).toBeNull()
    const stored = await storedTokenValues()
    for (const token of refreshTokens) expect(stored).not.toContain(token)
    await hold.arrived(2)
    expect(await auditAtFirstArrival).toBe(1)
    hold.open()
    await settleBackgroundRevocations(world.services)
    expect(hold.tokens().sort()).toEqual([...refreshTokens].sort())
  })
})
