// Worker errors to Sentry: every Effect log at Error or Fatal level is reported when
// SECOND_SENTRY_DSN is set and no disable flag is (settings.sentryDsn is null otherwise). The
// report holds the log's text and its error (type, message, stack) scrubbed of the worker's
// secrets; never prompts, run output, request bodies or headers (those are never logged with it).

import { Cause, Logger } from "effect"
import { createScrubber } from "#shared/telemetry/scrub-secrets.ts"
import { parseSentryDsn } from "#shared/telemetry/sentry-dsn.ts"
import { createSentryReporter, type ErrorReporter } from "#shared/telemetry/sentry-reporter.ts"
import type { WorkerSettings } from "../config/WorkerConfig.ts"

/** Every secret value the worker holds: cut out of reports exactly, whatever the patterns miss. */
const workerSecretValues = (settings: WorkerSettings): string[] =>
  [settings.internalApiToken, settings.redisUrl, ...Object.values(settings.providerKeys)].flatMap((secret) => (secret ? [secret.reveal()] : []))

export interface ErrorReportingOptions {
  readonly fetch?: typeof fetch
  /** Where the one "reporting failed" line goes (default: stderr). */
  readonly warn?: (message: string) => void
}

/** The worker's Sentry reporter, or null when error reporting is off. */
export function workerErrorReporter(settings: WorkerSettings, options: ErrorReportingOptions = {}): ErrorReporter | null {
  const target = settings.sentryDsn ? parseSentryDsn(settings.sentryDsn) : null
  if (!target) return null
  return createSentryReporter({
    target,
    context: { component: "worker", platform: "node", environment: settings.production ? "production" : "development" },
    scrub: createScrubber(workerSecretValues(settings)),
    warn: options.warn ?? ((message) => console.warn(message)),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  })
}

/** A log's text parts and the first error among them or in its cause. */
function describeLog(message: unknown, cause: Cause.Cause<unknown>): { message: string; error: unknown } {
  const parts = Array.isArray(message) ? message : [message]
  const text = parts.filter((part) => typeof part === "string").join(" ") || "worker error"
  const inMessage = parts.find((part) => part instanceof Error)
  const inCause = cause.reasons.length > 0 ? Cause.squash(cause) : undefined
  return { message: text, error: inMessage ?? inCause }
}

/** A logger that reports Error and Fatal logs; the console logger still prints them. */
export const errorReportingLogger = (reporter: ErrorReporter) =>
  Logger.make<unknown, void>(({ logLevel, message, cause }) => {
    if (logLevel !== "Error" && logLevel !== "Fatal") return
    reporter.report(describeLog(message, cause))
  })

/** The loggers main.ts adds beside the console one: none when error reporting is off. */
export function errorReportingLoggers(settings: WorkerSettings, options: ErrorReportingOptions = {}): Logger.Logger<unknown, void>[] {
  const reporter = workerErrorReporter(settings, options)
  return reporter ? [errorReportingLogger(reporter)] : []
}
