// The product events Second may send to PostHog, and each one's properties: a fixed allowlist the
// forwarder (routes/api.analytics.ts) enforces. Browser code imports it to name events. Anything
// not listed here never leaves the deployment. Property values are chosen from fixed lists, so no
// free text (names, prompts, URLs) can ride along; ids are a separate kind, sent only when the
// person chose "identified".

import type { RuntimeId } from "#shared/runtime/run-event.ts"

// Listed here rather than imported: run-event.ts's values would bring Effect Schema into every page.
const RUNTIME_IDS = ["claude", "codex", "opencode"] as const satisfies readonly RuntimeId[]

/** Each allowed property and the only values it may take. */
type PropertyRules = Readonly<Record<string, readonly string[]>>

export const PRODUCT_EVENTS = {
  app_created: { runtime: RUNTIME_IDS },
  run_sent: { runtime: RUNTIME_IDS, follow_up: ["true", "false"] },
  app_published: { visibility: ["workspace", "teams"], outcome: ["published", "review_requested"] },
  version_restored: {},
} as const satisfies Readonly<Record<string, PropertyRules>>

export type ProductEvent = keyof typeof PRODUCT_EVENTS
export const PRODUCT_EVENT_NAMES = Object.keys(PRODUCT_EVENTS) as ProductEvent[]

/** Identifiers: forwarded only in identified mode, stripped in anonymous mode. */
export const IDENTIFYING_PROPERTIES = ["workspace_id", "app_id"] as const
export type IdentifyingProperty = (typeof IDENTIFYING_PROPERTIES)[number]

export type ProductEventProperties<E extends ProductEvent> = {
  readonly [K in keyof (typeof PRODUCT_EVENTS)[E]]?: (typeof PRODUCT_EVENTS)[E][K] extends readonly (infer V)[] ? V : never
} & { readonly [K in IdentifyingProperty]?: string }

export const isProductEvent = (name: string): name is ProductEvent => Object.hasOwn(PRODUCT_EVENTS, name)

/** What each person chooses in the account menu; absent on the user document means the default. */
export const ANALYTICS_CHOICES = ["anonymous", "identified", "off"] as const
export type AnalyticsChoice = (typeof ANALYTICS_CHOICES)[number]
export const DEFAULT_ANALYTICS_CHOICE: AnalyticsChoice = "anonymous"

/** What a page knows about analytics for its viewer; null (instead of this) when they are not configured. */
export interface PageAnalytics {
  readonly choice: AnalyticsChoice
}
