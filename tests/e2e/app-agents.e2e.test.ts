// An app agent end to end, in real Chromium, with the real Claude Code behind the worker (builder
// and agent alike) and a scripted model: the builder writes an app with a "forecaster" agent and
// presents it; the card shows the agent, its tool and the API domain; the owner approves it for
// live calls; in the preview, the app's button asks the agent (useAgent), which calls its custom
// tool — the web executes it against a fake HTTPS provider on loopback, reached only through the
// test egress mapping — and saves the answer in the app's data, which the app lists. The Agents
// page then says who approved what and shows the run.

import { tmpdir } from "node:os"
import type { Page } from "playwright-core"
import { expect, it } from "vitest"
import { FORECAST_PATH, forecastAppTurn, forecasterRun } from "#tests/fixtures/forecast-app.ts"
import { STEP_TIMEOUT_MS, useChromium } from "./browser.ts"
import { useForecastServer } from "./forecast-server.ts"
import { signInWithWorkspace } from "./onboarding.ts"

const chromium = useChromium()
const RUN_TIMEOUT_MS = 90_000

const world = useForecastServer()

const preview = (page: Page) => page.frameLocator('[data-testid="preview-frame"]')

it("builds an app with an agent, approves it live, and the agent's tool reaches the API from the app's button", { timeout: 300_000 }, async () => {
  const { page } = await chromium.person("ada", world.server.url)
  const workspacePath = await signInWithWorkspace(page, { name: "Ada Lovelace", email: "ada@example.com" }, "Weather Co")

  world.fake.clearScript()
  world.fake.script(forecastAppTurn())
  await page.goto(`${workspacePath}/apps`)
  await page.getByTestId("new-app-prompt").fill("A weather desk with an agent that looks up forecasts")
  await page.getByTestId("runtime-picker").selectOption("claude")
  await page.getByTestId("create-app").click()
  await page.waitForURL((url) => /\/apps\/[a-z2-7]{24}$/.test(url.pathname))
  const appPath = new URL(page.url()).pathname

  // The turn ends at the agents card: the agent, its tool, the API it calls, the data it keeps.
  await page.waitForSelector('[data-testid="run"][data-status="completed"]', { timeout: RUN_TIMEOUT_MS })
  const card = page.getByTestId("agents-card")
  await card.getByText("Forecaster").first().waitFor()
  await card.getByText("provider.test").first().waitFor()
  await card.getByRole("button", { name: /Approve — live calls/ }).click()
  await card.getByText(/Approved live by Ada/).waitFor()

  // The app asks its agent; the agent calls the API through the web and saves what it found.
  world.fake.script(forecasterRun("Paris"))
  await preview(page).getByRole("heading", { name: "Weather desk" }).waitFor({ timeout: RUN_TIMEOUT_MS })
  await preview(page).getByRole("button", { name: "Ask the forecaster" }).click()
  await preview(page).getByRole("listitem").filter({ hasText: "Paris: sunny" }).waitFor({ timeout: RUN_TIMEOUT_MS })
  await preview(page).getByText("Agent: completed").waitFor({ timeout: RUN_TIMEOUT_MS })

  const calls = world.provider.requests.filter((request) => request.path.startsWith(FORECAST_PATH))
  expect(calls).toHaveLength(1)
  expect(calls[0]!.path).toBe(`${FORECAST_PATH}?city=Paris`)
  // The agent heard the API's answer (the model's next request carried the tool result).
  expect(world.fake.requests.some((request) => request.toolResults.some((result) => result.includes("sunny")))).toBe(true)

  // The Agents page: approved live, by whom, and the run that just happened.
  await page.goto(`${appPath}/agents`)
  await page.getByText(/Approved live by Ada/).first().waitFor({ timeout: STEP_TIMEOUT_MS })
  const run = page.locator('[data-testid="agent-run"][data-status="completed"]')
  await run.first().waitFor({ timeout: STEP_TIMEOUT_MS })
  expect(await run.count()).toBe(1)
  // What it did: the tool it called and its answer, as the chat shows a turn.
  await run.getByText("Show what it did").click()
  await run.getByText(/get_forecast/).first().waitFor({ timeout: STEP_TIMEOUT_MS })
  await run.getByText("Paris will be sunny tomorrow.").waitFor({ timeout: STEP_TIMEOUT_MS })
  await page.setViewportSize({ width: 390, height: 844 })
  await page.screenshot({ path: `${tmpdir()}/second-app-agents-run-390.png`, fullPage: true })
})
