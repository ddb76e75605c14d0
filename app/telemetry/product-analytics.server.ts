// The analytics forwarder's server half: turns one allowlisted event of one person into what
// PostHog receives, by that person's choice. Anonymous (the default): a personless event under the
// stable `anon_…` id, with only the catalog's non-identifying properties. Identified: one
// `$identify` for the person (once per process), then events under their user id with ids
// attached. Off, or analytics not configured or disabled by a flag: nothing at all.

import { createBoundedSender, type BoundedSender } from "#shared/telemetry/bounded-sender.ts"
import type { WebServices } from "../services.server.ts"
import type { UserDocument } from "../store/collections.server.ts"
import { anonymousIds, type AnonymousIdOf } from "./anonymous-id.server.ts"
import { perServicesLimit } from "./per-person-limit.server.ts"
import type { ProductEventRequest } from "./analytics-request.server.ts"
import { DEFAULT_ANALYTICS_CHOICE, type AnalyticsChoice } from "./product-events.ts"

export interface ProductAnalytics {
  /** Whether PostHog is configured and no flag disables it (else nothing is ever sent). */
  readonly configured: boolean
  /** Forwards the event as `user` chose; "off" when nothing was sent for them. */
  capture(user: UserDocument, request: ProductEventRequest): "forwarded" | "off"
  /** Resolves once every forward started so far has finished (tests, shutdown). */
  idle(): Promise<void>
}

export const analyticsChoiceOf = (user: UserDocument): AnalyticsChoice => user.analyticsChoice ?? DEFAULT_ANALYTICS_CHOICE

/** What this process forwards to PostHog for everyone together (the bounded sender's cap). */
const EVENTS_PER_MINUTE = 600
/**
 * What one person may post to /api/analytics in a minute (app/telemetry/per-person-limit.server.ts).
 * Events are deliberate actions (create an app, send a run, publish, restore): a person does not
 * take one a second for a minute, so 60 never stops real use, and it keeps any one person to a
 * tenth of the process's 600.
 */
export const ANALYTICS_EVENTS_PER_PERSON_PER_MINUTE = 60
export const analyticsEventLimit = perServicesLimit(ANALYTICS_EVENTS_PER_PERSON_PER_MINUTE)

/** A process sends a person's $identify once; more people than this and it starts over. */
const MAX_REMEMBERED_IDENTIFIED = 10_000
const LIBRARY = { $lib: "second-forwarder" }

const off: ProductAnalytics = { configured: false, capture: () => "off", idle: async () => undefined }

export interface ProductAnalyticsOptions {
  readonly fetch?: typeof fetch
}

export function createProductAnalytics(services: WebServices, options: ProductAnalyticsOptions = {}): ProductAnalytics {
  const posthog = services.config.telemetry.posthog
  if (!posthog) return off
  const endpoint = new URL("/batch/", posthog.host)
  const sender: BoundedSender = createBoundedSender({
    name: "PostHog analytics forwarding",
    warn: (message) => services.log.warn(message),
    maxInFlight: 8,
    perMinute: EVENTS_PER_MINUTE,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  })
  const anonymousIdOf: AnonymousIdOf = anonymousIds(services.auth.sessionKey)
  const identified = new Set<string>()

  const send = (batch: readonly Record<string, unknown>[]) =>
    sender.send({ url: endpoint, headers: { "content-type": "application/json" }, body: JSON.stringify({ api_key: posthog.token, batch }) })

  return {
    configured: true,
    capture(user, request) {
      const choice = analyticsChoiceOf(user)
      const timestamp = new Date().toISOString()
      if (choice === "off") return "off"
      if (choice === "anonymous") {
        send([
          {
            event: request.event,
            distinct_id: anonymousIdOf(user.id),
            timestamp,
            // Personless: no person profile is made or touched; no geolocation of our server's address.
            properties: { ...request.properties, ...LIBRARY, $process_person_profile: false, $geoip_disable: true },
          },
        ])
        return "forwarded"
      }
      const batch: Record<string, unknown>[] = []
      if (!identified.has(user.id)) {
        if (identified.size >= MAX_REMEMBERED_IDENTIFIED) identified.clear()
        identified.add(user.id)
        batch.push({ event: "$identify", distinct_id: user.id, timestamp, properties: { ...LIBRARY, $set: { email: user.email, name: user.displayName } } })
      }
      batch.push({ event: request.event, distinct_id: user.id, timestamp, properties: { ...request.properties, ...request.identifiers, ...LIBRARY, $geoip_disable: true } })
      send(batch)
      return "forwarded"
    },
    idle: () => sender.idle(),
  }
}

// One forwarder per services object (per process, or per in-process test world): its send bounds
// and its memory of who was identified must be shared by every request.
const perServices = new WeakMap<WebServices, ProductAnalytics>()

export function productAnalytics(services: WebServices): ProductAnalytics {
  let analytics = perServices.get(services)
  if (!analytics) {
    analytics = createProductAnalytics(services)
    perServices.set(services, analytics)
  }
  return analytics
}
