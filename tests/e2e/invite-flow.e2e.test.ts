// The main identity path in real Chromium, as two people at two browsers: A signs in, creates a
// workspace and invites B; B opens the link, signs in with the invited address and joins; both
// then see each other in Members with the right roles. Along the way, what a person notices of
// the page's security: the app's scripts run under the Content-Security-Policy (it hydrates and
// navigates client-side), and the browser reports no CSP violation.

import type { Page } from "playwright-core"
import { afterAll, beforeAll, expect, it } from "vitest"
import { startSecond, type SecondServer } from "#tests/fixtures/second-server.ts"
import { STEP_TIMEOUT_MS, useChromium, type BrowserPerson } from "./browser.ts"

const chromium = useChromium()
let server: SecondServer

beforeAll(async () => {
  server = await startSecond()
}, 60_000)

afterAll(async () => {
  await server?.stop()
})

const ada = { name: "Ada Owner", email: "ada@example.com" }
const bea = { name: "Bea Member", email: "bea@example.com" }
const WORKSPACE = "Acme Robotics"

// A whole journey through several page loads in two browsers: a few seconds, with room for a
// loaded CI machine. Each step has its own shorter bound (see browser.ts).
const JOURNEY_TIMEOUT_MS = 90_000

it("signs in, creates a workspace, invites a second person who joins from their own browser, and both see both in Members", { timeout: JOURNEY_TIMEOUT_MS }, async () => {
  const a = await chromium.person("A", server.url)

  // The front door. Once the app has hydrated, "Get started" is handled by the client router:
  // a marker set on this document survives only if the page was not reloaded.
  await a.page.goto("/")
  await hydrated(a)
  await a.page.evaluate(() => Reflect.set(window, "__e2eSameDocument", true))
  await a.page.getByRole("link", { name: "Get started" }).click()
  await a.page.waitForURL((url) => url.pathname === "/onboarding")
  expect(await a.page.evaluate(() => Reflect.get(window, "__e2eSameDocument")), "Get started should navigate without a reload: the app's scripts run").toBe(true)

  // Sign in. The submission is held at the network until the busy label shows, which only the
  // hydrated page renders (a plain HTML form post would just wait for the next page).
  await a.page.getByRole("heading", { name: "Welcome to Second" }).waitFor()
  await fillIdentity(a.page, ada)
  await whileWritesHeld(a.page, "/onboarding", async () => {
    await a.page.getByRole("button", { name: "Continue" }).click()
    const busy = a.page.getByRole("button", { name: "Signing in…" })
    await busy.waitFor()
    expect(await busy.isDisabled(), "the busy button should not take a second submission").toBe(true)
  })

  // A first-time person is sent to create their first workspace, and becomes its owner.
  await a.page.waitForURL((url) => url.pathname === "/workspaces/new")
  await a.page.getByRole("heading", { name: "Create your first workspace" }).waitFor()
  await a.page.getByLabel("Workspace name").fill(WORKSPACE)
  await a.page.getByRole("button", { name: "Create workspace" }).click()
  await a.page.waitForURL((url) => /^\/w\/[^/]+$/.test(url.pathname))
  const workspacePath = new URL(a.page.url()).pathname
  await a.page.getByRole("heading", { name: WORKSPACE, exact: true }).waitFor()
  expect(await a.page.getByTestId("signed-in-as").textContent()).toBe(ada.name)

  // Settings → Invitations: invite B as a member and read the single-use link off the page.
  await section(a.page, "Invitations")
  await a.page.waitForURL((url) => url.pathname === `${workspacePath}/settings/invitations`)
  await a.page.getByRole("heading", { name: "Invitations", level: 1 }).waitFor()
  await a.page.getByLabel("Email", { exact: true }).fill(bea.email)
  await a.page.getByRole("combobox", { name: /^Role\b/ }).selectOption("member")
  await a.page.getByRole("button", { name: "Create invitation link" }).click()
  await a.page.getByRole("status").filter({ hasText: `Send this link to ${bea.email}.` }).waitFor()
  const link = await a.page.getByTestId("invite-link").inputValue()
  expect(link, "the invitation link, on this server").toMatch(new RegExp(`^${escapeRegExp(server.url)}/invitations/[a-z2-7]{52}$`))
  const invitationPath = new URL(link).pathname
  await a.page.getByTestId("invitation-row").filter({ hasText: bea.email }).waitFor()

  // A opens Members before B has joined: only A, the owner.
  await section(a.page, "Members")
  await a.page.waitForURL((url) => url.pathname === `${workspacePath}/settings/members`)
  await expect.poll(() => membersShown(a.page), { timeout: STEP_TIMEOUT_MS, message: "Members as A sees it before B joins" }).toEqual([
    { name: ada.name, email: ada.email, role: "owner" },
  ])

  // B, in a browser that shares nothing with A's, opens the link: who invited whom, and a way
  // to sign in with the invited address that comes back here.
  const b = await chromium.person("B", server.url)
  await b.page.goto(link)
  await hydrated(b)
  await b.page.getByRole("heading", { name: `Join ${WORKSPACE}` }).waitFor()
  expect(await b.page.getByText(`${ada.name} invited ${bea.email} to join as a member.`).count(), "who invited whom, as what").toBe(1)
  await b.page.getByRole("link", { name: `Sign in as ${bea.email} to accept` }).click()
  await b.page.waitForURL((url) => url.pathname === "/onboarding")
  expect(new URL(b.page.url()).searchParams.get("returnTo"), "sign-in should come back to the invitation").toBe(invitationPath)
  await fillIdentity(b.page, bea)
  await b.page.getByRole("button", { name: "Continue" }).click()

  // Back on the invitation, signed in: join, and land in the workspace as a member.
  await b.page.waitForURL((url) => url.pathname === invitationPath)
  await b.page.getByText(`Signed in as ${bea.name} (${bea.email}).`).waitFor()
  await b.page.getByRole("button", { name: `Join ${WORKSPACE}` }).click()
  await b.page.waitForURL((url) => url.pathname === workspacePath)
  await b.page.getByRole("heading", { name: WORKSPACE, exact: true }).waitFor()
  await b.page.getByText("You are a member of this workspace.").waitFor()

  // Both people, each with the right role, as each of them sees it.
  const both = [
    { name: ada.name, email: ada.email, role: "owner" },
    { name: bea.name, email: bea.email, role: "member" },
  ]
  await section(b.page, "Members")
  await b.page.waitForURL((url) => url.pathname === `${workspacePath}/settings/members`)
  await expect.poll(() => membersShown(b.page), { timeout: STEP_TIMEOUT_MS, message: "Members as B sees it after joining" }).toEqual(both)

  await a.page.reload()
  await expect.poll(() => membersShown(a.page), { timeout: STEP_TIMEOUT_MS, message: "Members as A sees it after reloading" }).toEqual(both)
  // The owner may change B's role (B's row offers a role picker); B, a member, may not.
  expect(await a.page.getByRole("combobox", { name: `Role of ${bea.name}` }).inputValue()).toBe("member")
  expect(await b.page.getByRole("combobox").count(), "a member sees no role pickers").toBe(0)

  expectSecureAndScriptsHealthy(a)
  expectSecureAndScriptsHealthy(b)
})

it("enforces its Content-Security-Policy in the browser: an injected inline script is refused and reported", async () => {
  // The check above is only as good as its listener: prove that a violation reaches it.
  const c = await chromium.person("C", server.url)
  await c.page.goto("/")
  const reported = c.page.waitForEvent("console", (message) => message.type() === "error" && message.text().includes("Content Security Policy"))
  await c.page.evaluate(() => {
    const script = document.createElement("script")
    script.textContent = "window.__e2eInjected = true"
    document.body.append(script)
  })
  await reported
  expect(await c.page.evaluate(() => Reflect.get(window, "__e2eInjected")), "the injected script must not run").toBeUndefined()
  await expect.poll(() => c.cspViolations.length, { timeout: STEP_TIMEOUT_MS, message: "the browser's report, as the watcher heard it" }).toBe(1)
})

/**
 * Waits until Remix has created its client router, which it does while hydrating the document:
 * from then on React handles clicks (hydrating first what they land on), so a link click is a
 * client-side navigation and a form submission goes through the app, not the browser.
 */
async function hydrated(person: BrowserPerson): Promise<void> {
  await person.page.waitForFunction(() => "__remixRouter" in window, undefined, { timeout: STEP_TIMEOUT_MS }).catch((error: unknown) => {
    const seen = person.errors.length === 0 ? "no browser errors" : `browser errors:\n  ${person.errors.join("\n  ")}`
    throw new Error(`${person.page.url()} did not hydrate in ${person.label}'s browser: the app's scripts did not run (${seen})`, { cause: error })
  })
}

async function fillIdentity(page: Page, who: { name: string; email: string }): Promise<void> {
  await page.getByLabel("Display name").fill(who.name)
  await page.getByLabel("Email").fill(who.email)
}

/** Opens a workspace section from the tab bar. */
async function section(page: Page, name: string): Promise<void> {
  await page.getByRole("navigation", { name: "Workspace sections" }).getByRole("link", { name, exact: true }).click()
}

/**
 * Runs `during` while POSTs to paths under `pathPrefix` are held at the network, then lets them
 * through. Lets a test see a page's in-between state without racing a fast local server. The page
 * must have no other routes: they are all removed at the end.
 */
async function whileWritesHeld(page: Page, pathPrefix: string, during: () => Promise<void>): Promise<void> {
  let release = () => {}
  const released = new Promise<void>((resolve) => (release = resolve))
  await page.route(
    (url) => url.pathname.startsWith(pathPrefix),
    async (route) => {
      if (route.request().method() === "POST") await released
      await route.continue()
    },
  )
  try {
    await during()
  } finally {
    release()
    // "wait": a plain unroute would cut the released handler short ("Route is already handled").
    await page.unrouteAll({ behavior: "wait" })
  }
}

interface MemberShown {
  readonly name: string
  readonly email: string
  readonly role: string
}

/** The Members table as the viewer sees it, by email: a role is text, or the picker's value for those who may change it. */
async function membersShown(page: Page): Promise<MemberShown[]> {
  const rows = await page.getByTestId("member-row").evaluateAll((elements) =>
    elements.map((row) => {
      const [name, email] = [...row.querySelectorAll("td")].map((cell) => cell.textContent?.trim() ?? "")
      const role = row.querySelector('[data-testid="member-role"]')?.textContent ?? row.querySelector("select")?.value ?? "?"
      return { name: name ?? "", email: email ?? "", role }
    }),
  )
  return rows.sort((left, right) => left.email.localeCompare(right.email))
}

function expectSecureAndScriptsHealthy(person: BrowserPerson): void {
  expect(person.cspViolations, `Content-Security-Policy violations in ${person.label}'s browser`).toEqual([])
  // A hydration mismatch or a crash in a page's script surfaces here, not on the screen.
  expect(person.errors.filter((error) => error.startsWith("uncaught")), `uncaught script errors in ${person.label}'s browser`).toEqual([])
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
