// Browser errors to Sentry through the web (NEXT_PUBLIC_SENTRY_DSN): the page posts what it caught
// to /api/analytics/errors, so the Content-Security-Policy keeps connect-src 'self' and Sentry
// never sees the person's address, cookies or page. The report is rebuilt here from an allowlist
// (type, message, stack), scrubbed of secrets, of URL queries and fragments (absolute URLs of any
// scheme, relative paths, percent-encoded ones) and of email addresses.

import { createScrubber, withoutQueriesAndEmails, type Scrub } from "#shared/telemetry/scrub-secrets.ts"
import { parseSentryDsn } from "#shared/telemetry/sentry-dsn.ts"
import { createSentryReporter, type ErrorReporter } from "#shared/telemetry/sentry-reporter.ts"
import type { WebServices } from "../services.server.ts"
import { perServicesLimit } from "./per-person-limit.server.ts"
import { webSecretValues } from "./server-error-reporting.server.ts"

export const MAX_BROWSER_ERROR_BYTES = 16_384
/** What this process sends to Sentry for all browsers together (the bounded sender's cap). */
const BROWSER_ERRORS_PER_MINUTE = 30
/**
 * What one person may post in a minute (app/telemetry/per-person-limit.server.ts): the first
 * errors of a page are the ones that explain it (the page itself sends at most 10 distinct
 * messages per load, and most are one cascade), and 5 keeps any one person to a sixth of the
 * process's 30, so someone else's real error still gets through.
 */
export const BROWSER_ERRORS_PER_PERSON_PER_MINUTE = 5
export const browserErrorLimit = perServicesLimit(BROWSER_ERRORS_PER_PERSON_PER_MINUTE)

export interface BrowserError {
  readonly type: string
  readonly message: string
  readonly stack: string | null
}

/** A browser error as the page sends it, or null when it is not one. */
export function parseBrowserError(value: unknown): BrowserError | null {
  if (typeof value !== "object" || value === null) return null
  const { type, message, stack } = value as Record<string, unknown>
  if (typeof message !== "string" || message.length === 0) return null
  if (type !== undefined && typeof type !== "string") return null
  if (stack !== undefined && stack !== null && typeof stack !== "string") return null
  return { type: (type || "Error").slice(0, 100), message: message.slice(0, 2_000), stack: stack ? stack.slice(0, 10_000) : null }
}

const perServices = new WeakMap<WebServices, ErrorReporter | null>()

function browserReporter(services: WebServices): ErrorReporter | null {
  if (perServices.has(services)) return perServices.get(services) ?? null
  const dsn = services.config.telemetry.sentry?.browserDsn
  const target = dsn ? parseSentryDsn(dsn) : null
  const secrets: Scrub = createScrubber(webSecretValues(services.config))
  const reporter = target
    ? createSentryReporter({
        target,
        context: { component: "browser", platform: "javascript", environment: services.config.production ? "production" : "development" },
        // Known secrets first, while they are whole; then what a person's page adds (queries, addresses).
        scrub: (text) => withoutQueriesAndEmails(secrets(text)),
        warn: (message) => services.log.warn(message),
        perMinute: BROWSER_ERRORS_PER_MINUTE,
      })
    : null
  perServices.set(services, reporter)
  return reporter
}

export const browserErrorReportingOn = (services: WebServices) => browserReporter(services) !== null

/** Sends the error on; false when browser error reporting is off. */
export function reportBrowserError(services: WebServices, error: BrowserError): boolean {
  const reporter = browserReporter(services)
  if (!reporter) return false
  // An Error rebuilt from what the page sent, so the envelope is made exactly as for server errors.
  const rebuilt = Object.assign(new Error(error.message), { name: error.type, stack: error.stack ?? undefined })
  reporter.report({ message: "browser error", error: rebuilt })
  return true
}

/** Tests: resolves once every browser report started so far has finished. */
export const browserReportsIdle = (services: WebServices) => browserReporter(services)?.idle() ?? Promise.resolve()
