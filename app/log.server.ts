// The web tier's logger: JSON lines in production (for log shippers), plain lines otherwise.
// Fields go through JSON.stringify, so Secret values print as "<redacted>". Error lines may also be
// reported (Sentry, when configured: app/telemetry/server-error-reporting.server.ts).

export type LogFields = Readonly<Record<string, unknown>>

export interface Log {
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
}

type Level = "info" | "warn" | "error"

/** Builds what receives each error line; `warn` logs without being reported again (no loops). */
export type ErrorSinkFactory = (warn: (message: string) => void) => (message: string, fields: LogFields) => void

function describeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error
  return { name: error.name, message: error.message, stack: error.stack }
}

export function createLog(options: {
  readonly json: boolean
  readonly write?: (line: string, level: Level) => void
  readonly reportErrors?: ErrorSinkFactory | null
}): Log {
  const write =
    options.write ?? ((line: string, level: Level) => (level === "info" ? process.stdout : process.stderr).write(`${line}\n`))
  const emit = (level: Level, message: string, fields: LogFields = {}) => {
    const cleaned = Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, describeError(value)]))
    if (options.json) {
      write(JSON.stringify({ time: new Date().toISOString(), level, message, ...cleaned }), level)
    } else {
      const extra = Object.keys(cleaned).length > 0 ? ` ${JSON.stringify(cleaned)}` : ""
      write(`${level === "info" ? "" : `${level.toUpperCase()}: `}${message}${extra}`, level)
    }
    if (level === "error") reportError?.(message, fields)
  }
  const reportError = options.reportErrors?.((message) => emit("warn", message))
  return {
    info: (message, fields) => emit("info", message, fields),
    warn: (message, fields) => emit("warn", message, fields),
    error: (message, fields) => emit("error", message, fields),
  }
}
