// Product analytics from the browser: `capture(event, properties)` posts to the same-origin
// forwarder (routes/api.analytics.ts), which decides what reaches PostHog. The page says whether
// analytics are on for this person (<TelemetryState>, from the workspace loader); while they are
// off (unconfigured, disabled, opted out, or not yet known) capture sends nothing at all. The
// same component reports the page's uncaught errors (routes/api.analytics.errors.ts) when the
// operator set NEXT_PUBLIC_SENTRY_DSN.

import { useEffect } from "react"
import type { AnalyticsChoice, ProductEvent, ProductEventProperties } from "./product-events.ts"

let sending: Exclude<AnalyticsChoice, "off"> | null = null

/** A page that throws in a loop must not flood the forwarder. */
const MAX_ERROR_REPORTS_PER_PAGE = 10

const post = (path: string, body: unknown) =>
  fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    credentials: "same-origin",
    keepalive: true,
  }).catch(() => undefined)

/** Fire and forget: analytics never delay or break what the person is doing. */
export function capture<E extends ProductEvent>(event: E, properties: ProductEventProperties<E> = {}): void {
  if (sending === null || typeof window === "undefined") return
  void post("/api/analytics", { event, properties })
}

function reportUncaughtErrors(): () => void {
  const seen = new Set<string>()
  const report = (error: unknown) => {
    const described = error instanceof Error ? { type: error.name, message: error.message, stack: error.stack ?? null } : { type: "Error", message: String(error), stack: null }
    if (!described.message || seen.has(described.message) || seen.size >= MAX_ERROR_REPORTS_PER_PAGE) return
    seen.add(described.message)
    void post("/api/analytics/errors", described)
  }
  const onError = (event: ErrorEvent) => report(event.error ?? event.message)
  const onRejection = (event: PromiseRejectionEvent) => report(event.reason)
  window.addEventListener("error", onError)
  window.addEventListener("unhandledrejection", onRejection)
  return () => {
    window.removeEventListener("error", onError)
    window.removeEventListener("unhandledrejection", onRejection)
  }
}

/** Renders nothing; keeps `capture` and error reporting in step with what the page was told. */
export function TelemetryState({ analytics, reportErrors }: { analytics: AnalyticsChoice | null; reportErrors: boolean }) {
  useEffect(() => {
    sending = analytics === null || analytics === "off" ? null : analytics
    return () => {
      sending = null
    }
  }, [analytics])
  useEffect(() => (reportErrors ? reportUncaughtErrors() : undefined), [reportErrors])
  return null
}
