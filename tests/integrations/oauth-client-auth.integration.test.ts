// Each token auth method against a provider that accepts only that one: the code exchange and the
// refresh both authenticate the client as saved (Basic with form-encoded parts, the form body, or
// a public client naming itself with PKCE alone).

import { describe, expect, it } from "vitest"
import { bearerTokenFor } from "#app/integrations/oauth/token-broker.server.ts"
import { oauthConnections } from "#app/integrations/integration-collections.server.ts"
import { createOAuthWorld, PROVIDER_KEY } from "./oauth-world.ts"

describe.each(["client_secret_basic", "client_secret_post", "none"] as const)("tokenAuthMethod %s", (tokenAuthMethod) => {
  it("connects and refreshes", async () => {
    const world = await createOAuthWorld({ tokenAuthMethod })
    try {
      await world.saveProvider()
      const response = await world.connect(await world.browser(world.people.member))
      expect(response.headers.get("location")).toContain(`connected=${PROVIDER_KEY}`)
      await world.services.store.collection(oauthConnections).updateMany({ userId: world.people.member.id }, { accessTokenExpiresAt: new Date(Date.now() - 1000).toISOString() })
      const outcome = await bearerTokenFor(world.services, { workspaceId: world.workspaceId, userId: world.people.member.id, providerKey: PROVIDER_KEY, requiredScopes: [] })
      expect(outcome.ok).toBe(true)
      expect(world.provider.refreshRequests).toBe(1)
    } finally {
      await world.close()
    }
  })
})
