// The auth line against a real (fake) OpenID issuer on loopback: its discovery document read and
// accepted, versus a dead issuer URL and an issuer whose discovery answers an error.

import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startFakeOidcIssuer, type FakeOidcIssuer } from "#tests/fixtures/fake-oidc-issuer.ts"
import { DEAD_URL, doctor, STRONG_TOKEN } from "./doctor-lines.ts"

const ITEM = "SECOND_AUTH_MODE=external"
let issuer: FakeOidcIssuer

beforeAll(async () => {
  issuer = await startFakeOidcIssuer({ path: "/realms/doctor" })
})
afterAll(async () => {
  await issuer.stop()
})

const external = (issuerUrl: string) => ({
  SECOND_AUTH_MODE: "external",
  SECOND_OIDC_ISSUER: issuerUrl,
  SECOND_OIDC_CLIENT_ID: issuer.clientId,
  SECOND_OIDC_CLIENT_SECRET: issuer.clientSecret,
  WORKER_URL: DEAD_URL,
  INTERNAL_API_TOKEN: STRONG_TOKEN,
})

describe("external auth provider", () => {
  it("passes when the issuer publishes a valid discovery document", async () => {
    const run = await doctor(external(issuer.issuer.href))
    expect(run.line(ITEM)).toMatchObject({ status: "pass" })
    expect(run.progress).toContain(`the OIDC issuer ${issuer.issuer.origin}`)
    expect(issuer.requests.some((request) => request.path.endsWith("/.well-known/openid-configuration"))).toBe(true)
    expect(run.line("The auth provider syncs")).toMatchObject({ status: "skip" })
  })

  it("fails a dead issuer URL", async () => {
    const line = (await doctor(external(`${DEAD_URL}/realms/doctor`))).line(ITEM)
    expect(line).toMatchObject({ status: "fail" })
    expect(line.detail).toContain("Could not reach the identity provider")
  })

  it("fails an issuer whose discovery document is an error or names another issuer", async () => {
    issuer.misbehave({ discoveryStatus: 500 })
    try {
      expect((await doctor(external(issuer.issuer.href))).line(ITEM).detail).toContain("answered HTTP 500")
    } finally {
      issuer.misbehave({ discoveryStatus: undefined })
    }
    issuer.misbehave({ discoveryIssuer: "https://impostor.example" })
    try {
      expect((await doctor(external(issuer.issuer.href))).line(ITEM).detail).toContain("impostor.example")
    } finally {
      issuer.misbehave({ discoveryIssuer: undefined })
    }
  })
})
