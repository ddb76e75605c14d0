// The Account page's API tokens card in real Chromium at a phone's width, by keyboard: make a
// token (shown once, with Copy and the warning), use it from a script, see it listed with its
// hint and last use, revoke it behind a question; no serious axe finding, nothing wider than the
// screen, in light and dark. In two workspaces: the workspace menu opens Account on that
// workspace, a token is made where the select points, an 80-character name wraps at 390 px (also
// behind the revoke dialog), and Role and Expires are level at 1280 px. (Needs a fresh build: npm run build.)

import type { Page } from "playwright-core"
import { afterAll, beforeAll, expect, it } from "vitest"
import { startSecond, type SecondServer } from "#tests/fixtures/second-server.ts"
import { useChromium } from "../e2e/browser.ts"
import { signInWithWorkspace } from "../e2e/onboarding.ts"
import { axeFindings, describeAxeFinding, horizontalOverflow } from "../e2e/page-quality.ts"

const chromium = useChromium()
let server: SecondServer
beforeAll(async () => {
  server = await startSecond()
}, 90_000)
afterAll(async () => {
  await server?.stop()
})

/** No serious axe finding and nothing wider than the screen; each theme on a fresh load when `reload`, as every-page does. */
async function expectQuality(page: Page, what: string, reload: boolean) {
  for (const theme of reload ? (["light", "dark"] as const) : (["light"] as const)) {
    await page.emulateMedia({ colorScheme: theme })
    if (reload) await page.reload()
    const serious = (await axeFindings(page)).filter((finding) => finding.impact === "serious" || finding.impact === "critical")
    expect(serious.map(describeAxeFinding), `${what} (${theme})`).toEqual([])
    expect((await horizontalOverflow(page)).offenders, `${what} (${theme})`).toEqual([])
  }
  await page.emulateMedia({ colorScheme: "light" })
}

it("makes, shows once, lists and revokes a token at 390 px, by keyboard", { timeout: 120_000 }, async () => {
  const person = await chromium.person("ada", server.url)
  const { page } = person
  await page.setViewportSize({ width: 390, height: 844 })
  const workspacePath = await signInWithWorkspace(page, { name: "Ada", email: "ada@example.com" }, "Acme")
  const workspaceId = workspacePath.split("/").at(-1)!
  await page.goto("/account")
  await expect.poll(() => page.getByText("No API tokens in this workspace yet.").isVisible()).toBe(true)
  await expectQuality(page, "the empty card", true)
  await page.getByText("No API tokens in this workspace yet.").waitFor()

  const name = page.getByRole("textbox", { name: /^Name/ })
  await name.focus()
  await page.keyboard.type("Nightly report")
  // Role (an owner may give any role), then expiry, then the button: all reached with Tab.
  await page.keyboard.press("Tab")
  await page.keyboard.press("Tab")
  await page.keyboard.press("Tab")
  await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe("Create token")
  await page.keyboard.press("Enter")

  const shown = page.getByRole("textbox", { name: "Your new API token" })
  await shown.waitFor()
  const token = await shown.inputValue()
  expect(token).toMatch(/^sec_[A-Za-z0-9_-]{43}$/)
  // The workspace id scripts need comes with it; the form starts over, so a second click makes nothing twice.
  expect(await page.getByRole("textbox", { name: "Workspace id for scripts" }).inputValue()).toBe(workspaceId)
  expect(await name.inputValue()).toBe("")
  await expect.poll(() => page.getByText("Copy your new token now").isVisible()).toBe(true)
  await expect.poll(() => page.getByRole("button", { name: "Copy token" }).isVisible()).toBe(true)
  const row = page.getByTestId("api-token-row")
  await expect.poll(() => row.textContent()).toContain(`sec_${token.slice(4, 8)}…`)
  expect(await row.textContent()).toContain("last used never")
  await expectQuality(page, "a new token", false)

  // A script uses it; after a reload the secret is gone and the list says it was used.
  const reply = await fetch(`${server.url}/api/trpc/workspaces.get?input=${encodeURIComponent(JSON.stringify({ workspaceId }))}`, {
    headers: { authorization: `Bearer ${token}` },
  })
  expect(reply.status).toBe(200)
  await page.goto("/account")
  expect(await page.content()).not.toContain(token)
  await expect.poll(() => row.textContent()).not.toContain("last used never")
  await expectQuality(page, "a used token", true)

  await page.getByRole("button", { name: "Revoke Nightly report" }).focus()
  await page.keyboard.press("Enter")
  await page.getByRole("dialog").waitFor()
  await page.getByRole("button", { name: "Revoke token" }).click()
  await expect.poll(() => page.getByText("No API tokens in this workspace yet.").isVisible()).toBe(true)
  const refused = await fetch(`${server.url}/api/trpc/workspaces.get?input=${encodeURIComponent(JSON.stringify({ workspaceId }))}`, {
    headers: { authorization: `Bearer ${token}` },
  })
  expect(refused.status).toBe(401)
  expect(person.errors).toEqual([])
})

it("opens on the menu's workspace, makes a token where the select points, and fits a long name", { timeout: 120_000 }, async () => {
  const person = await chromium.person("mia", server.url)
  const { page } = person
  await page.setViewportSize({ width: 1280, height: 900 })
  const acmePath = await signInWithWorkspace(page, { name: "Mia", email: "mia@example.com" }, "Acme")
  const acme = acmePath.split("/").at(-1)!
  await page.goto("/workspaces/new")
  await page.getByLabel("Workspace name").fill("Beta")
  await page.getByRole("button", { name: "Create workspace" }).click()
  await page.waitForURL((url) => /^\/w\/[^/]+$/.test(url.pathname) && url.pathname !== acmePath)
  const beta = new URL(page.url()).pathname.split("/").at(-1)!

  // Beta's account menu opens Account on Beta.
  await page.waitForFunction(() => "__remixRouter" in window)
  await page.getByRole("button", { name: /^Account:/ }).click()
  await page.getByRole("link", { name: "Account", exact: true }).click()
  await page.waitForURL((url) => url.pathname === "/account")
  expect(new URL(page.url()).searchParams.get("workspace")).toBe(beta)
  await page.waitForFunction(() => "__remixRouter" in window)
  const workspaceSelect = page.getByRole("combobox", { name: /^Workspace/ })
  expect(await workspaceSelect.inputValue()).toBe(beta)
  // With scripts the select shows its workspace at once: no Show button.
  await page.getByRole("button", { name: "Show" }).waitFor({ state: "detached" })

  // Role and Expires after sit level with each other.
  const role = await page.getByRole("combobox", { name: /^Role/ }).boundingBox()
  const expires = await page.getByRole("combobox", { name: /^Expires after/ }).boundingBox()
  expect(Math.abs(role!.y - expires!.y)).toBeLessThan(1)

  // Choose Acme and create straight away: the token is made in Acme, which the card now shows.
  await workspaceSelect.selectOption(acme)
  const long = "x".repeat(80)
  await page.getByRole("textbox", { name: /^Name/ }).fill(long)
  await page.getByRole("button", { name: "Create token" }).click()
  await page.getByRole("textbox", { name: "Your new API token" }).waitFor()
  expect(await page.getByRole("textbox", { name: "Workspace id for scripts" }).inputValue()).toBe(acme)
  expect(new URL(page.url()).searchParams.get("workspace")).toBe(acme)
  await expect.poll(() => page.getByTestId("api-token-row").count()).toBe(1)

  // At a phone's width the long name wraps: nothing wider than the screen, nor behind the revoke question.
  await page.setViewportSize({ width: 390, height: 844 })
  expect((await horizontalOverflow(page)).offenders).toEqual([])
  await page.getByRole("button", { name: `Revoke ${long}` }).click()
  await page.getByRole("dialog").waitFor()
  expect((await horizontalOverflow(page)).offenders).toEqual([])
  await page.keyboard.press("Escape")

  // Beta has no token.
  await workspaceSelect.selectOption(beta)
  await expect.poll(() => page.getByText("No API tokens in this workspace yet.").isVisible()).toBe(true)
  expect(person.errors).toEqual([])
})
