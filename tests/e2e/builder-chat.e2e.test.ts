// The builder loop in real Chromium with the real Claude Code behind the worker and a scripted
// model: create an app from a prompt, watch the reply stream in two tabs, reload one tab in the
// middle of the stream, and see it catch up to exactly the same text as the other — nothing
// missing, nothing twice — before both show the run as completed. And stop a run in the middle of
// a tool call: its card says stopped, not running, live and once the stopped run is reloaded.

import type { Page } from "playwright-core"
import { expect, it } from "vitest"
import { useSecondWithFakeModel } from "#tests/fixtures/second-with-fake-model.ts"
import { useChromium } from "./browser.ts"
import { signInWithWorkspace } from "./onboarding.ts"

const chromium = useChromium()
const bed = useSecondWithFakeModel()

// Long enough to reload a tab in the middle of it, short enough for CI.
const CHUNKS = Array.from({ length: 40 }, (_, index) => `part ${index + 1}; `)
const REPLY = CHUNKS.join("")

const assistantText = (page: Page) => page.getByTestId("run").last().getByTestId("assistant-text").innerText()
const lastRunStatus = (page: Page) => page.getByTestId("run").last().getAttribute("data-status")

it("streams one reply to two tabs, and a tab reloaded mid-stream catches up without duplicates", { timeout: 120_000 }, async () => {
  const a = await chromium.person("A", bed.server.url)
  const workspacePath = await signInWithWorkspace(a.page, { name: "Ada Builder", email: "ada@example.com" }, "Builders")

  bed.fake.script([{ kind: "slowText", chunks: CHUNKS, delayMs: 120 }])
  await a.page.goto(`${workspacePath}/apps`)
  await a.page.getByTestId("new-app-prompt").fill("Build a page that lists our team's lunch spots")
  await a.page.getByTestId("runtime-picker").selectOption("claude")
  await a.page.getByTestId("create-app").click()
  await a.page.waitForURL((url) => /\/apps\/[a-z2-7]{24}$/.test(url.pathname))
  const appUrl = a.page.url()

  // A second tab of the same person follows the same run.
  const second = await a.context.newPage()
  await second.goto(appUrl)
  await a.page.waitForFunction(() => document.querySelector('[data-testid="assistant-text"]')?.textContent?.includes("part 3;"))
  await second.waitForFunction(() => document.querySelector('[data-testid="assistant-text"]')?.textContent?.includes("part 5;"))

  // Reload the first tab while the reply is still streaming.
  expect(await lastRunStatus(a.page)).toBe("running")
  await a.page.reload()
  await a.page.getByTestId("run").last().waitFor()

  for (const page of [a.page, second]) {
    await page.waitForFunction(
      () => [...document.querySelectorAll('[data-testid="run"]')].at(-1)?.getAttribute("data-status") === "completed",
      undefined,
      { timeout: 60_000 },
    )
    expect((await assistantText(page)).trim()).toBe(REPLY.trim())
  }
  expect(a.cspViolations).toEqual([])
})

it("shows a tool call that was running when the run was stopped as stopped, live and after the reload", { timeout: 120_000 }, async () => {
  const person = await chromium.person("B", bed.server.url)
  const { page } = person
  await signInWithWorkspace(page, { name: "Bea Builder", email: "bea@example.com" }, "Stoppers")

  bed.fake.script([{ kind: "shell", command: "sleep 600" }])
  await page.goto(`${new URL(page.url()).pathname}/apps`)
  await page.getByTestId("new-app-prompt").fill("Wait for ten minutes")
  await page.getByTestId("runtime-picker").selectOption("claude")
  await page.getByTestId("create-app").click()
  await page.waitForURL((url) => /\/apps\/[a-z2-7]{24}$/.test(url.pathname))
  const tool = page.getByTestId("run").last().getByTestId("tool-call").last()
  await page.waitForSelector('[data-testid="tool-call"][data-tool-state="running"]', { timeout: 60_000 })
  // The tool row says what runs, as it runs: "Running sleep 600".
  await expect(tool.innerText()).resolves.toMatch(/^Running sleep 600/)

  await page.getByTestId("stop-run").click()
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="run"]')].at(-1)?.getAttribute("data-status") === "stopped", undefined, {
    timeout: 60_000,
  })
  await expect(tool.getAttribute("data-tool-state")).resolves.toBe("stopped")
  await expect(tool.innerText()).resolves.not.toMatch(/running/i)
  // The stored run says the same to whoever opens it later.
  await page.reload()
  await expect(page.getByTestId("run").last().getByTestId("tool-call").last().getAttribute("data-tool-state")).resolves.toBe("stopped")

  // A model belongs to its runtime: switching runtime selects the new runtime's default (listed
  // first, marked), so the next message goes to a model that runtime has rather than to Claude's.
  await page.getByTestId("model-input").selectOption("sonnet")
  const other = await page.$$eval('[data-testid="runtime-picker"] option:not([disabled])', (options) =>
    options.map((option) => (option as HTMLOptionElement).value).find((value) => value !== "claude"),
  )
  expect(other, "a second usable runtime to switch to").toBeDefined()
  await page.getByTestId("runtime-picker").selectOption(other!)
  const offered = await page.$$eval('[data-testid="model-input"] option', (options) => options.map((option) => (option as HTMLOptionElement).value))
  expect(offered).not.toContain("sonnet")
  await expect(page.getByTestId("model-input").inputValue()).resolves.toBe(offered[0])
  // "… (default)", or "OpenCode's default" while the worker is still listing OpenCode's models.
  await expect(page.getByTestId("model-input").locator("option").first().innerText()).resolves.toMatch(/default\)?$/)
  expect(person.cspViolations).toEqual([])
})
