// The doctor's configuration lines, checked without any service: a variable the web refuses is a
// ✗ line naming it (not a crash), and the lines that only read the configuration say ✓, ✗ or skip.

import { describe, expect, it } from "vitest"
import { formatReport } from "#app/doctor/print-report.server.ts"
import { weaknessOf } from "#app/doctor/internal-token.server.ts"
import { DEAD_URL, doctor, STRONG_TOKEN } from "./doctor-lines.ts"

const base = { WORKER_URL: DEAD_URL, SECOND_PUBLIC_URL: "https://second.invalid", INTERNAL_API_TOKEN: STRONG_TOKEN }

describe("configuration that does not parse", () => {
  it("reports each refused variable as its own ✗ line, and still runs the other checks", async () => {
    const run = await doctor({ ...base, SECOND_PUBLIC_URL: "second.example.com", REDIS_URL: "localhost:6379", SECOND_RUN_LEASE_SECONDS: "forever" })
    expect(run.line("SECOND_PUBLIC_URL is valid")).toMatchObject({ status: "fail" })
    expect(run.line("SECOND_PUBLIC_URL is valid").detail).toContain("must be a URL")
    expect(run.line("REDIS_URL is valid").detail).toContain("must start with redis://")
    expect(run.line("SECOND_RUN_LEASE_SECONDS is valid")).toMatchObject({ status: "fail" })
    for (const variable of ["SECOND_PUBLIC_URL", "REDIS_URL", "SECOND_RUN_LEASE_SECONDS"]) expect(run.line("The web starts").detail).toContain(variable)
    expect(run.line("The web starts")).toMatchObject({ status: "fail" })
    run.failsOnce("SECOND_PUBLIC_URL is your public HTTPS origin", "SECOND_PUBLIC_URL")
    run.failsOnce("Redis reachable", "REDIS_URL")
  })

  it("lists every cross-variable rule the web would refuse to start on, not just the first", async () => {
    const run = await doctor({ ...base, NODE_ENV: "production" })
    expect(run.line("The web starts")).toMatchObject({ status: "fail" })
    expect(run.line("MONGODB_URI is valid").detail).toMatch(/MONGODB_URI is required in production/)
    expect(run.line("REDIS_URL is valid").detail).toMatch(/REDIS_URL is required in production/)
    expect(run.line("SECOND_TOKEN_ENCRYPTION_KEY is valid").detail).toMatch(/is required in production when OAuth/)
  })

  it("says ✓ when the web would start", async () => {
    const run = await doctor(base)
    expect(run.line("The web starts")).toMatchObject({ status: "pass" })
  })
})

describe("public URL, OAuth redirect URI and secret store", () => {
  it("fails an http:// public URL and its redirect URI, and prints the redirect URI to register", async () => {
    const insecure = await doctor({ ...base, SECOND_PUBLIC_URL: "http://second.example.com" })
    expect(insecure.line("SECOND_PUBLIC_URL is your public HTTPS origin")).toMatchObject({ status: "fail" })
    expect(insecure.line("OAuth apps use")).toMatchObject({ status: "fail" })
    const secure = await doctor({ ...base, SECOND_PUBLIC_URL: "https://second.example.com" })
    expect(secure.line("SECOND_PUBLIC_URL is your public HTTPS origin")).toMatchObject({ status: "pass" })
    expect(secure.line("OAuth apps use")).toMatchObject({ status: "pass" })
    expect(secure.line("OAuth apps use").detail).toContain("https://second.example.com/api/oauth/callback")
  })

  it("accepts a loopback http:// redirect URI (providers allow those) and skips it when OAuth is off", async () => {
    expect((await doctor({ ...base, SECOND_PUBLIC_URL: "http://localhost:4198" })).line("OAuth apps use")).toMatchObject({ status: "pass" })
    expect((await doctor({ ...base, SECOND_OAUTH_DISABLED: "1" })).line("OAuth apps use")).toMatchObject({ status: "skip" })
  })

  it("requires a secret store when OAuth is on: ✗ in production, skipped outside it, ✓ with either store", async () => {
    const inProduction = await doctor({ ...base, NODE_ENV: "production" })
    inProduction.failsOnce("A secret store", "SECOND_TOKEN_ENCRYPTION_KEY")
    expect((await doctor(base)).line("A secret store")).toMatchObject({ status: "skip" })
    expect((await doctor({ ...base, NODE_ENV: "production", SECOND_OAUTH_DISABLED: "1" })).line("A secret store")).toMatchObject({ status: "skip" })
    expect((await doctor({ ...base, SECOND_TOKEN_ENCRYPTION_KEY: "a".repeat(64) })).line("A secret store")).toMatchObject({ status: "pass" })
    expect((await doctor({ ...base, WORKOS_API_KEY: "sk_test_abc" })).line("A secret store").detail).toContain("WorkOS Vault")
  })
})

describe("auth mode", () => {
  it("fails SECOND_AUTH_MODE=none and external without an issuer", async () => {
    expect((await doctor(base)).line("SECOND_AUTH_MODE=external")).toMatchObject({ status: "fail" })
    const noIssuer = await doctor({ ...base, SECOND_AUTH_MODE: "external" })
    expect(noIssuer.line("SECOND_AUTH_MODE=external").detail).toContain("SECOND_OIDC_ISSUER")
  })
})

describe("INTERNAL_API_TOKEN strength", () => {
  it("refuses short, placeholder, guessable and repetitive tokens, and accepts a generated one", () => {
    expect(weaknessOf("0123456789abcdef")).toMatch(/at least 32/)
    expect(weaknessOf("$(openssl rand -hex 32)xxxxxxxxxxxxxxxxxxxx")).toMatch(/well-known/)
    expect(weaknessOf("changeme-changeme-changeme-changeme")).toMatch(/well-known/)
    expect(weaknessOf("my-internal-api-token-for-second-prod")).toMatch(/well-known/)
    expect(weaknessOf("a".repeat(40))).toMatch(/different characters/)
    expect(weaknessOf("abababab12121212abababab12121212")).toMatch(/different characters/)
    expect(weaknessOf(STRONG_TOKEN)).toBeNull()
  })

  it("fails an unset (in production) or weak token without ever printing it", async () => {
    expect((await doctor({ ...base, NODE_ENV: "production", INTERNAL_API_TOKEN: undefined })).line("INTERNAL_API_TOKEN is a strong")).toMatchObject({ status: "fail" })
    // npm start generates one: outside production an unset token is not a failure.
    expect((await doctor({ ...base, INTERNAL_API_TOKEN: undefined })).line("INTERNAL_API_TOKEN is a strong")).toMatchObject({ status: "skip" })
    const weak = "changeme-changeme-changeme-changeme"
    const run = await doctor({ ...base, INTERNAL_API_TOKEN: weak })
    expect(run.line("INTERNAL_API_TOKEN is a strong")).toMatchObject({ status: "fail" })
    expect(formatReport(run)).not.toContain(weak)
    expect((await doctor(base)).line("INTERNAL_API_TOKEN is a strong")).toMatchObject({ status: "pass" })
  })
})

describe("npm start (no WORKER_URL outside production)", () => {
  it("skips the worker lines, saying the worker runs inside the web's process, rather than failing them", async () => {
    const run = await doctor({ SECOND_PUBLIC_URL: "https://second.invalid" })
    for (const item of ["INTERNAL_API_TOKEN is the same", "At least one runtime"]) {
      expect(run.line(item)).toMatchObject({ status: "skip" })
      expect(run.line(item).detail).toContain("npm start")
    }
  })
})

describe("services on the public host", () => {
  it("fails when WORKER_URL, MONGODB_URI or REDIS_URL use the public URL's host", async () => {
    const run = await doctor({
      ...base,
      SECOND_PUBLIC_URL: "https://second.example.com",
      WORKER_URL: "http://second.example.com:3001",
      REDIS_URL: "redis://:pw@second.example.com:6379",
    })
    const line = run.line("Worker, MongoDB and Redis are not addressed by the public host")
    expect(line).toMatchObject({ status: "fail" })
    expect(line.detail).toContain("WORKER_URL, REDIS_URL")
  })

  it("passes internal names, and skips a loopback public URL", async () => {
    const internal = await doctor({ ...base, SECOND_PUBLIC_URL: "https://second.example.com", WORKER_URL: "http://worker:3001", MONGODB_URI: "mongodb://mongo:27017/second" })
    expect(internal.line("Worker, MongoDB and Redis are not addressed")).toMatchObject({ status: "pass" })
    const loopback = await doctor({ ...base, SECOND_PUBLIC_URL: "http://127.0.0.1:3000" })
    expect(loopback.line("Worker, MongoDB and Redis are not addressed")).toMatchObject({ status: "skip" })
  })
})

describe("secrets in the printed report", () => {
  it("masks every secret variable and connection-string password, whatever a message held", async () => {
    const run = await doctor({
      ...base,
      REDIS_URL: "redis://:redis-password-canary@127.0.0.1:9",
      MONGODB_URI: "mongodb://admin:mongo-password-canary@127.0.0.1:9/second",
      SECOND_OIDC_CLIENT_SECRET: "oidc-secret-canary",
    })
    const text = formatReport({ ...run, lines: [...run.lines, { status: "fail", item: "x", detail: `${STRONG_TOKEN} mongo-password-canary oidc-secret-canary`, fix: "y" }] })
    for (const canary of [STRONG_TOKEN, "redis-password-canary", "mongo-password-canary", "oidc-secret-canary"]) expect(text).not.toContain(canary)
  })
})
