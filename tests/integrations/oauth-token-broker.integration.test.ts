// The token broker against a real redis-server, a real SQLite file and the fake provider over real
// HTTPS: fresh tokens are used as they are; an expired one is refreshed exactly once however many
// calls want it at the same moment, in one process or two; the rotated refresh token is stored;
// invalid_grant, provider failures, missing scopes and disconnects each end in their own state.

import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createRedisLive } from "#shared/live/redis-live.server.ts"
import { newId } from "#shared/ids.ts"
import type { BearerOutcome } from "#app/integrations/oauth/bearer-outcome.server.ts"
import { bearerTokenFor, type BearerBrokerServices } from "#app/integrations/oauth/token-broker.server.ts"
import { oauthConnections } from "#app/integrations/integration-collections.server.ts"
import { auditEvents, type UserDocument } from "#app/store/collections.server.ts"
import { checkEgressTarget } from "#app/integrations/egress-policy.server.ts"
import { pinnedHttpsRequest } from "#app/integrations/pinned-https.server.ts"
import { eventually } from "#tests/fixtures/eventually.ts"
import { startRedisServer, type RedisServer } from "#tests/fixtures/redis-server.ts"
import { createOAuthWorld, openOAuthServices, PROVIDER_KEY, type OAuthWorld } from "./oauth-world.ts"

let redis: RedisServer
let world: OAuthWorld
const prefix = `oauth-broker-${newId()}:`
beforeAll(async () => {
  redis = await startRedisServer()
  world = await createOAuthWorld({ redisUrl: redis.url, redisPrefix: prefix })
  await world.saveProvider()
  await world.grantApp(["mail.read"])
})
afterAll(async () => {
  await world?.close()
  await redis?.stop()
})

const store = () => world.services.store
const request = (user: UserDocument, requiredScopes: string[] = ["mail.read"]) => ({ workspaceId: world.workspaceId, userId: user.id, providerKey: PROVIDER_KEY, requiredScopes })

/** A new member connected through the whole flow, with an access token that is already inside the 60 s margin. */
async function connectedWithStaleToken(): Promise<UserDocument> {
  const user = await world.newMember()
  world.provider.accessTokenLifetimeSeconds = 30
  try {
    const response = await world.connect(await world.browser(user))
    expect(response.headers.get("location")).toContain("connected=")
  } finally {
    world.provider.accessTokenLifetimeSeconds = 3600
  }
  return user
}

const tokenOf = (outcome: BearerOutcome) => {
  if (!outcome.ok) throw new Error(`expected a token, got ${outcome.code}: ${outcome.message}`)
  return outcome.token
}

async function storedRefreshToken(user: UserDocument): Promise<string | null> {
  const connection = await world.connection(user)
  return world.services.secrets.get(connection!.refreshTokenRef!, { workspaceId: world.workspaceId, purpose: "oauth_refresh_token" })
}

/**
 * 50 calls at once on the user's expired token, call `index` through `servicesFor(index)`, while the
 * provider holds the refresh: exactly 1 refresh, and every call gets the same new, live token.
 */
async function fiftyAtOnce(user: UserDocument, servicesFor: (index: number) => BearerBrokerServices): Promise<string> {
  const before = world.provider.refreshRequests
  world.provider.holdRefreshes()
  const calls = Array.from({ length: 50 }, (_, index) => bearerTokenFor(servicesFor(index), request(user)))
  // Everyone is waiting on the one refresh the provider is holding.
  await eventually(() => world.provider.refreshRequests === before + 1)
  world.provider.openRefreshGate()
  const tokens = (await Promise.all(calls)).map(tokenOf)
  expect(world.provider.refreshRequests).toBe(before + 1)
  expect(new Set(tokens).size).toBe(1)
  expect(world.provider.liveAccessTokens.has(tokens[0]!)).toBe(true)
  return tokens[0]!
}

describe("bearerTokenFor", () => {
  it("uses a token with more than 60 s left without asking the provider", async () => {
    const user = await world.newMember()
    await world.connect(await world.browser(user))
    const before = world.provider.refreshRequests
    const token = tokenOf(await bearerTokenFor(world.services, request(user)))
    expect(world.provider.liveAccessTokens.has(token)).toBe(true)
    expect(world.provider.refreshRequests).toBe(before)
  })

  it("50 concurrent calls on an expired token: exactly 1 refresh, all 50 get the new token, the rotation is stored", async () => {
    const user = await connectedWithStaleToken()
    const oldRefresh = await storedRefreshToken(user)
    const token = await fiftyAtOnce(user, () => world.services)
    const newRefresh = await storedRefreshToken(user)
    expect(newRefresh).not.toBe(oldRefresh)
    expect(world.provider.liveRefreshTokens.has(newRefresh!)).toBe(true)
    expect(world.provider.liveRefreshTokens.has(oldRefresh!)).toBe(false)
    const connection = await world.connection(user)
    expect(connection!.lastRefreshAt).not.toBeNull()
    expect(Date.parse(connection!.accessTokenExpiresAt!)).toBeGreaterThan(Date.now() + 60_000)
    expect(await store().collection(auditEvents).count({ workspaceId: world.workspaceId, action: "oauth.token_refreshed", actorUserId: user.id })).toBe(1)
    // The new token is the one the provider's API accepts.
    const me = await fetchMe(token)
    expect(me.status).toBe(200)
  })

  it("the same across two web processes' services on one Redis and one SQLite file: exactly 1 refresh", async () => {
    const user = await connectedWithStaleToken()
    const secondLive = await createRedisLive({ url: redis.url, prefix })
    const second = openOAuthServices({ file: world.file, live: secondLive, provider: world.provider, sessionKey: world.sessionKey, encryptionKey: world.encryptionKey })
    try {
      await fiftyAtOnce(user, (index) => (index % 2 === 0 ? world.services : second))
      expect(world.provider.liveRefreshTokens.has((await storedRefreshToken(user))!)).toBe(true)
    } finally {
      await secondLive.close()
      await second.store.close()
    }
  })

  it("a caller that does not get the lock waits for the holder's token and never refreshes itself", async () => {
    const user = await connectedWithStaleToken()
    const lock = await world.services.live.acquireLock(`oauth-refresh:${world.workspaceId}:${user.id}:${PROVIDER_KEY}`, { ttlMs: 30_000 })
    expect(lock).not.toBeNull()
    const before = world.provider.refreshRequests
    try {
      const busy = await bearerTokenFor(world.services, request(user), { waitBudgetMs: 200 })
      expect(busy).toMatchObject({ ok: false, code: "oauth_refresh_busy", retryable: true })
      expect(world.provider.refreshRequests).toBe(before)
    } finally {
      await lock!.release()
    }
    tokenOf(await bearerTokenFor(world.services, request(user)))
    expect(world.provider.refreshRequests).toBe(before + 1)
  })

  it("invalid_grant: the connection needs a reconnect, its tokens are gone, and Connected apps says so", async () => {
    const user = await connectedWithStaleToken()
    const connection = await world.connection(user)
    world.provider.refuseRefreshes = true
    try {
      const outcome = await bearerTokenFor(world.services, request(user))
      expect(outcome).toMatchObject({ ok: false, code: "oauth_reconnect_needed", retryable: false })
    } finally {
      world.provider.refuseRefreshes = false
    }
    const after = await world.connection(user)
    expect(after).toMatchObject({ status: "reconnect_needed", refreshTokenRef: null, accessTokenRef: null, lastErrorCode: "invalid_grant" })
    const scope = { workspaceId: world.workspaceId, purpose: "oauth_refresh_token" } as const
    expect(await world.services.secrets.get(connection!.refreshTokenRef!, scope)).toBeNull()
    expect(await store().collection(auditEvents).findOne({ action: "oauth.reconnect_needed", actorUserId: user.id })).toMatchObject({ after: { providerKey: PROVIDER_KEY, code: "invalid_grant" } })
    const listed = await world.caller(user).connections.list({ workspaceId: world.workspaceId })
    expect(listed.connections.find((view) => view.providerKey === PROVIDER_KEY)?.status).toBe("reconnect_needed")
    // Without a refresh the next call says the same, and reconnecting fixes it.
    expect(await bearerTokenFor(world.services, request(user))).toMatchObject({ code: "oauth_reconnect_needed" })
    await world.connect(await world.browser(user))
    tokenOf(await bearerTokenFor(world.services, request(user)))
  })

  it("a provider that fails (5xx) is a retryable refresh failure; the connection stays and the next refresh works", async () => {
    const user = await connectedWithStaleToken()
    world.provider.refreshFailureStatus = 503
    try {
      const outcome = await bearerTokenFor(world.services, request(user))
      expect(outcome).toMatchObject({ ok: false, code: "oauth_refresh_failed", retryable: true })
      expect((await world.connection(user))!.status).toBe("connected")
    } finally {
      world.provider.refreshFailureStatus = null
    }
    tokenOf(await bearerTokenFor(world.services, request(user)))
  })

  it("missing scopes, no provider, no connection", async () => {
    const user = await world.newMember()
    expect(await bearerTokenFor(world.services, request(user))).toMatchObject({ ok: false, code: "oauth_not_connected" })
    await world.connect(await world.browser(user))
    expect(await bearerTokenFor(world.services, request(user, ["mail.read", "calendar.write"]))).toMatchObject({ ok: false, code: "oauth_missing_scopes" })
    expect(await bearerTokenFor(world.services, { ...request(user), providerKey: "nobody" })).toMatchObject({ ok: false, code: "oauth_provider_not_configured" })
  })

  it("disconnect revokes at the provider, deletes the tokens, and the next call says not connected", async () => {
    const user = await world.newMember()
    await world.connect(await world.browser(user))
    const refresh = await storedRefreshToken(user)
    const connection = await world.connection(user)
    const revocations = world.provider.counts.revocations
    expect(await world.caller(user).connections.disconnect({ workspaceId: world.workspaceId, providerKey: PROVIDER_KEY })).toEqual({ disconnected: true })
    expect(world.provider.counts.revocations).toBe(revocations + 1)
    expect(world.provider.liveRefreshTokens.has(refresh!)).toBe(false)
    expect(await world.connection(user)).toBeNull()
    expect(await world.services.secrets.get(connection!.refreshTokenRef!, { workspaceId: world.workspaceId, purpose: "oauth_refresh_token" })).toBeNull()
    expect(await bearerTokenFor(world.services, request(user))).toMatchObject({ ok: false, code: "oauth_not_connected" })
    expect(await world.caller(user).connections.disconnect({ workspaceId: world.workspaceId, providerKey: PROVIDER_KEY })).toEqual({ disconnected: false })
    expect(await store().collection(oauthConnections).count({ userId: user.id })).toBe(0)
  })
})

/** The provider's API, called through the egress guard as a tool call would. */
async function fetchMe(token: string) {
  const url = new URL(world.provider.apiUrl)
  const signal = AbortSignal.timeout(10_000)
  const target = await checkEgressTarget(url, url.hostname, world.services.egress, signal)
  return pinnedHttpsRequest({ method: "GET", url, headers: { authorization: `Bearer ${token}` }, body: null }, { target, ca: world.services.egress.ca, maxResponseBytes: 10_000, signal })
}
