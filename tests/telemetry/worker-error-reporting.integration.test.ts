// Worker errors reach Sentry as envelopes from the worker's Effect logger, in-process: an Error or
// Fatal log is reported with its error's type, message and stack, scrubbed of the worker's
// secrets; lower levels are not; a disable flag or no DSN means no reporting logger at all.

import { Effect, Logger } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { ConfigError } from "#shared/config/env.ts"
import { loadWorkerConfig } from "#worker/src/config/WorkerConfig.ts"
import { errorReportingLogger, errorReportingLoggers, workerErrorReporter } from "#worker/src/telemetry/ErrorReporting.ts"
import { startFakeSentry, type FakeSentry } from "#tests/fixtures/fake-sentry.ts"

const CANARY_TOKEN = "canary-worker-internal-token-5e7c9a1b3d"
const CANARY_PROVIDER_KEY = "sk-ant-canaryProviderKey0123456789"

let sentry: FakeSentry
beforeEach(async () => {
  sentry = await startFakeSentry()
})
afterEach(async () => {
  await sentry.close()
})

const settingsWith = (extra: Record<string, string> = {}) =>
  loadWorkerConfig({ SECOND_SENTRY_DSN: sentry.dsn, INTERNAL_API_TOKEN: CANARY_TOKEN, ANTHROPIC_API_KEY: CANARY_PROVIDER_KEY, ...extra })

describe("worker error reporting", () => {
  it("reports Error logs with their error, scrubbed, and not Warning or Info logs", async () => {
    const reporter = workerErrorReporter(settingsWith())!
    const program = Effect.gen(function* () {
      yield* Effect.logInfo("worker listening")
      yield* Effect.logWarning(`a warning with ${CANARY_TOKEN}`)
      yield* Effect.logError("the build of app x failed unexpectedly", new TypeError(`spawn failed: ANTHROPIC_API_KEY=${CANARY_PROVIDER_KEY} token ${CANARY_TOKEN}`))
    }).pipe(Effect.provide(Logger.layer([errorReportingLogger(reporter)])))
    await Effect.runPromise(program)
    await reporter.idle()

    const envelopes = sentry.envelopes()
    expect(envelopes).toHaveLength(1)
    const { event } = envelopes[0]!
    expect(event.tags["component"]).toBe("worker")
    expect(event.message.formatted).toBe("the build of app x failed unexpectedly")
    const exception = event.exception!.values.at(-1)!
    expect(exception.type).toBe("TypeError")
    expect(exception.value).toContain("spawn failed")
    expect(exception.stacktrace!.frames.length).toBeGreaterThan(0)
    const sent = sentry.received.map((request) => request.body).join("\n")
    expect(sent).not.toContain(CANARY_TOKEN)
    expect(sent).not.toContain(CANARY_PROVIDER_KEY)
  })

  it("has no reporting logger without a DSN or with any disable flag", () => {
    expect(errorReportingLoggers(loadWorkerConfig({}))).toEqual([])
    for (const flag of ["SECOND_SENTRY_DISABLED", "SECOND_ERROR_REPORTING_DISABLED", "SECOND_TELEMETRY_DISABLED"]) {
      const settings = settingsWith({ [flag]: "1" })
      expect(settings.sentryDsn, flag).toBeNull()
      expect(errorReportingLoggers(settings), flag).toEqual([])
    }
    expect(errorReportingLoggers(settingsWith())).toHaveLength(1)
  })

  it("refuses a malformed DSN at boot", () => {
    expect(() => loadWorkerConfig({ SECOND_SENTRY_DSN: "sentry please" })).toThrow(ConfigError)
  })
})
