import { describe, expect, it } from "vitest"
import { ConfigError } from "#shared/config/env.ts"
import { loadWebConfig } from "./config.server.ts"
import { PRODUCTION_INTERNAL_TOKEN as token, productionEnv as production } from "./production-env.fixture.ts"

/** The message of the ConfigError that loading `env` throws. */
function problem(env: Record<string, string | undefined>): string {
  try {
    loadWebConfig(env)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as ConfigError).message
  }
  throw new Error("expected the configuration to be refused")
}

const ONE_LINE = /^Invalid configuration: ([A-Z_]+) [^\n]+\. Example: \1=[^\n]+$/

describe("web configuration", () => {
  it("runs locally with no configuration at all", () => {
    const config = loadWebConfig({})
    expect(config).toMatchObject({
      production: false,
      authMode: "none",
      host: "127.0.0.1",
      port: 3000,
      dataDir: ".second-dev",
      oauthEnabled: true,
      perfTrace: false,
      telemetry: { posthog: null, sentry: null },
    })
    expect(config.publicUrl.href).toBe("http://127.0.0.1:3000/")
    expect(config.workerUrls.map((url) => url.href)).toEqual(["http://127.0.0.1:3001/"])
    expect(config.workerDiscovery).toBe("off")
    expect(config.mongodbUri).toBeUndefined()
    expect(config.redisUrl).toBeUndefined()
  })

  it("accepts the complete production environment of the checklist", () => {
    const config = loadWebConfig(production)
    expect(config.production).toBe(true)
    expect(config.host).toBe("0.0.0.0")
    expect(config.publicUrl.origin).toBe("https://second.example.com")
    expect(config.mongodbUri?.reveal()).toBe(production.MONGODB_URI)
  })

  it.each([
    ["SECOND_AUTH_MODE", "maybe", /SECOND_AUTH_MODE must be one of none, external \(got "maybe"\)/],
    ["PORT", "http", /PORT must be a port number from 0 to 65535 \(got "http"\)/],
    ["PORT", "70000", /PORT must be a port number/],
    ["SECOND_PUBLIC_URL", "second.example.com", /SECOND_PUBLIC_URL must be a URL starting with https:\/\/ or http:\/\//],
    ["SECOND_PUBLIC_URL", "https://second.example.com/app", /must be an origin without a path/],
    ["WORKER_URL", "ftp://worker:3001", /WORKER_URL must start with http:\/\/ or https:\/\/ \(got "ftp:\/\/worker:3001"\)/],
    ["MONGODB_URI", "postgres://db/second", /MONGODB_URI must start with mongodb:\/\/ or mongodb\+srv:\/\//],
    ["MONGODB_URI", "mongodb://mongo:27017", /MONGODB_URI must name a database/],
    ["REDIS_URL", "http://redis:6379", /REDIS_URL must start with redis:\/\/ or rediss:\/\//],
    ["INTERNAL_API_TOKEN", "short", /INTERNAL_API_TOKEN is too short \(5 characters\); it must be at least 32/],
    ["SECOND_NO_AUTH_SESSION_SECRET", "x".repeat(31), /SECOND_NO_AUTH_SESSION_SECRET is too short/],
    ["SECOND_TOKEN_ENCRYPTION_KEY", "pass", /SECOND_TOKEN_ENCRYPTION_KEY must be 32 bytes in base64, 64 hex characters, or a passphrase/],
    ["SECOND_PERF_TRACE", "maybe", /SECOND_PERF_TRACE must be 1 or 0/],
    ["SECOND_POSTHOG_HOST", "http://posthog.internal", /SECOND_POSTHOG_HOST must start with https:\/\//],
  ])("refuses %s=%s in one line naming the variable, the problem and an example", (name, value, expected) => {
    const message = problem({ [name]: value })
    expect(message).toMatch(ONE_LINE)
    expect(message).toMatch(expected)
    expect(message.startsWith(`Invalid configuration: ${name} `)).toBe(true)
  })

  it("never repeats a secret value in its message", () => {
    expect(problem({ INTERNAL_API_TOKEN: "hunter2-hunter2" })).not.toContain("hunter2")
    expect(problem({ MONGODB_URI: "mysql://admin:hunter2@db/second" })).not.toContain("hunter2")
    expect(problem({ MONGODB_URI: "mongodb://admin:hunter2@db" })).not.toContain("hunter2")
    expect(problem({ SECOND_TOKEN_ENCRYPTION_KEY: "hunter2" })).not.toContain("hunter2")
    expect(problem({ WORKER_URL: "ftp://admin:hunter2@worker" })).not.toContain("hunter2")
    expect(JSON.stringify(loadWebConfig(production))).not.toContain(token)
  })

  describe("in production", () => {
    const without = (name: string) => ({ ...production, [name]: undefined })

    it.each([
      ["INTERNAL_API_TOKEN", without("INTERNAL_API_TOKEN"), /INTERNAL_API_TOKEN is required in production/],
      ["INTERNAL_API_TOKEN", { ...production, INTERNAL_API_TOKEN: "x".repeat(31) }, /INTERNAL_API_TOKEN is too short/],
      ["SECOND_PUBLIC_URL", without("SECOND_PUBLIC_URL"), /SECOND_PUBLIC_URL is required in production/],
      [
        "SECOND_PUBLIC_URL",
        { ...production, SECOND_PUBLIC_URL: "http://second.example.com" },
        /SECOND_PUBLIC_URL must be an https:\/\/ origin in production/,
      ],
      ["WORKER_URL", without("WORKER_URL"), /WORKER_URL is required in production/],
      ["MONGODB_URI", without("MONGODB_URI"), /MONGODB_URI is required in production/],
      ["REDIS_URL", without("REDIS_URL"), /REDIS_URL is required in production/],
      [
        "SECOND_TOKEN_ENCRYPTION_KEY",
        without("SECOND_TOKEN_ENCRYPTION_KEY"),
        /SECOND_TOKEN_ENCRYPTION_KEY is required in production when OAuth integrations are on and WORKOS_API_KEY is not set/,
      ],
    ])("refuses to start without a valid %s", (_name, env, expected) => {
      const message = problem(env)
      expect(message).toMatch(ONE_LINE)
      expect(message).toMatch(expected)
    })

    it("accepts WorkOS Vault or turning OAuth off instead of an encryption key", () => {
      const noKey = without("SECOND_TOKEN_ENCRYPTION_KEY")
      expect(loadWebConfig({ ...noKey, WORKOS_API_KEY: "sk_live_x" }).workosApiKey?.reveal()).toBe("sk_live_x")
      expect(loadWebConfig({ ...noKey, SECOND_OAUTH_DISABLED: "1" }).oauthEnabled).toBe(false)
    })
  })

  it("keeps none auth mode on loopback unless the operator accepts the risk", () => {
    const message = problem({ HOST: "0.0.0.0" })
    expect(message).toMatch(ONE_LINE)
    expect(message).toMatch(/^Invalid configuration: HOST must be a loopback address while SECOND_AUTH_MODE=none/)
    expect(loadWebConfig({ HOST: "0.0.0.0", SECOND_ALLOW_NONE_AUTH_ON_NETWORK: "1" }).host).toBe("0.0.0.0")
    expect(loadWebConfig({ HOST: "::1" }).authMode).toBe("none")
  })

  it("needs an issuer and a client id for external auth, and reads the role mapping", () => {
    expect(problem({ SECOND_AUTH_MODE: "external" })).toMatch(/^Invalid configuration: SECOND_OIDC_ISSUER is required when SECOND_AUTH_MODE=external/)
    const external = { SECOND_AUTH_MODE: "external", SECOND_OIDC_ISSUER: "https://idp.example.com" }
    expect(problem(external)).toMatch(/^Invalid configuration: SECOND_OIDC_CLIENT_ID is required/)
    expect(problem({ ...external, SECOND_OIDC_CLIENT_ID: "c", SECOND_OIDC_ISSUER: "http://idp.example.com" })).toMatch(
      /SECOND_OIDC_ISSUER must be an https:\/\/ URL \(http:\/\/ only for a loopback issuer outside production\)/,
    )
    expect(problem({ ...external, SECOND_OIDC_CLIENT_ID: "c", SECOND_OIDC_ROLE_MAP: "admins=superuser" })).toMatch(
      /SECOND_OIDC_ROLE_MAP must be value=role pairs/,
    )
    const config = loadWebConfig({ ...external, SECOND_OIDC_CLIENT_ID: "c", SECOND_OIDC_ROLE_MAP: "a=admin, o = owner" })
    expect(config.oidc).toMatchObject({ clientId: "c", roleClaim: "second_role", roleMap: { a: "admin", o: "owner" } })
    expect(config.oidc?.scopes).toEqual(["openid", "email", "profile"])
    expect(loadWebConfig({ ...external, SECOND_OIDC_CLIENT_ID: "c", SECOND_OIDC_ISSUER: "http://127.0.0.1:9999" }).oidc).not.toBeNull()
  })

  it("accepts the three documented shapes of the token encryption key", () => {
    const shapes = ["ab".repeat(32), Buffer.alloc(32, 7).toString("base64"), "correct horse battery staple, stapled!"]
    for (const key of shapes) expect(loadWebConfig({ SECOND_TOKEN_ENCRYPTION_KEY: key }).tokenEncryptionKey?.reveal()).toBe(key)
  })

  it("sends telemetry only when configured, and never when switched off", () => {
    expect(loadWebConfig({ SECOND_POSTHOG_TOKEN: "phc_1" }).telemetry.posthog?.token).toBe("phc_1")
    expect(loadWebConfig({ SECOND_POSTHOG_TOKEN: "phc_1", SECOND_POSTHOG_DISABLED: "1" }).telemetry.posthog).toBeNull()
    const dsn = "https://k@o0.ingest.sentry.io/1"
    expect(loadWebConfig({ SECOND_SENTRY_DSN: dsn }).telemetry.sentry?.serverDsn).toBe(dsn)
    expect(loadWebConfig({ SECOND_SENTRY_DSN: dsn, SECOND_ERROR_REPORTING_DISABLED: "true" }).telemetry.sentry).toBeNull()
    const everything = { SECOND_POSTHOG_TOKEN: "phc_1", SECOND_SENTRY_DSN: dsn, SECOND_TELEMETRY_DISABLED: "yes" }
    expect(loadWebConfig(everything).telemetry).toEqual({ posthog: null, sentry: null })
  })

  describe("workers", () => {
    it("reads one WORKER_URL as before, or a comma-separated list of them", () => {
      expect(loadWebConfig({ WORKER_URL: "http://worker:3001" }).workerUrls.map((url) => url.origin)).toEqual(["http://worker:3001"])
      const list = loadWebConfig({ WORKER_URL: " http://worker-0.worker:3001, https://worker-1.example:8443 ," })
      expect(list.workerUrls.map((url) => url.origin)).toEqual(["http://worker-0.worker:3001", "https://worker-1.example:8443"])
    })

    it.each([
      ["http://a:3001,ftp://b:3001", /WORKER_URL must start with http:\/\/ or https:\/\/ \(got "ftp:\/\/b:3001"\)/],
      ["http://a:3001,b", /WORKER_URL must be a URL starting with http:\/\/ or https:\/\/ \(got "b"\)/],
      ["http://a:3001,http://b:3001/api", /WORKER_URL must be an origin without a path, query or fragment \(got "http:\/\/b:3001\/api"\)/],
      ["http://a:3001,http://b:3001,http://a:3001/", /WORKER_URL lists http:\/\/a:3001 twice; name each worker once/],
    ])("refuses the bad entry of WORKER_URL=%s in one line naming it", (value, expected) => {
      const message = problem({ WORKER_URL: value })
      expect(message).toMatch(ONE_LINE)
      expect(message).toMatch(expected)
    })

    it.each([",", " , ,", ",,"])("refuses WORKER_URL=%j, a list of no URL, in one line, with discovery on too", (value) => {
      for (const env of [{ WORKER_URL: value }, { WORKER_URL: value, SECOND_WORKER_DISCOVERY: "redis", REDIS_URL: "redis://redis:6379" }]) {
        const message = problem(env)
        expect(message).toMatch(ONE_LINE)
        expect(message).toMatch(/^Invalid configuration: WORKER_URL lists no URL; name at least one worker URL, or leave it empty\. Example: WORKER_URL=http:\/\/worker-0/)
      }
    })

    it.each(["http://user:secret@a:3001", "http://a:3001, http://user:secret@b:3001", "http://:secret@a:3001"])("refuses WORKER_URL=%s, an entry with credentials, in one line naming the entry", (value) => {
      const message = problem({ WORKER_URL: value })
      expect(message).toMatch(/^Invalid configuration: WORKER_URL entry http:\/\/(a|b):3001 must not carry credentials \(user:password@\); the web authenticates with INTERNAL_API_TOKEN\. Example: WORKER_URL=http:\/\/worker-0/)
      expect(message).not.toContain("secret@")
      expect(message).not.toMatch(/:secret/)
      expect(message.split("\n")).toHaveLength(1)
    })

    it("never echoes credentials of a listed URL", () => {
      expect(problem({ WORKER_URL: "http://a:3001,ftp://admin:hunter2@b" })).not.toContain("hunter2")
    })

    it("takes registered workers with SECOND_WORKER_DISCOVERY=redis, which needs Redis", () => {
      expect(problem({ SECOND_WORKER_DISCOVERY: "consul" })).toMatch(/SECOND_WORKER_DISCOVERY must be one of redis, off \(got "consul"\)/)
      const noRedis = problem({ SECOND_WORKER_DISCOVERY: "redis" })
      expect(noRedis).toMatch(ONE_LINE)
      expect(noRedis).toMatch(/^Invalid configuration: SECOND_WORKER_DISCOVERY is redis, which needs REDIS_URL/)
      const discovered = loadWebConfig({ SECOND_WORKER_DISCOVERY: "redis", REDIS_URL: "redis://redis:6379" })
      expect(discovered).toMatchObject({ workerDiscovery: "redis", workerUrls: [] })
      const allowlisted = loadWebConfig({ SECOND_WORKER_DISCOVERY: "redis", REDIS_URL: "redis://redis:6379", WORKER_URL: "http://w:3001" })
      expect(allowlisted.workerUrls.map((url) => url.origin)).toEqual(["http://w:3001"])
    })

    it("needs WORKER_URL or discovery in production", () => {
      const withoutUrl = { ...production, WORKER_URL: undefined }
      expect(problem(withoutUrl)).toMatch(/^Invalid configuration: WORKER_URL is required in production \(or set SECOND_WORKER_DISCOVERY=redis\)/)
      expect(loadWebConfig({ ...withoutUrl, SECOND_WORKER_DISCOVERY: "redis" }).workerDiscovery).toBe("redis")
    })
  })

  it("treats empty values as unset, as compose files write them", () => {
    expect(loadWebConfig({ MONGODB_URI: "", PORT: " ", REDIS_URL: "" })).toMatchObject({ port: 3000, mongodbUri: undefined })
  })
})
