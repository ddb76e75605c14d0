import { describe, expect, it } from "vitest"
import { parseSentryDsn, sentryAuthHeader } from "./sentry-dsn.ts"

describe("parseSentryDsn", () => {
  it("finds the envelope endpoint and the public key", () => {
    const target = parseSentryDsn("https://abc123@o42.ingest.us.sentry.io/4507")!
    expect(target.envelopeUrl.href).toBe("https://o42.ingest.us.sentry.io/api/4507/envelope/")
    expect(sentryAuthHeader(target)).toContain("sentry_key=abc123")
    expect(parseSentryDsn("https://k@sentry.example.com/relay/7")!.envelopeUrl.href).toBe("https://sentry.example.com/relay/api/7/envelope/")
  })

  it("refuses what is not a DSN", () => {
    for (const text of ["", "sentry", "https://sentry.io/1", "https://k@sentry.io/", "https://k@sentry.io/x", "ftp://k@sentry.io/1", "https://k@sentry.io/1?x=1"]) {
      expect(parseSentryDsn(text), text).toBeNull()
    }
  })
})
