// POST /api/analytics: the same-origin product analytics forwarder. A signed-in page posts
// {"event", "properties"}; the event must be in app/telemetry/product-events.ts (else 400) and is
// forwarded to PostHog as the person chose (anonymous by default, identified, or off). 204 whether
// or not anything was forwarded: analytics off (unconfigured, a disable flag, the person's
// choice) simply sends nothing. Signed out 401; a body over 4 KB 413; not JSON 415/400; more than
// ANALYTICS_EVENTS_PER_PERSON_PER_MINUTE from one person in a minute 429 with Retry-After (per web
// process, in memory: app/telemetry/per-person-limit.server.ts), on top of the process's own cap.

import type { ActionFunctionArgs } from "@remix-run/node"
import { getViewer } from "../auth/viewer.server.ts"
import { jsonProblem } from "../internal/internal-caller.server.ts"
import { isAnalyticsProblem, MAX_ANALYTICS_BODY_BYTES, parseAnalyticsRequest } from "../telemetry/analytics-request.server.ts"
import { tooManyRequests } from "../telemetry/per-person-limit.server.ts"
import { ANALYTICS_EVENTS_PER_PERSON_PER_MINUTE, analyticsEventLimit, productAnalytics } from "../telemetry/product-analytics.server.ts"

export async function action({ request, context }: ActionFunctionArgs) {
  const { services } = context
  if (request.method !== "POST") return jsonProblem(405, "method_not_allowed", "Use POST.")
  const viewer = await getViewer(request, services)
  if (!viewer) return jsonProblem(401, "unauthorized", "Sign in first.")
  const retryAfter = analyticsEventLimit(services).take(viewer.user.id)
  if (retryAfter !== null) return tooManyRequests(retryAfter, `At most ${ANALYTICS_EVENTS_PER_PERSON_PER_MINUTE} analytics events a minute per person.`)
  const declared = Number(request.headers.get("content-length") ?? "0")
  if (declared > MAX_ANALYTICS_BODY_BYTES) return jsonProblem(413, "too_large", `An event is at most ${MAX_ANALYTICS_BODY_BYTES} bytes of JSON.`)
  const parsed = parseAnalyticsRequest(request.headers.get("content-type"), await request.text())
  if (isAnalyticsProblem(parsed)) return jsonProblem(parsed.status, parsed.code, parsed.message)
  productAnalytics(services).capture(viewer.user, parsed)
  return new Response(null, { status: 204, headers: { "cache-control": "no-store" } })
}

export const loader = () => jsonProblem(405, "method_not_allowed", "Use POST.")
