// POST /api/analytics/errors: the same-origin forwarder for browser errors (NEXT_PUBLIC_SENTRY_DSN).
// A signed-in page posts {"type", "message", "stack"} of an uncaught error; it is scrubbed and
// sent to Sentry (app/telemetry/browser-error-report.server.ts). 204 whether or not anything was
// sent: error reporting off (unconfigured or a disable flag) sends nothing, and neither does a
// person whose analytics choice is "off" (their page does not report; this is defence in depth).
// Signed out 401; over 16 KB 413; not that shape 400; more than BROWSER_ERRORS_PER_PERSON_PER_MINUTE
// from one person in a minute 429 with Retry-After (per web process, in memory:
// app/telemetry/per-person-limit.server.ts), on top of the process's own cap.

import type { ActionFunctionArgs } from "@remix-run/node"
import { getViewer } from "../auth/viewer.server.ts"
import { jsonProblem } from "../internal/internal-caller.server.ts"
import {
  BROWSER_ERRORS_PER_PERSON_PER_MINUTE,
  browserErrorLimit,
  MAX_BROWSER_ERROR_BYTES,
  parseBrowserError,
  reportBrowserError,
} from "../telemetry/browser-error-report.server.ts"
import { tooManyRequests } from "../telemetry/per-person-limit.server.ts"
import { analyticsChoiceOf } from "../telemetry/product-analytics.server.ts"

export async function action({ request, context }: ActionFunctionArgs) {
  const { services } = context
  if (request.method !== "POST") return jsonProblem(405, "method_not_allowed", "Use POST.")
  const viewer = await getViewer(request, services)
  if (!viewer) return jsonProblem(401, "unauthorized", "Sign in first.")
  const retryAfter = browserErrorLimit(services).take(viewer.user.id)
  if (retryAfter !== null) return tooManyRequests(retryAfter, `At most ${BROWSER_ERRORS_PER_PERSON_PER_MINUTE} error reports a minute per person.`)
  if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) {
    return jsonProblem(415, "unsupported_media_type", "Send the error as JSON (content-type: application/json).")
  }
  const text = await request.text()
  if (Buffer.byteLength(text) > MAX_BROWSER_ERROR_BYTES) return jsonProblem(413, "too_large", `An error report is at most ${MAX_BROWSER_ERROR_BYTES} bytes of JSON.`)
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  const error = parseBrowserError(body)
  if (!error) return jsonProblem(400, "invalid_error", 'Send {"type": "ErrorName", "message": "...", "stack": "..."} with a non-empty message.')
  // The person turned analytics off: nothing about their browsing leaves, errors included.
  if (analyticsChoiceOf(viewer.user) !== "off") reportBrowserError(services, error)
  return new Response(null, { status: 204, headers: { "cache-control": "no-store" } })
}

export const loader = () => jsonProblem(405, "method_not_allowed", "Use POST.")
