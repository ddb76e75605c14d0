// The analytics choice in real Chromium, on a deployment with PostHog configured: a person picks
// Off in the account menu (by mouse, then moves with the arrow keys), is told it is saved, and
// finds it still chosen after a reload. (It once posted to `…/preference.data`, a 404 that
// replaced the page with an error.)

import { afterAll, beforeAll, expect, it } from "vitest"
import { startSecond, type SecondServer } from "#tests/fixtures/second-server.ts"
import { useChromium } from "./browser.ts"
import { signInWithWorkspace } from "./onboarding.ts"

const chromium = useChromium()
let server: SecondServer
beforeAll(async () => {
  // Nothing listens there: forwarding fails quietly, which this test does not look at.
  server = await startSecond({ SECOND_POSTHOG_TOKEN: "phc_test", SECOND_POSTHOG_HOST: "https://127.0.0.1:9" })
}, 90_000)
afterAll(async () => {
  await server?.stop()
})

it("saves the person's choice from the account menu, says so, and keeps it across a reload", { timeout: 90_000 }, async () => {
  const { page, errors } = await chromium.person("analytics-choice", server.url)
  await signInWithWorkspace(page, { name: "Ana Lytics", email: "ana@example.com" }, "Choices")
  await page.waitForFunction(() => "__remixRouter" in window)

  await page.getByRole("button", { name: /^Account:/ }).click()
  const choices = page.getByRole("radiogroup", { name: "Usage analytics" })
  expect(await choices.getByRole("radio", { name: "Anonymous" }).getAttribute("aria-checked")).toBe("true")
  await choices.getByRole("radio", { name: "Off" }).click()
  await page.getByRole("status").filter({ hasText: "Saved." }).waitFor()

  await page.reload()
  await page.getByRole("button", { name: /^Account:/ }).click()
  expect(await choices.getByRole("radio", { name: "Off" }).getAttribute("aria-checked")).toBe("true")

  // The arrow keys move the choice (a radio group is one Tab stop).
  await choices.getByRole("radio", { name: "Off" }).focus()
  await page.keyboard.press("ArrowLeft")
  await page.getByRole("status").filter({ hasText: "Saved." }).waitFor()
  expect(await choices.getByRole("radio", { name: "Identified" }).getAttribute("aria-checked")).toBe("true")
  expect(errors.filter((error) => error.startsWith("uncaught"))).toEqual([])
})
