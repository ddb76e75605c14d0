// The colour theme in real Chromium: it follows the system until a person picks one in the
// account menu; the pick applies at once, is rendered by the server on the next load (no flash of
// the other theme), wins over the system setting, and "System" hands control back.

import type { Page } from "playwright-core"
import { afterAll, beforeAll, expect, it } from "vitest"
import { startSecond, type SecondServer } from "#tests/fixtures/second-server.ts"
import { useChromium } from "./browser.ts"
import { signInWithWorkspace } from "./onboarding.ts"

const chromium = useChromium()
let server: SecondServer
beforeAll(async () => {
  server = await startSecond()
}, 90_000)
afterAll(async () => {
  await server?.stop()
})

/** The page's background as the browser painted it: dark when its lightness is low. */
const backgroundIsDark = (page: Page) =>
  page.evaluate(() => {
    const probe = document.createElement("canvas").getContext("2d")!
    probe.fillStyle = getComputedStyle(document.documentElement).backgroundColor
    probe.fillRect(0, 0, 1, 1)
    const [r, g, b] = probe.getImageData(0, 0, 1, 1).data
    return (r! + g! + b!) / 3 < 128
  })

const themeAttribute = (page: Page) => page.evaluate(() => document.documentElement.getAttribute("data-theme"))

/** Picks a theme in the account menu and waits until the server has stored it. */
async function pickTheme(page: Page, label: "Light" | "Dark" | "System") {
  await page.getByRole("button", { name: /^Account:/ }).click()
  const stored = page.waitForResponse((response) => /^\/theme(\.data)?$/.test(new URL(response.url()).pathname) && response.request().method() === "POST")
  await page.getByRole("radio", { name: label }).click()
  expect((await stored).status()).toBe(200)
}

it("follows the system, then the person's pick across reloads, then the system again", { timeout: 90_000 }, async () => {
  const { page, cspViolations, errors } = await chromium.person("theme", server.url)
  await page.emulateMedia({ colorScheme: "light" })
  await signInWithWorkspace(page, { name: "Theo Theme", email: "theo@example.com" }, "Colours")
  await page.waitForFunction(() => "__remixRouter" in window)

  // No choice yet: the system decides, both ways.
  expect(await themeAttribute(page)).toBeNull()
  expect(await backgroundIsDark(page)).toBe(false)
  await page.emulateMedia({ colorScheme: "dark" })
  expect(await backgroundIsDark(page)).toBe(true)

  // Light picked while the system is dark: applies at once, and the server renders it next time.
  await pickTheme(page, "Light")
  await page.waitForFunction(() => document.documentElement.getAttribute("data-theme") === "light")
  expect(await backgroundIsDark(page)).toBe(false)
  const html = await (await page.request.get(page.url())).text()
  expect(html).toMatch(/<html[^>]*data-theme="light"/)
  await page.reload()
  expect(await themeAttribute(page)).toBe("light")
  expect(await backgroundIsDark(page)).toBe(false)

  // Dark while the system is light.
  await page.emulateMedia({ colorScheme: "light" })
  await pickTheme(page, "Dark")
  await page.waitForFunction(() => document.documentElement.getAttribute("data-theme") === "dark")
  await page.reload()
  expect(await backgroundIsDark(page)).toBe(true)

  // System again: the attribute and the cookie are gone, the system decides.
  await pickTheme(page, "System")
  await page.waitForFunction(() => document.documentElement.getAttribute("data-theme") === null)
  await page.reload()
  expect(await themeAttribute(page)).toBeNull()
  expect(await backgroundIsDark(page)).toBe(false)

  expect(cspViolations).toEqual([])
  expect(errors).toEqual([])
})

it("refuses a theme that does not exist with a 400 that lists the choices", async () => {
  const response = await fetch(new URL("/theme", server.url), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: server.url },
    body: "theme=neon",
  })
  expect(response.status).toBe(400)
  expect(await response.text()).toBe("Choose a theme: system, light, dark.")
})

it("stores the theme for a plain POST without returnTo (the cookie comes with the JSON answer), and takes nothing but POST", async () => {
  const post = (method: string) =>
    fetch(new URL("/theme", server.url), {
      method,
      headers: { "content-type": "application/x-www-form-urlencoded", origin: server.url },
      body: "theme=dark",
    })
  const stored = await post("POST")
  expect(stored.status).toBe(200)
  expect(await stored.json()).toEqual({ theme: "dark" })
  expect(stored.headers.get("set-cookie")).toMatch(/^second_theme=dark;/)
  for (const method of ["PUT", "PATCH", "DELETE"]) expect((await post(method)).status, method).toBe(405)
})

it("goes back only to a path on this site after a theme is stored without JavaScript", async () => {
  for (const [returnTo, expected] of [
    ["/account", "/account"],
    ["https://evil.example/", "/"],
    ["//evil.example/", "/"],
  ] as const) {
    const response = await fetch(new URL("/theme", server.url), {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: server.url },
      body: new URLSearchParams({ theme: "dark", returnTo }).toString(),
    })
    expect(response.status).toBe(302)
    expect(response.headers.get("location")).toBe(expected)
    expect(response.headers.get("set-cookie")).toMatch(/^second_theme=dark;/)
  }
})
