// Browser errors reach Sentry only through the same-origin forwarder (POST /api/analytics/errors)
// and only with NEXT_PUBLIC_SENTRY_DSN set and no disable flag; URL queries and secrets are cut,
// and the page is told whether to report at all.

import type { AppLoadContext } from "@remix-run/node"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { loadWebConfig, type WebConfig } from "#app/config/config.server.ts"
import { action } from "#app/routes/api.analytics.errors.ts"
import type { WebServices } from "#app/services.server.ts"
import { telemetryForPage } from "#app/telemetry/analytics-preference.server.ts"
import { browserReportsIdle } from "#app/telemetry/browser-error-report.server.ts"
import { openAppDataWorld, type AppDataWorld, type Person } from "#tests/fixtures/app-data-world.ts"
import { startFakeSentry, type FakeSentry } from "#tests/fixtures/fake-sentry.ts"

let sentry: FakeSentry
let world: AppDataWorld
beforeEach(async () => {
  sentry = await startFakeSentry()
  world = await openAppDataWorld()
})
afterEach(async () => {
  await world.close()
  await sentry.close()
})

const servicesWith = (config: WebConfig): WebServices => ({ ...world.services, config }) as WebServices

async function report(services: WebServices, person: Person | null, body: unknown) {
  const request = new Request("http://second.test/api/analytics/errors", {
    method: "POST",
    headers: { "content-type": "application/json", ...(person ? { cookie: person.cookie } : {}) },
    body: JSON.stringify(body),
  })
  return action({ request, params: {}, context: { services } as unknown as AppLoadContext })
}

const SAFARI_STACK = "render@http://second.test/assets/app-3f2a.js?token=canaryQueryToken:12:34\nhydrate@http://second.test/assets/entry.js:1:2"

describe("browser error reporting", () => {
  it("forwards a page's error to Sentry, scrubbed, when the browser DSN is set", async () => {
    const services = servicesWith(loadWebConfig({ NEXT_PUBLIC_SENTRY_DSN: sentry.dsn }))
    const workspaceId = await world.workspace()
    const ada = await world.person(workspaceId, "owner")
    expect(await telemetryForPage(services, ada.viewer.user.id)).toEqual({ analytics: null, reportBrowserErrors: true })
    const sent = await report(services, ada, {
      type: "TypeError",
      message: "x is undefined at http://second.test/w/abc?invite=canaryInviteCode#frag",
      stack: SAFARI_STACK,
    })
    expect(sent.status).toBe(204)
    await browserReportsIdle(services)
    const [envelope] = sentry.envelopes()
    expect(envelope!.event.tags["component"]).toBe("browser")
    const exception = envelope!.event.exception!.values[0]!
    expect(exception.type).toBe("TypeError")
    expect(exception.value).toBe("x is undefined at http://second.test/w/abc")
    expect(exception.stacktrace!.frames).toHaveLength(2)
    const body = sentry.received[0]!.body
    expect(body).not.toContain("canaryInviteCode")
    expect(body).not.toContain("canaryQueryToken")
    expect(body).not.toContain(ada.cookie)
  })

  it("sends nothing and tells the page not to report without a browser DSN or with a disable flag", async () => {
    const workspaceId = await world.workspace()
    const ada = await world.person(workspaceId, "owner")
    const configs = [
      loadWebConfig({}),
      loadWebConfig({ SECOND_SENTRY_DSN: sentry.dsn }),
      ...["SECOND_SENTRY_DISABLED", "SECOND_ERROR_REPORTING_DISABLED", "SECOND_TELEMETRY_DISABLED"].map((flag) => loadWebConfig({ NEXT_PUBLIC_SENTRY_DSN: sentry.dsn, [flag]: "1" })),
    ]
    for (const config of configs) {
      const services = servicesWith(config)
      expect((await telemetryForPage(services, ada.viewer.user.id)).reportBrowserErrors).toBe(false)
      expect((await report(services, ada, { type: "Error", message: "boom" })).status).toBe(204)
      await browserReportsIdle(services)
    }
    expect(sentry.received).toEqual([])
  })

  it("refuses bad reports with a typed 4xx and signed-out callers with 401", async () => {
    const services = servicesWith(loadWebConfig({ NEXT_PUBLIC_SENTRY_DSN: sentry.dsn }))
    const workspaceId = await world.workspace()
    const ada = await world.person(workspaceId, "owner")
    expect((await report(services, null, { message: "boom" })).status).toBe(401)
    expect((await report(services, ada, { message: "" })).status).toBe(400)
    expect((await report(services, ada, { message: 42 })).status).toBe(400)
    expect((await report(services, ada, { message: "x".repeat(20_000) })).status).toBe(413)
    await browserReportsIdle(services)
    expect(sentry.received).toEqual([])
  })
})
