// Server errors of the web reach Sentry as envelopes only when a DSN is set and no flag turns
// reporting off, and never carry a secret: a fake Sentry on loopback records what arrives.

import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { loadWebConfig } from "#app/config/config.server.ts"
import { createLog } from "#app/log.server.ts"
import { reportLoggedErrors, webErrorReporter } from "#app/telemetry/server-error-reporting.server.ts"
import { eventually } from "#tests/fixtures/eventually.ts"
import { FAKE_SENTRY_KEY, startFakeSentry, type FakeSentry } from "#tests/fixtures/fake-sentry.ts"

const CANARY_TOKEN = "canary-internal-token-7f3a9c1e5b2d4f6a8c0e"
const CANARY_PASSWORD = "canaryMongoPassw0rd"
const CANARY_BEARER = "sec_CanaryApiToken0123456789abcdefABCDEF_xyz12"

let sentry: FakeSentry
beforeEach(async () => {
  sentry = await startFakeSentry()
})
afterEach(async () => {
  await sentry.close()
})

const configWith = (extra: Record<string, string> = {}) =>
  loadWebConfig({
    SECOND_SENTRY_DSN: sentry.dsn,
    INTERNAL_API_TOKEN: CANARY_TOKEN,
    MONGODB_URI: `mongodb://second:${CANARY_PASSWORD}@mongo.internal:27017/second?replicaSet=rs0`,
    ...extra,
  })

/** An error whose message and cause carry every kind of secret a careless message could. */
function leakyError(): Error {
  const cause = new Error(`auth failed with Authorization: Bearer ${CANARY_BEARER}`)
  return new Error(`could not reach mongodb://second:${CANARY_PASSWORD}@mongo.internal:27017 (token ${CANARY_TOKEN})`, { cause })
}

describe("web error reporting", () => {
  it("reports an error logged at error level as a Sentry envelope, with no secret in it", async () => {
    const lines: string[] = []
    const log = createLog({ json: true, write: (line) => lines.push(line), reportErrors: reportLoggedErrors(configWith()) })
    log.info("an info line is not reported")
    log.warn("a warning is not reported")
    log.error("tRPC procedure failed", { path: "apps.create", error: leakyError() })
    await eventually(() => sentry.received.length === 1)

    const [envelope] = sentry.envelopes()
    expect(envelope!.request.method).toBe("POST")
    expect(envelope!.request.path).toBe("/api/42/envelope/")
    expect(envelope!.request.headers["x-sentry-auth"]).toContain(`sentry_key=${FAKE_SENTRY_KEY}`)
    expect(envelope!.itemHeader["type"]).toBe("event")
    const { event } = envelope!
    expect(event.level).toBe("error")
    expect(event.tags["component"]).toBe("web")
    expect(event.message.formatted).toBe("tRPC procedure failed")
    const outer = event.exception!.values.at(-1)!
    expect(outer.type).toBe("Error")
    expect(outer.value).toContain("could not reach mongodb://")
    expect(outer.stacktrace!.frames.length).toBeGreaterThan(0)
    expect(event.exception!.values[0]!.value).toContain("auth failed")

    const sent = sentry.received.map((request) => request.body + JSON.stringify(request.headers)).join("\n")
    for (const canary of [CANARY_TOKEN, CANARY_PASSWORD, CANARY_BEARER, "apps.create"]) expect(sent).not.toContain(canary)
    // The log itself still has the line (the logger's own redaction is unchanged).
    expect(lines.some((line) => line.includes("tRPC procedure failed"))).toBe(true)
  })

  it("sends nothing without a DSN or with any disable flag", async () => {
    const unconfigured = loadWebConfig({})
    expect(reportLoggedErrors(unconfigured)).toBeNull()
    expect(webErrorReporter(unconfigured, () => undefined)).toBeNull()
    for (const flag of ["SECOND_SENTRY_DISABLED", "SECOND_ERROR_REPORTING_DISABLED", "SECOND_TELEMETRY_DISABLED"]) {
      const config = configWith({ [flag]: "1" })
      expect(reportLoggedErrors(config), flag).toBeNull()
      const log = createLog({ json: true, write: () => undefined, reportErrors: reportLoggedErrors(config) })
      log.error("request failed", { error: leakyError() })
    }
    // The control: the same config without a flag does send, and it arrives after the ones above would have.
    const reporter = webErrorReporter(configWith(), () => undefined)!
    reporter.report({ message: "control", error: new Error("control") })
    await reporter.idle()
    expect(sentry.envelopes().map((envelope) => envelope.event.message.formatted)).toEqual(["control"])
  })

  it("logs a failing Sentry once, without the report, and never retries", async () => {
    sentry.answerWith(500)
    const warnings: string[] = []
    const reporter = webErrorReporter(configWith(), (message) => warnings.push(message))!
    for (let n = 0; n < 3; n += 1) reporter.report({ message: "request failed", error: leakyError() })
    await reporter.idle()
    expect(sentry.received).toHaveLength(3)
    expect(warnings).toEqual([expect.stringMatching(/^Sentry error reporting to 127\.0\.0\.1:\d+ failed \(HTTP 500\)/)])
  })

  it("refuses a malformed DSN at boot, naming the variable", () => {
    expect(() => loadWebConfig({ SECOND_SENTRY_DSN: "not a dsn" })).toThrow(/SECOND_SENTRY_DSN must be a Sentry DSN/)
    expect(() => loadWebConfig({ NEXT_PUBLIC_SENTRY_DSN: "https://sentry.example/1" })).toThrow(/NEXT_PUBLIC_SENTRY_DSN must be a Sentry DSN/)
  })
})
