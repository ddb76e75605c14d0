// Each person's analytics choice (anonymous, identified, off), kept on their user document, and
// what a page needs to know about it: null when analytics are not configured (or disabled by a
// flag), so the menu hides the choice and the browser never calls the forwarder.

import type { WebServices } from "../services.server.ts"
import { users, type UserDocument } from "../store/collections.server.ts"
import { analyticsChoiceOf, productAnalytics } from "./product-analytics.server.ts"
import { ANALYTICS_CHOICES, type AnalyticsChoice, type PageAnalytics } from "./product-events.ts"

export async function analyticsForPage(services: WebServices, userId: string | null): Promise<PageAnalytics | null> {
  if (userId === null || !productAnalytics(services).configured) return null
  const user = await services.store.collection(users).findOne({ id: userId })
  return user ? { choice: analyticsChoiceOf(user) } : null
}

export const isAnalyticsChoice = (value: unknown): value is AnalyticsChoice =>
  typeof value === "string" && (ANALYTICS_CHOICES as readonly string[]).includes(value)

export async function setAnalyticsChoice(services: WebServices, user: UserDocument, choice: AnalyticsChoice, now = new Date()): Promise<void> {
  await services.store.collection(users).updateOne({ id: user.id }, { analyticsChoice: choice, updatedAt: now.toISOString() })
}

export interface PageTelemetry {
  readonly analytics: PageAnalytics | null
  /** Whether the page reports its errors (to /api/analytics/errors): a browser DSN is set and the person has not turned analytics off. */
  readonly reportBrowserErrors: boolean
}

export async function telemetryForPage(services: WebServices, userId: string | null): Promise<PageTelemetry> {
  const analytics = await analyticsForPage(services, userId)
  const browserDsn = services.config.telemetry.sentry?.browserDsn ?? null
  if (userId === null || browserDsn === null) return { analytics, reportBrowserErrors: false }
  // A choice of "off" made while PostHog was configured still holds for errors after it is not
  // (the errors route drops their reports too).
  const user = analytics === null ? await services.store.collection(users).findOne({ id: userId }) : null
  const choice = analytics?.choice ?? (user ? analyticsChoiceOf(user) : null)
  return { analytics, reportBrowserErrors: choice !== null && choice !== "off" }
}
