// The same-origin analytics forwarder (POST /api/analytics), called in-process as a browser would,
// against a fake PostHog on loopback: only allowlisted events leave; anonymous mode (the default)
// strips every identifier and uses a stable anon id per person; identified mode sends $identify
// once, then events under the person's id; nothing leaves when analytics are unconfigured,
// disabled by any flag, or the person opted out, and then the page is told analytics are off; one
// person past their share of a minute gets 429 with Retry-After, and others are still forwarded.

import type { AppLoadContext } from "@remix-run/node"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { loadWebConfig, type TelemetryConfig } from "#app/config/config.server.ts"
import { action as analyticsAction } from "#app/routes/api.analytics.ts"
import { action as preferenceAction } from "#app/routes/api.analytics.preference.ts"
import type { WebServices } from "#app/services.server.ts"
import { analyticsForPage } from "#app/telemetry/analytics-preference.server.ts"
import { captureForRequest } from "#app/telemetry/capture-on-server.server.ts"
import { ANALYTICS_EVENTS_PER_PERSON_PER_MINUTE, productAnalytics } from "#app/telemetry/product-analytics.server.ts"
import { openAppDataWorld, type AppDataWorld, type Person } from "#tests/fixtures/app-data-world.ts"
import { startFakePosthog, type FakePosthog } from "#tests/fixtures/fake-posthog.ts"

const TOKEN = "phc_testProjectToken"

let posthog: FakePosthog
let world: AppDataWorld
beforeEach(async () => {
  posthog = await startFakePosthog()
  world = await openAppDataWorld()
})
afterEach(async () => {
  await world.close()
  await posthog.close()
})

/** The world's services with this telemetry config (a fresh forwarder for each). */
const servicesWith = (telemetry: TelemetryConfig): WebServices =>
  ({ ...world.services, config: { ...world.services.config, telemetry } }) as WebServices

/** PostHog configured by the environment as an operator would, then pointed at the fake. */
function telemetryFrom(env: Record<string, string>): TelemetryConfig {
  const { telemetry } = loadWebConfig({ SECOND_POSTHOG_TOKEN: TOKEN, ...env })
  return { ...telemetry, posthog: telemetry.posthog ? { ...telemetry.posthog, host: posthog.url } : null }
}

const context = (services: WebServices) => ({ services }) as unknown as AppLoadContext

async function post(services: WebServices, person: Person | null, body: unknown, path = "/api/analytics") {
  const request = new Request(`http://second.test${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(person ? { cookie: person.cookie } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  })
  const handler = path === "/api/analytics" ? analyticsAction : preferenceAction
  return handler({ request, params: {}, context: context(services) })
}

async function sent(services: WebServices) {
  await productAnalytics(services).idle()
  return posthog.events()
}

describe("analytics forwarder", () => {
  it("forwards allowlisted events anonymously by default, under a stable anon id per person", async () => {
    const services = servicesWith(telemetryFrom({}))
    const workspaceId = await world.workspace()
    const ada = await world.person(workspaceId, "owner")
    const bob = await world.person(workspaceId, "member")
    const app = await world.app(workspaceId, ada)
    const properties = { runtime: "codex", workspace_id: workspaceId, app_id: app.id, prompt: "A secret plan", $current_url: `http://second.test/w/${workspaceId}` }
    for (const person of [ada, ada, bob]) expect((await post(services, person, { event: "app_created", properties })).status).toBe(204)

    const events = await sent(services)
    expect(events.map((event) => event.event)).toEqual(["app_created", "app_created", "app_created"])
    expect(events.every((event) => event.apiKey === TOKEN)).toBe(true)
    const [first, second, third] = events.map((event) => event.distinct_id)
    expect(first).toMatch(/^anon_[A-Za-z0-9_-]{20,}$/)
    expect(second).toBe(first)
    expect(third).toMatch(/^anon_/)
    expect(third).not.toBe(first)
    expect(events[0]!.properties).toEqual({ runtime: "codex", $lib: "second-forwarder", $process_person_profile: false, $geoip_disable: true })
    const body = posthog.received.map((request) => request.body).join("\n")
    for (const identifier of [workspaceId, app.id, ada.viewer.user.id, ada.viewer.user.email, bob.viewer.user.id, "secret plan", "second.test"]) {
      expect(body).not.toContain(identifier)
    }
    expect(posthog.received.every((request) => request.path === "/batch/")).toBe(true)
  })

  it("sends $identify once, then events under the person's id, when they choose identified", async () => {
    const services = servicesWith(telemetryFrom({}))
    const workspaceId = await world.workspace()
    const ada = await world.person(workspaceId, "owner")
    const app = await world.app(workspaceId, ada)
    const chose = await post(services, ada, { choice: "identified" }, "/api/analytics/preference")
    expect(chose.status).toBe(200)
    expect(await chose.json()).toEqual({ choice: "identified" })
    expect(await analyticsForPage(services, ada.viewer.user.id)).toEqual({ choice: "identified" })

    await post(services, ada, { event: "run_sent", properties: { runtime: "claude", follow_up: "true", workspace_id: workspaceId, app_id: app.id } })
    await post(services, ada, { event: "app_published", properties: { visibility: "teams", outcome: "published", app_id: app.id } })
    const events = await sent(services)
    expect(events.map((event) => [event.event, event.distinct_id])).toEqual([
      ["$identify", ada.viewer.user.id],
      ["run_sent", ada.viewer.user.id],
      ["app_published", ada.viewer.user.id],
    ])
    expect(events[0]!.properties["$set"]).toEqual({ email: ada.viewer.user.email, name: ada.viewer.user.displayName })
    expect(events[1]!.properties).toMatchObject({ runtime: "claude", follow_up: "true", workspace_id: workspaceId, app_id: app.id })
    expect(events[1]!.properties["$process_person_profile"]).toBeUndefined()
  })

  it("refuses an event outside the allowlist (and other bad input) with a typed 4xx, forwarding nothing", async () => {
    const services = servicesWith(telemetryFrom({}))
    const workspaceId = await world.workspace()
    const ada = await world.person(workspaceId, "owner")
    const unknown = await post(services, ada, { event: "$pageview", properties: { $current_url: "https://x" } })
    expect(unknown.status).toBe(400)
    expect(await unknown.json()).toMatchObject({ error: { code: "unknown_event", message: expect.stringContaining("app_created") } })
    expect((await post(services, ada, "{not json")).status).toBe(400)
    expect((await post(services, ada, { event: 42 })).status).toBe(400)
    expect((await post(services, ada, { event: "app_created", properties: [] })).status).toBe(400)
    expect((await post(services, ada, { event: "app_created", properties: { padding: "x".repeat(5_000) } })).status).toBe(413)
    expect((await post(services, null, { event: "app_created" })).status).toBe(401)
    const badChoice = await post(services, ada, { choice: "everything" }, "/api/analytics/preference")
    expect(badChoice.status).toBe(400)
    expect(await badChoice.json()).toMatchObject({ error: { code: "invalid_choice" } })
    const wrongType = await analyticsAction({
      request: new Request("http://second.test/api/analytics", { method: "POST", headers: { cookie: ada.cookie, "content-type": "text/plain" }, body: "{}" }),
      params: {},
      context: context(services),
    })
    expect(wrongType.status).toBe(415)
    expect(await sent(services)).toEqual([])
  })

  it("sends nothing for a person who opted out, and tells their page analytics are off", async () => {
    const services = servicesWith(telemetryFrom({}))
    const workspaceId = await world.workspace()
    const ada = await world.person(workspaceId, "owner")
    const bob = await world.person(workspaceId, "member")
    expect((await post(services, ada, { choice: "off" }, "/api/analytics/preference")).status).toBe(200)
    expect(await analyticsForPage(services, ada.viewer.user.id)).toEqual({ choice: "off" })
    expect((await post(services, ada, { event: "app_created", properties: { runtime: "claude" } })).status).toBe(204)
    // Bob did not opt out: the control that the forwarder was working all along.
    await post(services, bob, { event: "version_restored" })
    expect((await sent(services)).map((event) => event.event)).toEqual(["version_restored"])
  })

  it("sends nothing when unconfigured or disabled by any flag, and the page is told analytics are off", async () => {
    const workspaceId = await world.workspace()
    const ada = await world.person(workspaceId, "owner")
    const unconfigured = servicesWith(loadWebConfig({}).telemetry)
    const disabled = ["SECOND_POSTHOG_DISABLED", "SECOND_TELEMETRY_DISABLED"].map((flag) => servicesWith(telemetryFrom({ [flag]: "1" })))
    for (const services of [unconfigured, ...disabled]) {
      expect(await analyticsForPage(services, ada.viewer.user.id)).toBeNull()
      expect((await post(services, ada, { event: "app_created", properties: { runtime: "claude" } })).status).toBe(204)
      expect(await sent(services)).toEqual([])
    }
    // The same environment without a flag does forward.
    const enabled = servicesWith(telemetryFrom({}))
    await post(enabled, ada, { event: "app_created", properties: { runtime: "claude" } })
    expect((await sent(enabled)).map((event) => event.event)).toEqual(["app_created"])
  })

  it("captures a page action's event on the server under the same rules", async () => {
    const services = servicesWith(telemetryFrom({}))
    const workspaceId = await world.workspace()
    const ada = await world.person(workspaceId, "owner")
    const request = new Request("http://second.test/w/x/apps", { method: "POST", headers: { cookie: ada.cookie } })
    await captureForRequest({ request, context: { services } }, "app_created", { runtime: "opencode", workspace_id: workspaceId })
    await captureForRequest({ request: new Request("http://second.test/"), context: { services } }, "app_created", { runtime: "claude" })
    const events = await sent(services)
    expect(events).toHaveLength(1)
    expect(events[0]!.properties).toMatchObject({ runtime: "opencode" })
    expect(events[0]!.properties["workspace_id"]).toBeUndefined()
  })

  it("logs an unreachable PostHog once, without the event, and never retries", async () => {
    posthog.answerWith(503)
    const warnings: string[] = []
    const base = servicesWith(telemetryFrom({}))
    const services = { ...base, log: { ...base.log, warn: (message: string) => warnings.push(message) } } as WebServices
    const workspaceId = await world.workspace()
    const ada = await world.person(workspaceId, "owner")
    for (let n = 0; n < 3; n += 1) await post(services, ada, { event: "app_created", properties: { runtime: "claude" } })
    await productAnalytics(services).idle()
    expect(posthog.received).toHaveLength(3)
    expect(warnings).toEqual([expect.stringMatching(/^PostHog analytics forwarding to 127\.0\.0\.1:\d+ failed \(HTTP 503\)/)])
  })

  it("answers 429 with Retry-After past one person's share of a minute, and still forwards another person's events", async () => {
    const services = servicesWith(telemetryFrom({}))
    const workspaceId = await world.workspace()
    const ada = await world.person(workspaceId, "owner")
    const bob = await world.person(workspaceId, "member")
    const statuses: number[] = []
    for (let n = 0; n < ANALYTICS_EVENTS_PER_PERSON_PER_MINUTE + 10; n += 1) {
      statuses.push((await post(services, ada, { event: "version_restored" })).status)
    }
    expect(statuses.slice(0, ANALYTICS_EVENTS_PER_PERSON_PER_MINUTE).every((status) => status === 204)).toBe(true)
    expect(statuses.slice(ANALYTICS_EVENTS_PER_PERSON_PER_MINUTE).every((status) => status === 429)).toBe(true)
    const refused = await post(services, ada, { event: "version_restored" })
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1)
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(60)
    expect(await refused.json()).toMatchObject({ error: { code: "rate_limited", message: expect.stringContaining("a minute per person") } })
    await productAnalytics(services).idle()
    expect((await post(services, bob, { event: "app_created", properties: { runtime: "claude" } })).status).toBe(204)
    expect((await sent(services)).map((event) => event.event)).toContain("app_created")
  })
})
