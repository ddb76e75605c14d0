// What the browser may post to the analytics forwarder, checked before anything is forwarded:
// a small JSON object naming an allowlisted event, with properties kept only where the catalog
// allows them (the rest are dropped, not refused, so an older page never breaks).

import { ID_PATTERN } from "#shared/ids.ts"
import { IDENTIFYING_PROPERTIES, isProductEvent, PRODUCT_EVENT_NAMES, PRODUCT_EVENTS, type ProductEvent, type ProductEventProperties } from "./product-events.ts"

export const MAX_ANALYTICS_BODY_BYTES = 4_096
const MAX_PROPERTIES = 20

export interface AnalyticsProblem {
  readonly status: 400 | 413 | 415
  readonly code: string
  readonly message: string
}

export interface ProductEventRequest {
  readonly event: ProductEvent
  /** Allowlisted, non-identifying properties. */
  readonly properties: Readonly<Record<string, string>>
  /** Identifiers (workspace_id, app_id) that look like ids; sent only in identified mode. */
  readonly identifiers: Readonly<Record<string, string>>
}

const problem = (status: AnalyticsProblem["status"], code: string, message: string): AnalyticsProblem => ({ status, code, message })

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value)

export function parseAnalyticsRequest(contentType: string | null, body: string): ProductEventRequest | AnalyticsProblem {
  if (!/^application\/json\b/i.test(contentType ?? "")) return problem(415, "unsupported_media_type", "Send the event as JSON (content-type: application/json).")
  if (Buffer.byteLength(body) > MAX_ANALYTICS_BODY_BYTES) return problem(413, "too_large", `An event is at most ${MAX_ANALYTICS_BODY_BYTES} bytes of JSON.`)
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return problem(400, "invalid_json", 'The body is not JSON; send {"event": "<name>", "properties": {...}}.')
  }
  if (!isRecord(parsed) || typeof parsed["event"] !== "string") {
    return problem(400, "invalid_event", 'Send {"event": "<name>", "properties": {...}} with the event name as a string.')
  }
  const event = parsed["event"]
  if (!isProductEvent(event)) {
    return problem(400, "unknown_event", `"${event.slice(0, 40)}" is not a product event; use one of ${PRODUCT_EVENT_NAMES.join(", ")}.`)
  }
  const given = parsed["properties"] ?? {}
  if (!isRecord(given) || Object.keys(given).length > MAX_PROPERTIES) {
    return problem(400, "invalid_properties", `properties must be an object of at most ${MAX_PROPERTIES} entries.`)
  }
  return productEventRequest(event, given)
}

/** The event with only what the catalog allows: listed values of listed properties, and well-formed ids. */
export function productEventRequest<E extends ProductEvent>(event: E, given: ProductEventProperties<E> | Readonly<Record<string, unknown>>): ProductEventRequest {
  const rules: Readonly<Record<string, readonly string[]>> = PRODUCT_EVENTS[event]
  const properties: Record<string, string> = {}
  const identifiers: Record<string, string> = {}
  for (const [name, value] of Object.entries(given)) {
    if (typeof value !== "string" && typeof value !== "boolean" && typeof value !== "number") continue
    const text = String(value)
    if (Object.hasOwn(rules, name) && rules[name]!.includes(text)) properties[name] = text
    else if ((IDENTIFYING_PROPERTIES as readonly string[]).includes(name) && ID_PATTERN.test(text)) identifiers[name] = text
  }
  return { event, properties, identifiers }
}

export const isAnalyticsProblem = (value: ProductEventRequest | AnalyticsProblem): value is AnalyticsProblem => "status" in value
