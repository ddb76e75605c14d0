// Settings → Runtime in real Chromium: a save says so in a live region, and the message outlives
// the reload its own workspace event causes; turning scripts off asks first, saying what happens;
// the skip link is the first Tab and lands on the page's content.

import type { Page } from "playwright-core"
import { afterAll, beforeAll, expect, it } from "vitest"
import { startSecond, type SecondServer } from "#tests/fixtures/second-server.ts"
import { useChromium } from "#tests/e2e/browser.ts"
import { signInWithWorkspace } from "#tests/e2e/onboarding.ts"

const chromium = useChromium()
let server: SecondServer
beforeAll(async () => {
  server = await startSecond()
}, 90_000)
afterAll(async () => {
  await server?.stop()
})

/** Resolves once the page has read its loaders `count` more times (the save's own reload, then the event's). */
function loaderReads(page: Page, count: number): Promise<void> {
  let seen = 0
  return new Promise((done) => {
    page.on("response", (response) => {
      const request = response.request()
      if (request.method() === "GET" && new URL(response.url()).pathname.endsWith(".data") && ++seen === count) done()
    })
  })
}

it("confirms a save, and asks before turning scripts off", { timeout: 90_000 }, async () => {
  const { page, errors } = await chromium.person("runtime", server.url)
  const workspacePath = await signInWithWorkspace(page, { name: "Rita Runtime", email: "rita@example.com" }, "Frames")
  await page.goto(`${workspacePath}/settings/runtime`)
  await page.waitForFunction(() => "__remixRouter" in window)

  // The first Tab is the skip link; following it puts focus on the content, past the tabs.
  await page.keyboard.press("Tab")
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content")
  await page.keyboard.press("Enter")
  await page.waitForFunction(() => document.activeElement?.id === "content")

  const outcome = page.getByTestId("runtime-outcome")
  expect(await outcome.getAttribute("aria-live")).toBe("polite")

  // A save is confirmed, and stays confirmed after the workspace event reloads the page.
  await page.getByRole("switch", { name: "Copy to the clipboard" }).uncheck()
  const reloaded = loaderReads(page, 2)
  await page.getByRole("button", { name: "Save" }).click()
  await reloaded
  await expect.poll(() => outcome.textContent()).toContain("Saved: Run scripts on, Copy to the clipboard off, Open other sites on.")

  // Turning scripts off asks first, saying what happens; Cancel changes nothing.
  await page.getByRole("switch", { name: "Run scripts" }).uncheck()
  await page.getByRole("button", { name: "Save" }).click()
  const dialog = page.getByRole("dialog", { name: "Turn off scripts for every app?" })
  await dialog.waitFor()
  expect(await dialog.textContent()).toContain("Apps built with React — all apps the builder makes — show a blank page")
  await dialog.getByRole("button", { name: "Cancel" }).click()
  await dialog.waitFor({ state: "hidden" })
  await page.reload()
  expect(await page.getByRole("switch", { name: "Run scripts" }).isChecked()).toBe(true)

  // Confirmed, it is saved.
  await page.getByRole("switch", { name: "Run scripts" }).uncheck()
  await page.getByRole("button", { name: "Save" }).click()
  await dialog.getByRole("button", { name: "Turn off scripts" }).click()
  await expect.poll(() => outcome.textContent()).toContain("Saved: Run scripts off, Copy to the clipboard off, Open other sites on.")
  await page.reload()
  expect(await page.getByRole("switch", { name: "Run scripts" }).isChecked()).toBe(false)

  expect(errors).toEqual([])
})
