// The web's server errors to Sentry: every line logged at error level is reported, when a server
// DSN is set and no disable flag is (config.telemetry.sentry is null otherwise). The report holds
// the line's message and its error (type, message, stack), scrubbed of the deployment's secrets;
// the line's other fields (paths, ids, request details) stay in the log.

import { createScrubber } from "#shared/telemetry/scrub-secrets.ts"
import { parseSentryDsn } from "#shared/telemetry/sentry-dsn.ts"
import { createSentryReporter, type ErrorReporter } from "#shared/telemetry/sentry-reporter.ts"
import type { WebConfig } from "../config/config.server.ts"
import type { ErrorSinkFactory, LogFields } from "../log.server.ts"

/** Every secret value the web holds: cut out of reports exactly, whatever the patterns miss. */
export function webSecretValues(config: WebConfig): string[] {
  const secrets = [
    config.internalApiToken,
    config.mongodbUri,
    config.redisUrl,
    config.noAuthSessionSecret,
    config.workosApiKey,
    config.tokenEncryptionKey,
    ...config.tokenEncryptionKeyPrevious,
    config.oidc?.clientSecret,
  ]
  return secrets.flatMap((secret) => (secret ? [secret.reveal()] : []))
}

/** The first Error among a line's fields ("error" first), else the "error" field as it is. */
function errorOf(fields: LogFields): unknown {
  if (fields["error"] instanceof Error) return fields["error"]
  return Object.values(fields).find((value) => value instanceof Error) ?? fields["error"]
}

/** A Sentry reporter for the web's server errors, or null when error reporting is off. */
export function webErrorReporter(config: WebConfig, warn: (message: string) => void, options: { readonly fetch?: typeof fetch } = {}): ErrorReporter | null {
  const dsn = config.telemetry.sentry?.serverDsn
  const target = dsn ? parseSentryDsn(dsn) : null
  if (!target) return null
  return createSentryReporter({
    target,
    context: { component: "web", platform: "node", environment: config.production ? "production" : "development" },
    scrub: createScrubber(webSecretValues(config)),
    warn,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  })
}

/** For createLog: reports each error line, or null when error reporting is off. */
export function reportLoggedErrors(config: WebConfig, options: { readonly fetch?: typeof fetch } = {}): ErrorSinkFactory | null {
  if (!config.telemetry.sentry?.serverDsn) return null
  return (warn) => {
    const reporter = webErrorReporter(config, warn, options)
    if (!reporter) return () => undefined
    return (message, fields) => {
      try {
        reporter.report({ message, error: errorOf(fields) })
      } catch {
        // Reporting must never break logging (the line itself is already written).
      }
    }
  }
}
