// The error-reporting variables the worker reads, with the web's exact descriptions (both tiers
// honour them the same way; .env.example documents each once).

import { flag, requireThat, text } from "../config/env.ts"
import { parseSentryDsn } from "./sentry-dsn.ts"

export const errorReportingEnv = {
  telemetryDisabled: flag("SECOND_TELEMETRY_DISABLED", {
    describe: "1 turns off every kind of telemetry, whatever else is set",
    example: "1",
  }),
  sentryDsn: text("SECOND_SENTRY_DSN", {
    describe: "Sentry DSN for server errors; error reporting is off unless a DSN is set",
    example: "https://key@o0.ingest.us.sentry.io/0",
  }),
  sentryDisabled: flag("SECOND_SENTRY_DISABLED", { describe: "1 turns error reporting off", example: "1" }),
  errorReportingDisabled: flag("SECOND_ERROR_REPORTING_DISABLED", {
    describe: "1 turns error reporting off (alias of SECOND_SENTRY_DISABLED)",
    example: "1",
  }),
} as const

interface ErrorReportingRaw {
  readonly telemetryDisabled: boolean | undefined
  readonly sentryDsn: string | undefined
  readonly sentryDisabled: boolean | undefined
  readonly errorReportingDisabled: boolean | undefined
}

/** The DSN to report to, or null when none is set or any disable flag is. Throws on a malformed DSN. */
export function sentryDsnFrom(raw: ErrorReportingRaw): string | null {
  requireThat(
    raw.sentryDsn === undefined || parseSentryDsn(raw.sentryDsn) !== null,
    errorReportingEnv.sentryDsn,
    "must be a Sentry DSN like https://<key>@<host>/<project>",
  )
  const off = raw.telemetryDisabled === true || raw.sentryDisabled === true || raw.errorReportingDisabled === true
  return off ? null : (raw.sentryDsn ?? null)
}
