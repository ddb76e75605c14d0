// Browser errors reach Sentry only through the same-origin forwarder (POST /api/analytics/errors)
// and only with NEXT_PUBLIC_SENTRY_DSN set, no disable flag, and the person's analytics choice not
// "off"; URL queries (of any URL, relative or percent-encoded), email addresses and secrets are
// cut; one person cannot spend the process's Sentry budget; and the page is told whether to report.

import type { AppLoadContext } from "@remix-run/node"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { loadWebConfig, type WebConfig } from "#app/config/config.server.ts"
import { action } from "#app/routes/api.analytics.errors.ts"
import type { WebServices } from "#app/services.server.ts"
import { setAnalyticsChoice, telemetryForPage } from "#app/telemetry/analytics-preference.server.ts"
import { BROWSER_ERRORS_PER_PERSON_PER_MINUTE, browserReportsIdle } from "#app/telemetry/browser-error-report.server.ts"
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

  it("cuts the query of every URL-ish token (any scheme, relative, in parentheses, percent-encoded) and email addresses", async () => {
    const services = servicesWith(loadWebConfig({ NEXT_PUBLIC_SENTRY_DSN: sentry.dsn }))
    const workspaceId = await world.workspace()
    const ada = await world.person(workspaceId, "owner")
    const messages = [
      ["Failed to load /api/oauth/callback?code=OAUTHCODE123456&state=STATE987654 for alice.secret@example.com", "Failed to load /api/oauth/callback for <email>"],
      ["WebSocket wss://second.test/live?session=SESSIONVALUE123 closed", "WebSocket wss://second.test/live closed"],
      ["Bad URL https://h/(x)?code=PARENCODE12345", "Bad URL https://h/(x)"],
      ["Redirect failed: returnTo=https%3A%2F%2Fh%2Fcb%3Fcode%3DENCODEDCODE999", "Redirect failed: returnTo=https%3A%2F%2Fh%2Fcb"],
      ["Cannot read properties of undefined (reading 'x')", "Cannot read properties of undefined (reading 'x')"],
    ] as const
    for (const [message] of messages) {
      expect((await report(services, ada, { type: "Error", message })).status).toBe(204)
      await browserReportsIdle(services)
    }
    const values = sentry.envelopes().map((envelope) => envelope.event.exception!.values[0]!.value)
    expect(values.sort()).toEqual(messages.map(([, scrubbed]) => scrubbed).sort())
    const body = sentry.received.map((request) => request.body).join("\n")
    for (const secret of ["OAUTHCODE123456", "STATE987654", "alice.secret", "SESSIONVALUE123", "PARENCODE12345", "ENCODEDCODE999"]) expect(body).not.toContain(secret)
  })

  it("answers 429 with Retry-After once one person has sent their share, so another person's error still reaches Sentry", async () => {
    const services = servicesWith(loadWebConfig({ NEXT_PUBLIC_SENTRY_DSN: sentry.dsn }))
    const workspaceId = await world.workspace()
    const ada = await world.person(workspaceId, "owner")
    const bob = await world.person(workspaceId, "member")
    const statuses: number[] = []
    for (let n = 0; n < 40; n += 1) {
      const answer = await report(services, ada, { type: "Error", message: `loop ${n}` })
      statuses.push(answer.status)
      if (answer.status === 429) {
        expect(Number(answer.headers.get("retry-after"))).toBeGreaterThanOrEqual(1)
        expect(Number(answer.headers.get("retry-after"))).toBeLessThanOrEqual(60)
        expect(await answer.json()).toMatchObject({ error: { code: "rate_limited", message: expect.stringContaining("a minute per person") } })
      }
      // Each send finishes before the next, so only the per-minute budgets decide what is dropped.
      await browserReportsIdle(services)
    }
    expect(statuses.filter((status) => status === 204)).toHaveLength(BROWSER_ERRORS_PER_PERSON_PER_MINUTE)
    expect(statuses.slice(BROWSER_ERRORS_PER_PERSON_PER_MINUTE).every((status) => status === 429)).toBe(true)
    expect((await report(services, bob, { type: "TypeError", message: "a real error" })).status).toBe(204)
    await browserReportsIdle(services)
    const values = sentry.envelopes().map((envelope) => envelope.event.exception!.values[0]!.value)
    expect(values).toHaveLength(BROWSER_ERRORS_PER_PERSON_PER_MINUTE + 1)
    expect(values).toContain("a real error")
  })

  it("forwards nothing for a person whose analytics choice is off, and tells their page not to report", async () => {
    const services = servicesWith(loadWebConfig({ NEXT_PUBLIC_SENTRY_DSN: sentry.dsn }))
    const workspaceId = await world.workspace()
    const ada = await world.person(workspaceId, "owner")
    const bob = await world.person(workspaceId, "member")
    await setAnalyticsChoice(services, ada.viewer.user, "off")
    // PostHog is not configured here, so the menu is hidden: a choice made earlier still holds.
    expect(await telemetryForPage(services, ada.viewer.user.id)).toEqual({ analytics: null, reportBrowserErrors: false })
    expect((await report(services, ada, { type: "Error", message: "ada's error" })).status).toBe(204)
    // Bob did not turn analytics off: the control that the forwarder was working all along.
    expect((await report(services, bob, { type: "Error", message: "bob's error" })).status).toBe(204)
    await browserReportsIdle(services)
    expect(sentry.envelopes().map((envelope) => envelope.event.exception!.values[0]!.value)).toEqual(["bob's error"])
  })
})
