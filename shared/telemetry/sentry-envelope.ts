// One error as a Sentry envelope (https://develop.sentry.dev/sdk/envelopes/): the error's type,
// message and stack, the log line that carried it, and nothing else. No request, cookies,
// headers, bodies, prompts, user or breadcrumbs: the event is built from an allowlist, and every
// text in it goes through the scrubber first.

import type { Scrub } from "./scrub-secrets.ts"

export interface ErrorReport {
  /** The log line's own message ("tRPC procedure failed"). */
  readonly message: string
  /** The error the line carried, if any (an Error, or any value, stringified). */
  readonly error?: unknown
}

export interface ReportContext {
  readonly component: "web" | "worker" | "browser"
  readonly environment: string
  readonly platform: "node" | "javascript"
}

interface StackFrame {
  readonly function?: string
  readonly filename?: string
  readonly lineno?: number
  readonly colno?: number
}

const MAX_FRAMES = 50
const MAX_CAUSES = 3
const MAX_TEXT = 2_000

const clip = (text: string) => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text)

/** V8's "    at fn (file:line:col)" lines (or Firefox and Safari's "fn@file:line:col"), oldest call first as Sentry expects. */
export function stackFrames(stack: string | undefined, scrub: Scrub): StackFrame[] {
  if (!stack) return []
  const frames: StackFrame[] = []
  for (const line of stack.split("\n")) {
    const match = /^\s*at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?$/.exec(line) ?? /^\s*(?:([^@\s]*)@)(.+?):(\d+):(\d+)$/.exec(line)
    if (!match) continue
    frames.push({
      ...(match[1] ? { function: scrub(match[1]) } : {}),
      filename: scrub(match[2] ?? ""),
      lineno: Number(match[3]),
      colno: Number(match[4]),
    })
    if (frames.length >= MAX_FRAMES) break
  }
  return frames.reverse()
}

function exceptionValues(error: unknown, scrub: Scrub) {
  const values = []
  let current: unknown = error
  for (let depth = 0; depth < MAX_CAUSES && current !== undefined && current !== null; depth += 1) {
    if (current instanceof Error) {
      const frames = stackFrames(current.stack, scrub)
      values.push({ type: scrub(current.name || "Error"), value: clip(scrub(current.message)), ...(frames.length > 0 ? { stacktrace: { frames } } : {}) })
      current = current.cause
    } else {
      values.push({ type: "Error", value: clip(scrub(typeof current === "string" ? current : safeJson(current))) })
      break
    }
  }
  // Sentry lists the outermost exception last.
  return values.reverse()
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

/** The event payload (exported for tests and the browser forwarder). */
export function sentryEvent(report: ErrorReport, context: ReportContext, scrub: Scrub, eventId: string, now: Date) {
  const exceptions = report.error === undefined ? [] : exceptionValues(report.error, scrub)
  return {
    event_id: eventId,
    timestamp: now.getTime() / 1000,
    platform: context.platform,
    level: "error",
    logger: `second.${context.component}`,
    environment: context.environment,
    message: { formatted: clip(scrub(report.message)) },
    ...(exceptions.length > 0 ? { exception: { values: exceptions } } : {}),
    tags: { component: context.component },
  }
}

/** The envelope body: its header, the item header, the event; one JSON document per line. */
export function sentryEnvelope(report: ErrorReport, context: ReportContext, scrub: Scrub, now = new Date()): string {
  const eventId = crypto.randomUUID().replaceAll("-", "")
  const event = JSON.stringify(sentryEvent(report, context, scrub, eventId, now))
  return [JSON.stringify({ event_id: eventId, sent_at: now.toISOString() }), JSON.stringify({ type: "event", content_type: "application/json" }), event].join("\n")
}
