// POST /api/analytics/preference: the signed-in person's product analytics choice, from the
// account menu: choice=anonymous | identified | off (form or JSON). Answers {"choice"}; a missing
// or unknown choice 400 naming the allowed ones; signed out 401.

import type { ActionFunctionArgs } from "@remix-run/node"
import { getViewer } from "../auth/viewer.server.ts"
import { jsonProblem } from "../internal/internal-caller.server.ts"
import { isAnalyticsChoice, setAnalyticsChoice } from "../telemetry/analytics-preference.server.ts"
import { ANALYTICS_CHOICES } from "../telemetry/product-events.ts"

const MAX_BODY_BYTES = 1_024

async function requestedChoice(request: Request): Promise<unknown> {
  const text = await request.text()
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) return undefined
  if (/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) {
    try {
      const parsed: unknown = JSON.parse(text)
      return typeof parsed === "object" && parsed !== null ? (parsed as { choice?: unknown }).choice : undefined
    } catch {
      return undefined
    }
  }
  return new URLSearchParams(text).get("choice") ?? undefined
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { services } = context
  if (request.method !== "POST") return jsonProblem(405, "method_not_allowed", "Use POST.")
  const viewer = await getViewer(request, services)
  if (!viewer) return jsonProblem(401, "unauthorized", "Sign in first.")
  const choice = await requestedChoice(request)
  if (!isAnalyticsChoice(choice)) return jsonProblem(400, "invalid_choice", `choice must be one of ${ANALYTICS_CHOICES.join(", ")}.`)
  await setAnalyticsChoice(services, viewer.user, choice)
  return Response.json({ choice }, { headers: { "cache-control": "no-store" } })
}

export const loader = () => jsonProblem(405, "method_not_allowed", "Use POST.")
