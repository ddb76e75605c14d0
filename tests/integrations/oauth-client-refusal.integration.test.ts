// A connect whose code exchange the provider refuses because of the OAuth client itself (wrong
// secret, or the secret sent the way the provider does not take it): the member is sent back with
// token_exchange_failed as before, and the admin sees it on the client's card
// (ProviderView.lastConnectError, a code and a time, never the provider's text) until a save
// changes the credentials or a connect succeeds. Real fake provider over HTTPS, real SQLite.

import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { oauthProviders } from "#app/integrations/integration-collections.server.ts"
import { createOAuthWorld, PROVIDER_KEY, type OAuthWorld } from "./oauth-world.ts"

let world: OAuthWorld
beforeAll(async () => {
  // The fake provider accepts only client_secret_basic.
  world = await createOAuthWorld({ tokenAuthMethod: "client_secret_basic" })
  await world.saveProvider()
  await world.grantApp(["mail.read"])
})
afterAll(async () => {
  await world?.close()
})

const admin = () => world.caller(world.people.admin)
const viewOf = async () => (await admin().oauthProviders.list({ workspaceId: world.workspaceId })).providers.find((view) => view.providerKey === PROVIDER_KEY)!
const document = async () => (await world.services.store.collection(oauthProviders).findOne({ workspaceId: world.workspaceId, providerKey: PROVIDER_KEY }))!
const resave = (changes: { tokenAuthMethod?: "client_secret_basic" | "client_secret_post"; clientSecret?: string; displayName?: string }) =>
  admin().oauthProviders.save({
    workspaceId: world.workspaceId,
    providerKey: PROVIDER_KEY,
    displayName: changes.displayName ?? "Acme Mail",
    clientId: world.provider.client.clientId,
    authorizationUrl: world.provider.authorizationUrl,
    tokenUrl: world.provider.tokenUrl,
    revocationUrl: world.provider.revocationUrl,
    tokenAuthMethod: changes.tokenAuthMethod ?? "client_secret_basic",
    ...(changes.clientSecret === undefined ? {} : { clientSecret: changes.clientSecret }),
    authorizationParams: { access_type: "offline" },
  })

/** A new member's connect; returns the oauth_error code, or "connected". */
async function connectOutcome(): Promise<string> {
  const response = await world.connect(await world.browser(await world.newMember()))
  expect(response.status).toBe(303)
  const back = new URL(response.headers.get("location")!, "http://second.test")
  return back.searchParams.get("oauth_error") ?? (back.searchParams.get("connected") === PROVIDER_KEY ? "connected" : "neither")
}

describe("a client the provider refuses at the code exchange", () => {
  it("the wrong token auth method: token_exchange_failed for the member, invalid_client on the admin's card; a save that changes the method clears it", async () => {
    expect((await viewOf()).lastConnectError).toBeNull()
    await resave({ tokenAuthMethod: "client_secret_post" })
    expect(await connectOutcome()).toBe("token_exchange_failed")
    const view = await viewOf()
    expect(view.lastConnectError).toEqual({ code: "invalid_client", at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) })
    // Only a code from the fixed set on the document: no provider text, no secret.
    const stored = await document()
    expect(stored).toMatchObject({ lastConnectErrorCode: "invalid_client" })
    expect(JSON.stringify(stored)).not.toContain(world.provider.client.clientSecret)

    // Renaming the client does not answer the refusal; changing how the secret is sent does.
    await resave({ tokenAuthMethod: "client_secret_post", displayName: "Acme Mail (renamed)" })
    expect((await viewOf()).lastConnectError).toEqual(view.lastConnectError)
    await resave({ tokenAuthMethod: "client_secret_basic" })
    expect((await viewOf()).lastConnectError).toBeNull()
    expect(await connectOutcome()).toBe("connected")
  })

  it("a wrong client secret: recorded; a new secret clears it, and so does a later successful connect", async () => {
    await resave({ clientSecret: "not-the-secret" })
    expect(await connectOutcome()).toBe("token_exchange_failed")
    expect((await viewOf()).lastConnectError?.code).toBe("invalid_client")
    await resave({ clientSecret: world.provider.client.clientSecret })
    expect((await viewOf()).lastConnectError).toBeNull()

    // Recorded earlier (another person's failed connect), then someone connects fine: cleared.
    await world.services.store.collection(oauthProviders).updateOne({ id: (await document()).id }, { lastConnectErrorCode: "unauthorized_client", lastConnectErrorAt: new Date().toISOString() })
    expect((await viewOf()).lastConnectError?.code).toBe("unauthorized_client")
    expect(await connectOutcome()).toBe("connected")
    expect((await viewOf()).lastConnectError).toBeNull()
    expect(await document()).toMatchObject({ lastConnectErrorCode: null, lastConnectErrorAt: null })
  })

  it("a refusal that is not the client's (a tampered code: invalid_grant) records nothing for the admin", async () => {
    const browser = await world.browser(await world.newMember())
    const back = new URL((await world.consented(browser)).callback, "https://second.test")
    back.searchParams.set("code", `${back.searchParams.get("code")}x`)
    const response = await browser.get(`${back.pathname}${back.search}`)
    expect(response.headers.get("location")).toContain("oauth_error=token_exchange_failed")
    expect((await viewOf()).lastConnectError).toBeNull()
  })

  it("a code stored by hand that is not in the fixed set is never shown", async () => {
    await world.services.store.collection(oauthProviders).updateOne({ id: (await document()).id }, { lastConnectErrorCode: "client secret abc123 was wrong", lastConnectErrorAt: new Date().toISOString() })
    expect((await viewOf()).lastConnectError).toBeNull()
    await world.services.store.collection(oauthProviders).updateOne({ id: (await document()).id }, { lastConnectErrorCode: null, lastConnectErrorAt: null })
  })
})
