// Signs in against a real OpenID provider over HTTP (the fake issuer fixture) and checks that each
// way a provider's answer can be wrong is refused with the right code and a message that leaks
// no code, verifier, token or client secret.

import { createHash } from "node:crypto"
import { inspect } from "node:util"
import { afterEach, describe, expect, it } from "vitest"
import { Secret } from "#shared/config/secret.ts"
import { startFakeOidcIssuer, type FakeOidcIssuer, type FakeOidcIssuerOptions } from "#tests/fixtures/fake-oidc-issuer.ts"
import { createOidcClient, OidcError, type OidcClient, type OidcErrorCode, type OidcSettings } from "./oidc-client.server.ts"

const redirectUri = new URL("http://127.0.0.1:9/auth/oidc/callback")
const running: FakeOidcIssuer[] = []

afterEach(async () => {
  await Promise.all(running.splice(0).map((issuer) => issuer.stop()))
})

async function fakeIssuer(options?: FakeOidcIssuerOptions): Promise<FakeOidcIssuer> {
  const issuer = await startFakeOidcIssuer(options)
  running.push(issuer)
  return issuer
}

function clientFor(issuer: FakeOidcIssuer, overrides: Partial<OidcSettings> = {}): OidcClient {
  return createOidcClient({
    issuer: issuer.issuer,
    clientId: issuer.clientId,
    clientSecret: new Secret(issuer.clientSecret),
    redirectUri,
    scopes: ["openid", "email", "profile"],
    allowInsecureIssuer: true,
    ...overrides,
  })
}

/** What the browser does: go to the provider, which auto-approves and redirects back with a code. */
async function authorize(client: OidcClient) {
  const start = await client.startSignIn()
  const response = await fetch(start.url, { redirect: "manual" })
  expect(response.status).toBe(302)
  const back = new URL(response.headers.get("location") ?? "")
  expect(`${back.origin}${back.pathname}`).toBe(redirectUri.href)
  expect(back.searchParams.get("state")).toBe(start.state)
  const code = back.searchParams.get("code")
  if (code === null) throw new Error(`the provider redirected without a code: ${back.search}`)
  return { start, code }
}

async function signIn(client: OidcClient) {
  const { start, code } = await authorize(client)
  return client.completeSignIn({ code, codeVerifier: start.codeVerifier, nonce: start.nonce })
}

/** Expects an OidcError with this code whose printed forms contain none of the secrets in play. */
async function expectRefusal(issuer: FakeOidcIssuer, attempt: Promise<unknown>, code: OidcErrorCode, secrets: readonly string[] = []) {
  const error = await attempt.then(
    () => expect.fail("expected the sign-in to be refused"),
    (reason: unknown) => reason,
  )
  if (!(error instanceof OidcError)) throw error
  expect(error.code, error.message).toBe(code)
  const printed = [error.message, String(error), inspect(error, { depth: 10 }), JSON.stringify(error)].join("\n")
  const tokens = issuer.issuedTokens.flatMap(({ accessToken, idToken }) => [accessToken, ...idToken.split(".").filter((part) => part.length > 16)])
  for (const secret of [issuer.clientSecret, ...secrets, ...tokens]) expect(printed).not.toContain(secret)
  return error
}

/** A whole sign-in that the client must refuse. */
async function refusedSignIn(issuer: FakeOidcIssuer, code: OidcErrorCode, client = clientFor(issuer)) {
  const { start, code: authorizationCode } = await authorize(client)
  const attempt = client.completeSignIn({ code: authorizationCode, codeVerifier: start.codeVerifier, nonce: start.nonce })
  return expectRefusal(issuer, attempt, code, [authorizationCode, start.codeVerifier])
}

const requestsTo = (issuer: FakeOidcIssuer, suffix: string) => issuer.requests.filter((request) => request.path.endsWith(suffix))

describe("signing in with OpenID Connect", () => {
  it("returns the verified identity, with email verification and name", async () => {
    const issuer = await fakeIssuer()
    issuer.setNextIdentity({ sub: "grace-1", email: "grace@example.com", email_verified: true, name: "Grace Hopper" })
    const identity = await signIn(clientFor(issuer))
    expect(identity).toMatchObject({
      issuer: issuer.issuer.href.replace(/\/$/, ""),
      subject: "grace-1",
      email: "grace@example.com",
      emailVerified: true,
      name: "Grace Hopper",
    })
    expect(identity.claims).toMatchObject({ aud: issuer.clientId, sub: "grace-1" })
    const [tokenRequest] = requestsTo(issuer, "/token")
    expect(tokenRequest).toMatchObject({ method: "POST", clientAuthentication: "client_secret_basic" })
    expect(tokenRequest?.params).toMatchObject({ grant_type: "authorization_code", redirect_uri: redirectUri.href })
    expect(tokenRequest?.params).not.toHaveProperty("client_id")
    expect(requestsTo(issuer, "/userinfo")).toHaveLength(1)
  })

  it("sends the browser to the provider with S256 PKCE, state and nonce, fresh for every attempt", async () => {
    const issuer = await fakeIssuer()
    const client = clientFor(issuer, { scopes: ["email", "profile"] })
    const first = await client.startSignIn()
    const second = await client.startSignIn()
    const params = first.url.searchParams
    expect(`${first.url.origin}${first.url.pathname}`).toBe(`${issuer.issuer.origin}/authorize`)
    expect(Object.fromEntries(params)).toMatchObject({
      response_type: "code",
      client_id: issuer.clientId,
      redirect_uri: redirectUri.href,
      scope: "openid email profile",
      state: first.state,
      nonce: first.nonce,
      code_challenge_method: "S256",
      code_challenge: createHash("sha256").update(first.codeVerifier).digest("base64url"),
    })
    expect(first.codeVerifier.length).toBeGreaterThanOrEqual(43)
    for (const field of ["state", "codeVerifier", "nonce"] as const) expect(second[field]).not.toBe(first[field])
  })

  it("works with an issuer under a path such as /realms/x", async () => {
    const issuer = await fakeIssuer({ path: "/realms/x" })
    const identity = await signIn(clientFor(issuer))
    expect(identity.issuer).toBe(issuer.issuer.href)
    expect(requestsTo(issuer, "/openid-configuration").map((request) => request.path)).toEqual(["/realms/x/.well-known/openid-configuration"])
    expect(requestsTo(issuer, "/token")[0]?.path).toBe("/realms/x/token")
  })

  it("finds discovery under a configured trailing slash but insists on the issuer's exact spelling", async () => {
    const issuer = await fakeIssuer({ path: "/realms/x" })
    const client = clientFor(issuer, { issuer: new URL(`${issuer.issuer.href}/`) })
    const error = await expectRefusal(issuer, client.startSignIn(), "invalid_issuer")
    expect(error.message).toContain(`"${issuer.issuer.href}"`)
    expect(issuer.requests[0]?.path).toBe("/realms/x/.well-known/openid-configuration")
  })

  it("builds the name from given and family names, then the username; trusts email only when verified", async () => {
    const issuer = await fakeIssuer()
    const client = clientFor(issuer)
    issuer.setNextIdentity({ sub: "u1", given_name: "Ada", family_name: "Lovelace", email: "ada@example.com", email_verified: "true" })
    expect(await signIn(client)).toMatchObject({ name: "Ada Lovelace", emailVerified: true })
    issuer.setNextIdentity({ sub: "u2", preferred_username: "alan", email: "alan@example.com", email_verified: "false" })
    expect(await signIn(client)).toMatchObject({ name: "alan", email: "alan@example.com", emailVerified: false })
    issuer.setNextIdentity({ sub: "u3", email: "kurt@example.com" })
    expect(await signIn(client)).toMatchObject({ name: null, email: "kurt@example.com", emailVerified: false })
    issuer.setNextIdentity({ sub: "u4" })
    expect(await signIn(client)).toMatchObject({ name: null, email: null, emailVerified: false })
  })

  it("adds userinfo claims, letting the signed ID token win where they disagree", async () => {
    const issuer = await fakeIssuer()
    issuer.setNextIdentity({ sub: "u1", email: "ada@example.com", email_verified: true })
    issuer.misbehave({ userinfoClaims: { groups: ["engineering"], email: "spoofed@example.com", email_verified: false } })
    const identity = await signIn(clientFor(issuer))
    expect(identity.claims.groups).toEqual(["engineering"])
    expect(identity).toMatchObject({ email: "ada@example.com", emailVerified: true })
  })

  it("uses the ID token alone when the provider has no userinfo endpoint", async () => {
    const issuer = await fakeIssuer()
    issuer.misbehave({ omitUserinfoEndpoint: true })
    expect(await signIn(clientFor(issuer))).toMatchObject({ subject: "user-1", email: "ada@example.com" })
    expect(requestsTo(issuer, "/userinfo")).toHaveLength(0)
  })

  it("signs in as a public client with PKCE alone", async () => {
    const issuer = await fakeIssuer({ publicClient: true })
    expect(await signIn(clientFor(issuer, { clientSecret: undefined }))).toMatchObject({ subject: "user-1" })
    expect(requestsTo(issuer, "/token")[0]).toMatchObject({ clientAuthentication: "none", params: { client_id: issuer.clientId } })
  })

  it("form-encodes the client secret for HTTP Basic, so secrets with + % : and spaces work", async () => {
    const issuer = await fakeIssuer({ clientSecret: "s3cr+t/%25:é ~x=" })
    expect(await signIn(clientFor(issuer))).toMatchObject({ subject: "user-1" })
  })

  it("sends the secret in the form when the provider does not support HTTP Basic", async () => {
    const issuer = await fakeIssuer()
    issuer.misbehave({ tokenEndpointAuthMethods: ["client_secret_post", "private_key_jwt"] })
    await signIn(clientFor(issuer))
    expect(requestsTo(issuer, "/token")[0]).toMatchObject({ clientAuthentication: "client_secret_post" })
  })

  it("fetches discovery once, and again only after it failed", async () => {
    const issuer = await fakeIssuer()
    const client = clientFor(issuer)
    issuer.misbehave({ discoveryStatus: 503 })
    const error = await expectRefusal(issuer, client.startSignIn(), "discovery_failed")
    expect(error.message).toContain("503")
    issuer.misbehave({ discoveryStatus: undefined })
    await signIn(client)
    await signIn(client)
    expect(requestsTo(issuer, "/openid-configuration")).toHaveLength(2)
    expect(requestsTo(issuer, "/jwks")).toHaveLength(1)
  })

  it("follows key rotation: an unknown key id makes it fetch the keys again", async () => {
    const issuer = await fakeIssuer()
    const client = clientFor(issuer)
    await signIn(client)
    issuer.misbehave({ rotateKeys: true })
    expect(await signIn(client)).toMatchObject({ subject: "user-1" })
    expect(requestsTo(issuer, "/jwks")).toHaveLength(2)
  })

  it("accepts ID tokens signed with ES256 as well as RS256", async () => {
    const issuer = await fakeIssuer()
    issuer.misbehave({ idTokenAlgorithm: "ES256" })
    expect(await signIn(clientFor(issuer))).toMatchObject({ subject: "user-1" })
    expect(issuer.issuedTokens[0]?.idToken).toMatch(/^eyJhbGciOiJFUzI1Ni/)
  })

  it("tolerates a provider clock up to 60 s away from ours", async () => {
    const issuer = await fakeIssuer()
    issuer.misbehave({ idTokenExpiresInSeconds: -30, idTokenIssuedAtOffsetSeconds: 30 })
    expect(await signIn(clientFor(issuer))).toMatchObject({ subject: "user-1" })
  })
})

describe("refusing a sign-in", () => {
  it("refuses an ID token issued for another application", async () => {
    const issuer = await fakeIssuer()
    issuer.misbehave({ idTokenAudience: "someone-else" })
    expect((await refusedSignIn(issuer, "invalid_id_token")).message).toContain("audience")
  })

  it("refuses an ID token with several audiences that was not issued to us (azp)", async () => {
    const issuer = await fakeIssuer()
    issuer.misbehave({ idTokenAudience: [issuer.clientId, "someone-else"] })
    expect((await refusedSignIn(issuer, "invalid_id_token")).message).toContain("azp")
    issuer.misbehave({ idTokenAzp: issuer.clientId })
    expect(await signIn(clientFor(issuer))).toMatchObject({ subject: "user-1" })
  })

  it("refuses an ID token from another issuer", async () => {
    const issuer = await fakeIssuer()
    issuer.misbehave({ idTokenIssuer: "https://evil.example.com" })
    expect((await refusedSignIn(issuer, "invalid_id_token")).message).toContain("evil.example.com")
  })

  it("refuses an expired ID token", async () => {
    const issuer = await fakeIssuer()
    issuer.misbehave({ idTokenExpiresInSeconds: -120 })
    expect((await refusedSignIn(issuer, "invalid_id_token")).message).toContain("expired")
  })

  it("refuses an ID token issued in the future", async () => {
    const issuer = await fakeIssuer()
    issuer.misbehave({ idTokenIssuedAtOffsetSeconds: 600, idTokenExpiresInSeconds: 900 })
    expect((await refusedSignIn(issuer, "invalid_id_token")).message).toContain("future")
  })

  it("refuses an ID token minted for another sign-in attempt (nonce mismatch)", async () => {
    const issuer = await fakeIssuer()
    issuer.misbehave({ nonce: "wrong" })
    expect((await refusedSignIn(issuer, "invalid_id_token")).message).toContain("nonce")
  })

  it("refuses an ID token signed by a key the issuer does not publish, after looking for it once more", async () => {
    const issuer = await fakeIssuer()
    const client = clientFor(issuer)
    await signIn(client)
    issuer.misbehave({ signWithUnknownKey: true })
    expect((await refusedSignIn(issuer, "invalid_id_token", client)).message).toContain("does not publish")
    expect(requestsTo(issuer, "/jwks")).toHaveLength(2)
  })

  it("refuses an ID token altered after signing", async () => {
    const issuer = await fakeIssuer()
    issuer.misbehave({ tamperIdToken: true })
    expect((await refusedSignIn(issuer, "invalid_id_token")).message).toContain("signature")
  })

  it("refuses unsigned and symmetric (HS256) ID tokens", async () => {
    const issuer = await fakeIssuer()
    issuer.misbehave({ idTokenAlgorithm: "none" })
    expect((await refusedSignIn(issuer, "invalid_id_token")).message).toContain("not a signed JWT")
    issuer.misbehave({ idTokenAlgorithm: "HS256" })
    expect((await refusedSignIn(issuer, "invalid_id_token")).message).toContain("signed with HS256")
  })

  it("refuses userinfo about a different user", async () => {
    const issuer = await fakeIssuer()
    issuer.misbehave({ userinfoSub: "other" })
    expect((await refusedSignIn(issuer, "invalid_id_token")).message).toContain("different user")
  })

  it("reports a failing userinfo endpoint", async () => {
    const issuer = await fakeIssuer()
    issuer.misbehave({ userinfoStatus: 500 })
    expect((await refusedSignIn(issuer, "userinfo_failed")).message).toContain("500")
  })

  it("refuses a discovery document that names another issuer", async () => {
    const issuer = await fakeIssuer()
    issuer.misbehave({ discoveryIssuer: "https://login.example.com" })
    const error = await expectRefusal(issuer, clientFor(issuer).startSignIn(), "invalid_issuer")
    expect(error.message).toContain("https://login.example.com")
  })

  it("refuses an http:// issuer unless insecure issuers are allowed, before any request", async () => {
    const issuer = await fakeIssuer()
    expect(() => clientFor(issuer, { allowInsecureIssuer: false })).toThrow(expect.objectContaining({ code: "invalid_issuer" }))
    expect(() => clientFor(issuer, { allowInsecureIssuer: undefined })).toThrow(OidcError)
    expect(issuer.requests).toHaveLength(0)
  })

  it("surfaces the provider refusing a code used twice", async () => {
    const issuer = await fakeIssuer()
    const client = clientFor(issuer)
    const { start, code } = await authorize(client)
    const input = { code, codeVerifier: start.codeVerifier, nonce: start.nonce }
    await client.completeSignIn(input)
    const error = await expectRefusal(issuer, client.completeSignIn(input), "token_exchange_failed", [code, start.codeVerifier])
    expect(error.oauthError).toBe("invalid_grant")
  })

  it("surfaces the provider refusing a code with another attempt's PKCE verifier", async () => {
    const issuer = await fakeIssuer()
    const client = clientFor(issuer)
    const first = await authorize(client)
    const second = await authorize(client)
    const attempt = client.completeSignIn({ code: first.code, codeVerifier: second.start.codeVerifier, nonce: first.start.nonce })
    const error = await expectRefusal(issuer, attempt, "token_exchange_failed", [first.code, first.start.codeVerifier, second.start.codeVerifier])
    expect(error.oauthError).toBe("invalid_grant")
  })

  it("says the client credentials are wrong without repeating the secret", async () => {
    const issuer = await fakeIssuer()
    const wrongSecret = "not-the-right-secret-1234567890"
    const error = await refusedSignIn(issuer, "token_exchange_failed", clientFor(issuer, { clientSecret: new Secret(wrongSecret) }))
    expect(error.oauthError).toBe("invalid_client")
    expect(error.message).toContain("client ID and secret")
    expect(inspect(error)).not.toContain(wrongSecret)
  })

  it("gives up on a provider that does not answer", async () => {
    const issuer = await fakeIssuer()
    const client = clientFor(issuer, { timeoutMs: 300 })
    issuer.misbehave({ stall: "discovery" })
    expect((await expectRefusal(issuer, client.startSignIn(), "discovery_failed")).message).toContain("did not answer in time")
    issuer.misbehave({ stall: "token" })
    expect((await refusedSignIn(issuer, "token_exchange_failed", client)).message).toContain("did not answer in time")
  })
})
