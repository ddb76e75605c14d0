// Reports errors to Sentry as envelopes over a bounded sender. Web (logged errors), worker
// (Effect error logs) and the browser forwarder share it; each says which component it is.

import { createBoundedSender, type BoundedSender, type BoundedSenderOptions } from "./bounded-sender.ts"
import { sentryAuthHeader, type SentryTarget } from "./sentry-dsn.ts"
import { sentryEnvelope, type ErrorReport, type ReportContext } from "./sentry-envelope.ts"
import type { Scrub } from "./scrub-secrets.ts"

export interface ErrorReporter {
  report(report: ErrorReport): void
  /** Resolves once every report started so far has been sent or dropped. */
  idle(): Promise<void>
}

export interface SentryReporterOptions extends Omit<BoundedSenderOptions, "name"> {
  readonly target: SentryTarget
  readonly context: ReportContext
  readonly scrub: Scrub
}

export function createSentryReporter(options: SentryReporterOptions): ErrorReporter {
  const sender: BoundedSender = createBoundedSender({ ...options, name: "Sentry error reporting" })
  const headers = { "content-type": "application/x-sentry-envelope", "x-sentry-auth": sentryAuthHeader(options.target) }
  return {
    report(report) {
      let body: string
      try {
        body = sentryEnvelope(report, options.context, options.scrub)
      } catch {
        // A report that cannot be built (a hostile getter on the error) is not worth a crash.
        return
      }
      sender.send({ url: options.target.envelopeUrl, headers, body })
    },
    idle: () => sender.idle(),
  }
}
