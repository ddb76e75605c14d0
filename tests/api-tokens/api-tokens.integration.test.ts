// Personal API tokens in-process: made, listed and revoked on the Account page's procedures, and
// used as a script would (Authorization: Bearer), with their role ceiling, expiry, revocation,
// removed members, their workspace only, lastUsedAt and audit events that never hold the secret.

import { TRPCError } from "@trpc/server"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { apiTokens } from "#app/api-tokens/api-token-collections.server.ts"
import { API_TOKEN_PATTERN, INVALID_API_TOKEN_MESSAGE } from "#app/api-tokens/api-token-text.ts"
import { auditEvents, memberships } from "#app/store/collections.server.ts"
import { hashToken } from "#shared/crypto/token-hash.ts"
import { newId } from "#shared/ids.ts"
import { openTokenWorld, type TokenWorld } from "./token-world.ts"

let world: TokenWorld
beforeEach(async () => {
  world = await openTokenWorld()
})
afterEach(async () => {
  await world.close()
})

/** The refusal's code and message, or "ok". */
async function outcome(call: () => Promise<unknown>): Promise<string> {
  try {
    await call()
    return "ok"
  } catch (error) {
    if (error instanceof TRPCError) return `${error.code}: ${error.message}`
    throw error
  }
}

describe("making, listing and revoking tokens", () => {
  it("shows the token once, stores only its hash, and lists it by name and hint", async () => {
    const workspaceId = await world.workspace()
    const ada = await world.person(workspaceId, "member")
    const { token, view } = await world.token(workspaceId, ada)
    expect(token).toMatch(API_TOKEN_PATTERN)
    expect(view).toMatchObject({ name: "CI script", role: "member", hint: token.slice(4, 8), lastUsedAt: null, mine: true })
    const stored = await world.store.collection(apiTokens).findOne({ id: view.id })
    expect(stored?.tokenHash).toBe(hashToken(token))
    expect(JSON.stringify(stored)).not.toContain(token.slice(4))
    const { tokens } = await world.caller(ada).apiTokens.list({ workspaceId })
    expect(tokens.map((listed) => listed.id)).toEqual([view.id])
    expect(JSON.stringify(tokens)).not.toContain(token.slice(4))
  })

  it("expires after the chosen number of days, and refuses other expiries", async () => {
    const workspaceId = await world.workspace()
    const ada = await world.person(workspaceId, "member")
    const { view } = await world.token(workspaceId, ada, "member", 7)
    const days = (Date.parse(view.expiresAt) - Date.parse(view.createdAt)) / 86_400_000
    expect(days).toBe(7)
    const refused = await outcome(() =>
      world.caller(ada).apiTokens.create({ workspaceId, name: "x", role: "member", expiresInDays: 3 as never }),
    )
    expect(refused).toMatch(/^BAD_REQUEST: .*expiresInDays must be one of 7, 30, 90, 365/s)
  })

  it("refuses names that are empty, too long or hold invisible characters", async () => {
    const workspaceId = await world.workspace()
    const ada = await world.person(workspaceId, "member")
    for (const name of ["   ", "x".repeat(81), "deploy\u202e"]) {
      expect(await outcome(() => world.caller(ada).apiTokens.create({ workspaceId, name, role: "member", expiresInDays: 30 }))).toMatch(/^BAD_REQUEST: .*name must/s)
    }
  })

  it("never gives a token a role above its maker's", async () => {
    const workspaceId = await world.workspace()
    const member = await world.person(workspaceId, "member")
    const admin = await world.person(workspaceId, "admin")
    expect(await outcome(() => world.token(workspaceId, member, "admin"))).toMatch(/^FORBIDDEN: A token's role cannot be higher than yours \(member\)/)
    expect(await outcome(() => world.token(workspaceId, admin, "owner"))).toMatch(/^FORBIDDEN: /)
    expect(await outcome(() => world.token(workspaceId, admin, "member"))).toBe("ok")
  })

  it("lists only one's own tokens; admins see and revoke everyone's; a member cannot revoke another's", async () => {
    const workspaceId = await world.workspace()
    const ada = await world.person(workspaceId, "member")
    const bea = await world.person(workspaceId, "member")
    const admin = await world.person(workspaceId, "admin")
    const adas = await world.token(workspaceId, ada)
    await world.token(workspaceId, bea)
    expect((await world.caller(bea).apiTokens.list({ workspaceId })).tokens.map((token) => token.id)).not.toContain(adas.view.id)
    expect((await world.caller(admin).apiTokens.list({ workspaceId })).tokens).toHaveLength(2)
    expect(await outcome(() => world.caller(bea).apiTokens.revoke({ workspaceId, tokenId: adas.view.id }))).toBe("NOT_FOUND: API token not found.")
    expect(await outcome(() => world.caller(admin).apiTokens.revoke({ workspaceId, tokenId: adas.view.id }))).toBe("ok")
    expect((await world.caller(ada).apiTokens.list({ workspaceId })).tokens).toEqual([])
    expect(await outcome(async () => (await world.asToken(adas.token)).workspaces.get({ workspaceId }))).toBe(`UNAUTHORIZED: ${INVALID_API_TOKEN_MESSAGE}`)
  })

  it("records creation and revocation in the audit log, never the token or its hash", async () => {
    const workspaceId = await world.workspace()
    const ada = await world.person(workspaceId, "member")
    const { token, view } = await world.token(workspaceId, ada)
    await world.caller(ada).apiTokens.revoke({ workspaceId, tokenId: view.id })
    // Both may fall in one millisecond: found by action, not by order.
    const events = await world.store.collection(auditEvents).findMany({ workspaceId, targetId: view.id })
    expect(events.map((event) => event.action).sort()).toEqual(["api_token.created", "api_token.revoked"])
    expect(events.find((event) => event.action === "api_token.created")!.after).toMatchObject({ name: "CI script", role: "member", expiresAt: view.expiresAt })
    expect(events.find((event) => event.action === "api_token.revoked")!.before).toMatchObject({ name: "CI script", userId: ada.viewer.user.id })
    const text = JSON.stringify(events)
    expect(text).not.toContain(token.slice(4))
    expect(text).not.toContain(hashToken(token))
  })
})

describe("a script with a token", () => {
  it("acts as its maker in the token's workspace, ignores the request's cookie, and updates lastUsedAt", async () => {
    const workspaceId = await world.workspace()
    const ada = await world.person(workspaceId, "member")
    const admin = await world.person(workspaceId, "admin")
    const { token, view } = await world.token(workspaceId, ada)
    // The admin's cookie rides along: the token alone decides (a member sees no audit log).
    const script = await world.asToken(token, admin.cookie)
    expect((await script.workspaces.get({ workspaceId })).role).toBe("member")
    expect(await outcome(() => script.audit.list({ workspaceId, limit: 10 }))).toMatch(/^FORBIDDEN: This API token's role \(member\)/)
    const used = await world.store.collection(apiTokens).findOne({ id: view.id })
    expect(used?.lastUsedAt).not.toBeNull()
    expect((await world.caller(ada).apiTokens.list({ workspaceId })).tokens[0]!.lastUsedAt).toBe(used?.lastUsedAt)
  })

  it("acts at the lower of the token's role and its maker's current role", async () => {
    const workspaceId = await world.workspace()
    const admin = await world.person(workspaceId, "admin")
    const asMember = await world.token(workspaceId, admin, "member")
    expect((await (await world.asToken(asMember.token)).workspaces.get({ workspaceId })).role).toBe("member")
    const asAdmin = await world.token(workspaceId, admin, "admin")
    expect((await (await world.asToken(asAdmin.token)).workspaces.get({ workspaceId })).role).toBe("admin")
    await world.store.collection(memberships).updateOne({ id: admin.membership.id }, { role: "member" })
    expect((await (await world.asToken(asAdmin.token)).workspaces.get({ workspaceId })).role).toBe("member")
  })

  it("reaches no other workspace: it does not exist for the token (404), even where its maker is a member", async () => {
    const workspaceId = await world.workspace()
    const other = await world.workspace()
    const ada = await world.person(workspaceId, "admin")
    await world.store.collection(memberships).insert({ ...ada.membership, id: newId(), workspaceId: other })
    const { token } = await world.token(workspaceId, ada)
    const script = await world.asToken(token)
    expect(await outcome(() => script.workspaces.get({ workspaceId: other }))).toBe("NOT_FOUND: Workspace not found.")
    expect((await script.workspaces.list()).map((workspace) => workspace.id)).toEqual([workspaceId])
  })

  it("stops working at once when its maker leaves the workspace, and does not come back when they rejoin", async () => {
    const workspaceId = await world.workspace()
    const ada = await world.person(workspaceId, "member")
    const { token } = await world.token(workspaceId, ada)
    await world.store.collection(memberships).deleteMany({ id: ada.membership.id })
    expect(await outcome(async () => (await world.asToken(token)).workspaces.get({ workspaceId }))).toBe(`UNAUTHORIZED: ${INVALID_API_TOKEN_MESSAGE}`)
    const rejoinedAt = new Date(Date.now() + 1000).toISOString()
    await world.store.collection(memberships).insert({ ...ada.membership, id: newId(), createdAt: rejoinedAt, updatedAt: rejoinedAt })
    expect(await outcome(async () => (await world.asToken(token)).workspaces.get({ workspaceId }))).toBe(`UNAUTHORIZED: ${INVALID_API_TOKEN_MESSAGE}`)
  })

  it("refuses expired, revoked, wrong and malformed tokens with one message", async () => {
    const workspaceId = await world.workspace()
    const ada = await world.person(workspaceId, "member")
    const expired = await world.token(workspaceId, ada)
    await world.store.collection(apiTokens).updateOne({ id: expired.view.id }, { expiresAt: new Date(Date.now() - 1000).toISOString() })
    const revoked = await world.token(workspaceId, ada)
    await world.caller(ada).apiTokens.revoke({ workspaceId, tokenId: revoked.view.id })
    const wrong = `sec_${"A".repeat(43)}`
    for (const token of [expired.token, revoked.token, wrong, "sec_short", "sec_"]) {
      expect(await outcome(async () => (await world.asToken(token)).workspaces.get({ workspaceId })), token).toBe(`UNAUTHORIZED: ${INVALID_API_TOKEN_MESSAGE}`)
    }
    // A bearer that is not one of ours (a proxy's JWT) is left to the cookie: none here, so signed out.
    expect(await outcome(async () => (await world.asToken("not-a-token")).workspaces.get({ workspaceId }))).toBe("UNAUTHORIZED: Sign in first.")
  })

  it("is ignored by pages: a page's caller sees the cookie only", async () => {
    const workspaceId = await world.workspace()
    const ada = await world.person(workspaceId, "member")
    const { token } = await world.token(workspaceId, ada)
    const page = await world.asPage({ authorization: `Bearer ${token}` })
    expect(await outcome(() => page.workspaces.get({ workspaceId }))).toBe("UNAUTHORIZED: Sign in first.")
  })
})
