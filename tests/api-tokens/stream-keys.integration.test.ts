// Live streams opened with a token end like a session's: the hubs' recheck keeps a token's
// streams while it holds and drops them once it is revoked or expired, and a stream's role
// never rises above its token's.

import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { apiTokens } from "#app/api-tokens/api-token-collections.server.ts"
import { cappedRole, tokenStreamKey, validStreamKeys } from "#app/api-tokens/stream-keys.server.ts"
import { openTokenWorld, type TokenWorld } from "./token-world.ts"

let world: TokenWorld
beforeEach(async () => {
  world = await openTokenWorld()
})
afterEach(async () => {
  await world.close()
})

describe("stream holders", () => {
  it("keeps live sessions and tokens, drops revoked and expired tokens and unknown keys", async () => {
    const workspaceId = await world.workspace()
    const ada = await world.person(workspaceId, "member")
    const live = await world.token(workspaceId, ada)
    const revoked = await world.token(workspaceId, ada)
    await world.caller(ada).apiTokens.revoke({ workspaceId, tokenId: revoked.view.id })
    const expired = await world.token(workspaceId, ada)
    await world.store.collection(apiTokens).updateOne({ id: expired.view.id }, { expiresAt: new Date(Date.now() - 1000).toISOString() })
    const keys = [ada.viewer.session.id, tokenStreamKey(live.view.id), tokenStreamKey(revoked.view.id), tokenStreamKey(expired.view.id), "a".repeat(64)]
    expect([...(await validStreamKeys(world.store, keys))].sort()).toEqual([ada.viewer.session.id, tokenStreamKey(live.view.id)].sort())
  })

  it("caps a stream's role at its token's", () => {
    expect(cappedRole("owner", "member")).toBe("member")
    expect(cappedRole("member", "admin")).toBe("member")
    expect(cappedRole("admin", undefined)).toBe("admin")
  })
})
