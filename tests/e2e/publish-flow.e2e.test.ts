// Publishing to colleagues end to end, in real Chromium with the real Claude Code behind the worker
// and a scripted model: a member builds an app with an agent and asks, from Publish…, for it to be
// published to one team; the owner reads the diff on the review's page and approves; a member of
// that team opens the published app and uses it (adds a row by hand, asks the agent, which calls
// its API and saves what it found); a member of another team gets 404; the creator changes the
// draft, and the published app stays as it was until the next approval, which brings the change.

import type { Page } from "playwright-core"
import { expect, it } from "vitest"
import { FORECAST_PATH, forecastAgents, forecastAppSource, forecastAppTurn, forecasterRun } from "#tests/fixtures/forecast-app.ts"
import type { Step } from "#tests/fixtures/fake-model/script.ts"
import { doneBuilding, writeFiles } from "#tests/fixtures/notes-app.ts"
import { STEP_TIMEOUT_MS, useChromium, type BrowserPerson } from "./browser.ts"
import { useForecastServer } from "./forecast-server.ts"
import { signIn, signInWithWorkspace } from "./onboarding.ts"

const chromium = useChromium()
/** A real agent turn and a real build (vite and tsc) on a loaded 2-core machine. */
const RUN_TIMEOUT_MS = 120_000
const WORKSPACE = "Weather Co"

const world = useForecastServer()

/** The weather desk with a form to note a forecast by hand; the builder does not present the agents. */
const firstTurn = (): Step[] => forecastAppTurn(forecastAgents(), { app: forecastAppSource({ noteForm: true }), presentAgents: false })
const EDITED_HEADING = "Weather desk, now with rain"
const editTurn = (): Step[] => [{ kind: "shell", command: writeFiles({ "src/App.tsx": forecastAppSource({ heading: EDITED_HEADING, noteForm: true }) }) }, doneBuilding("The heading mentions rain.")]

const frame = (page: Page) => page.frameLocator('[data-testid="preview-frame"]')

async function invite(page: Page, email: string, team: string): Promise<string> {
  await page.getByLabel("Email", { exact: true }).fill(email)
  await page.getByRole("combobox", { name: /^Role\b/ }).selectOption("member")
  await page.getByRole("checkbox", { name: team }).check()
  await page.getByRole("button", { name: "Create invitation link" }).click()
  await page.getByRole("status").filter({ hasText: `Send this link to ${email}.` }).waitFor()
  return page.getByTestId("invite-link").inputValue()
}

async function join(label: string, link: string, who: { name: string; email: string }, workspacePath: string): Promise<BrowserPerson> {
  const person = await chromium.person(label, world.server.url)
  await person.page.goto(link)
  await person.page.getByRole("link", { name: `Sign in as ${who.email} to accept` }).click()
  await person.page.waitForURL((url) => url.pathname === "/onboarding")
  await signIn(person.page, who)
  await person.page.getByRole("button", { name: `Join ${WORKSPACE}` }).click()
  await person.page.waitForURL((url) => url.pathname === workspacePath)
  return person
}

async function runsCompleted(page: Page, count: number) {
  await page.waitForFunction(
    (expected) => document.querySelectorAll('[data-testid="run"][data-status="completed"]').length >= expected,
    count,
    { timeout: RUN_TIMEOUT_MS },
  )
}

/** From the builder's Publish… dialog: ask for a review of the app for one team; returns the review's path. */
async function requestReview(page: Page, team: string, note: string): Promise<string> {
  await page.getByTestId("publish-app").click()
  const dialog = page.getByRole("dialog", { name: /^Publish / })
  await dialog.getByRole("radio", { name: "Chosen teams" }).check({ timeout: STEP_TIMEOUT_MS })
  await dialog.getByRole("checkbox", { name: team }).check()
  await dialog.getByLabel(/^Note for the reviewer/).fill(note)
  await dialog.getByRole("button", { name: "Request review" }).click()
  await dialog.getByText("Review requested").waitFor({ timeout: STEP_TIMEOUT_MS })
  const href = await dialog.getByTestId("open-review").getAttribute("href")
  expect(href).toMatch(/\/reviews\/[a-z2-7]{24}$/)
  await page.keyboard.press("Escape")
  await dialog.waitFor({ state: "hidden" })
  return href!
}

/** The owner approves a review from its page, after checking the diff shows what changed. */
async function approve(page: Page, reviewPath: string, changedText: string) {
  await page.goto(reviewPath)
  const file = page.locator('[data-testid="review-file"][data-path="src/App.tsx"]')
  await file.waitFor({ timeout: STEP_TIMEOUT_MS })
  await file.locator('[data-kind="added"]').filter({ hasText: changedText }).first().waitFor({ state: "attached" })
  await page.getByTestId("approve-review").click()
  await page.getByTestId("review-approved").waitFor({ timeout: STEP_TIMEOUT_MS })
}

it("member asks, owner approves from the diff, the team uses the published app, others get 404, drafts wait for approval", { timeout: 600_000 }, async () => {
  const ada = await chromium.person("ada", world.server.url)
  const workspacePath = await signInWithWorkspace(ada.page, { name: "Ada Owner", email: "ada@example.com" }, WORKSPACE)

  // Two teams, and three members: Bea builds, Cy is in the team the app is for, Dee is not.
  await ada.page.goto(`${workspacePath}/settings/teams`)
  for (const team of ["Forecasting", "Sales"]) {
    await ada.page.getByLabel("New team name").fill(team)
    await ada.page.getByRole("button", { name: "Create team" }).click()
    await ada.page.locator(`[data-testid="team"][aria-label="${team}"]`).waitFor()
  }
  await ada.page.goto(`${workspacePath}/settings/invitations`)
  const bea = { name: "Bea Builder", email: "bea@example.com" }
  const cy = { name: "Cy Forecaster", email: "cy@example.com" }
  const dee = { name: "Dee Sales", email: "dee@example.com" }
  const links = { bea: await invite(ada.page, bea.email, "Sales"), cy: await invite(ada.page, cy.email, "Forecasting"), dee: await invite(ada.page, dee.email, "Sales") }
  const b = await join("bea", links.bea, bea, workspacePath)
  const c = await join("cy", links.cy, cy, workspacePath)
  const d = await join("dee", links.dee, dee, workspacePath)

  // Bea builds the weather desk.
  world.fake.clearScript()
  world.fake.script(firstTurn())
  await b.page.goto(`${workspacePath}/apps`)
  await b.page.getByTestId("new-app-prompt").fill("A weather desk with an agent that looks up forecasts")
  await b.page.getByTestId("runtime-picker").selectOption("claude")
  await b.page.getByTestId("create-app").click()
  await b.page.waitForURL((url) => /\/apps\/[a-z2-7]{24}$/.test(url.pathname))
  const appPath = new URL(b.page.url()).pathname
  const appId = appPath.split("/").at(-1)!
  const publishedPath = `${workspacePath}/a/${appId}`
  await runsCompleted(b.page, 1)

  // Its agent calls an API: Ada (an owner sees every app) approves it for live calls.
  await ada.page.goto(`${appPath}/agents`)
  await ada.page.getByTestId("approve-agents").click()
  await ada.page.getByText(/Approved live by Ada/).first().waitFor({ timeout: STEP_TIMEOUT_MS })

  // Not published yet: colleagues outside the app cannot open it.
  expect((await c.page.goto(publishedPath))?.status()).toBe(404)

  // Bea asks for it to be published to Forecasting.
  await b.page.goto(appPath)
  const firstReview = await requestReview(b.page, "Forecasting", "For the forecasting team.")

  // Ada sees it waiting, reads the diff (the app's source, the agent) and approves.
  await ada.page.goto(`${workspacePath}/reviews`)
  await ada.page.locator('[data-testid="review-row"][data-status="pending"]').getByText("Weather Desk").click()
  await ada.page.waitForURL((url) => url.pathname === firstReview)
  await ada.page.getByTestId("review-note").getByText("For the forecasting team.").waitFor()
  await ada.page.getByTestId("review-audience").getByText("Forecasting").waitFor()
  await ada.page.getByTestId("review-agents").getByText("forecaster").first().waitFor()
  await approve(ada.page, firstReview, "Weather desk")

  // Cy, in Forecasting, opens it and uses it: a row by hand, and the agent (which calls the API).
  await c.page.goto(publishedPath)
  await frame(c.page).getByRole("heading", { name: "Weather desk", exact: true }).waitFor({ timeout: RUN_TIMEOUT_MS })
  await frame(c.page).getByLabel("City").fill("Oslo")
  await frame(c.page).getByRole("button", { name: "Note it" }).click()
  await frame(c.page).getByRole("listitem").filter({ hasText: "Oslo: noted by hand" }).waitFor({ timeout: STEP_TIMEOUT_MS })
  world.fake.script(forecasterRun("Paris"))
  await frame(c.page).getByRole("button", { name: "Ask the forecaster" }).click()
  await frame(c.page).getByRole("listitem").filter({ hasText: "Paris: sunny" }).waitFor({ timeout: RUN_TIMEOUT_MS })
  await frame(c.page).getByText("Agent: completed").waitFor({ timeout: RUN_TIMEOUT_MS })
  expect(world.provider.requests.filter((request) => request.path.startsWith(FORECAST_PATH))).toHaveLength(1)
  // The builder is not shown to Cy.
  expect(await c.page.getByTestId("published-app-builder").count()).toBe(0)

  // Dee, in Sales only, gets 404: the app is not for her, and not even its existence shows.
  expect((await d.page.goto(publishedPath))?.status()).toBe(404)

  // Bea changes the draft: the published app stays as approved.
  world.fake.script(editTurn())
  await b.page.goto(appPath)
  await b.page.getByTestId("message-input").fill("Mention rain in the heading")
  await b.page.getByTestId("send-message").click()
  await runsCompleted(b.page, 2)
  await c.page.reload()
  await frame(c.page).getByRole("heading", { name: "Weather desk", exact: true }).waitFor({ timeout: RUN_TIMEOUT_MS })
  await frame(c.page).getByRole("listitem").filter({ hasText: "Paris: sunny" }).waitFor({ timeout: STEP_TIMEOUT_MS })
  expect(await frame(c.page).getByRole("heading", { name: EDITED_HEADING }).count()).toBe(0)

  // The next request, approved, brings the change to Cy's open page (it reloads on the release).
  const secondReview = await requestReview(b.page, "Forecasting", "Now with rain.")
  await approve(ada.page, secondReview, EDITED_HEADING)
  await frame(c.page).getByRole("heading", { name: EDITED_HEADING }).waitFor({ timeout: RUN_TIMEOUT_MS })
  // Its data stayed: the published app keeps its own, across releases.
  await frame(c.page).getByRole("listitem").filter({ hasText: "Oslo: noted by hand" }).waitFor({ timeout: STEP_TIMEOUT_MS })

  // The history on the app's Versions tab: two releases, the newer one live, both from reviews.
  await ada.page.goto(`${appPath}/versions`)
  await ada.page.locator('[data-testid="release"][data-current="true"][data-release-number="2"]').waitFor({ timeout: STEP_TIMEOUT_MS })
  expect(await ada.page.getByTestId("release").count()).toBe(2)
})
