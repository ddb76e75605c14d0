// The builder's plan in real Chromium, with the real Claude Code behind the worker and a scripted
// model calling the builder's own tools: a first turn that names the app and ends at a plan, read
// as a plan (not JSON) on a phone and on a laptop; the plan approved from the keyboard alone; the
// follow-up that builds, says it is done and offers next steps; a next step picked with one click;
// and "Request changes", which hands the person the message box.

import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Page } from "playwright-core"
import { expect, it } from "vitest"
import type { Step } from "#tests/fixtures/fake-model/server.ts"
import { useSecondWithFakeModel } from "#tests/fixtures/second-with-fake-model.ts"
import { useChromium, type BrowserPerson } from "./browser.ts"
import { signInWithWorkspace } from "./onboarding.ts"

const chromium = useChromium()
const bed = useSecondWithFakeModel()
// Outside the repository: the screenshots are for a person to look at, not to keep.
const SCREENSHOTS = mkdtempSync(join(tmpdir(), "second-builder-plan-"))


const RUN_TIMEOUT_MS = 60_000
const JOURNEY_TIMEOUT_MS = 180_000

const PLAN = {
  title: "Lunch spots",
  overview: "A shared list of places to eat near the office, so nobody has to ask twice.",
  features: [
    { name: "List", description: "Shows every place with its cuisine and walking time.", emoji: "🍜" },
    { name: "Votes", description: "Teammates vote for today's lunch; the favourite rises to the top.", emoji: "🗳️" },
  ],
  dataFlow: "Places and votes are kept in the app's own data; everyone in the workspace sees them.",
}
const METADATA = { name: "Lunch Spots", description: "Where the team eats, and where it eats next." }
const SUGGESTIONS = [
  { emoji: "🗺️", title: "Add a map of the places", subtitle: "Pins for every spot near the office" },
  { title: "Let people add photos" },
  { emoji: "⏰", title: "Remind everyone at noon" },
]
const APPROVED_PROMPT = `Approved: build “${PLAN.title}” as planned.`
const planSteps = (plan: Record<string, unknown>): Step[] => [{ kind: "toolCalls", calls: [{ kind: "named", name: /present_plan/, input: plan }] }]

let people = 0
/** Signs a new person in, creates their workspace and an app from `prompt`; returns at the app's chat. */
async function newAppFrom(prompt: string, steps: Step[]): Promise<{ person: BrowserPerson; name: string }> {
  people += 1
  const name = `Ada Planner ${people}`
  const person = await chromium.person(`planner-${people}`, bed.server.url)
  const { page } = person
  await signInWithWorkspace(page, { name, email: `planner-${people}@example.com` }, `Planners ${people}`)
  bed.fake.clearScript()
  bed.fake.script(steps)
  await page.goto(`${new URL(page.url()).pathname}/apps`)
  await page.getByTestId("new-app-prompt").fill(prompt)
  await page.getByTestId("runtime-picker").selectOption("claude")
  await page.getByTestId("create-app").click()
  await page.waitForURL((url) => /\/apps\/[a-z2-7]{24}$/.test(url.pathname))
  await page.waitForFunction(() => "__remixRouter" in window)
  return { person, name }
}

const lastRun = (page: Page) => page.getByTestId("run").last()

/** Waits for the conversation's `count`th run to reach `status`. */
async function runReaches(page: Page, count: number, status: string) {
  await page.waitForFunction(
    ([n, expected]) => document.querySelectorAll('[data-testid="run"]')[n - 1]?.getAttribute("data-status") === expected,
    [count, status] as const,
    { timeout: RUN_TIMEOUT_MS },
  )
}

const chatState = (page: Page) => page.waitForSelector('[data-testid="chat-status"]').then((status) => status.getAttribute("data-state"))

/** Presses Tab until `testId` has the focus (at most `limit` times); fails if it never does. */
async function tabTo(page: Page, testId: string, limit = 60) {
  for (let presses = 0; presses < limit; presses += 1) {
    await page.keyboard.press("Tab")
    if (await page.evaluate((id) => document.activeElement?.getAttribute("data-testid") === id, testId)) return
  }
  throw new Error(`${testId} was not reached in ${limit} presses of Tab`)
}

/** Which element has the focus, and whether it is drawn with an outline a keyboard user can see. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const style = getComputedStyle(document.activeElement!)
    return { testId: document.activeElement?.getAttribute("data-testid"), outlined: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 1 }
  })

/**
 * What makes the page wider than the viewport: the page itself scrolling sideways, or anything in
 * the app's page reaching past the right edge. (The workspace's tabs may scroll within their bar.)
 */
const widerThanViewport = (page: Page) =>
  page.evaluate(() => [
    ...(document.documentElement.scrollWidth > document.documentElement.clientWidth + 0.5 ? [`the page (${document.documentElement.scrollWidth} px)`] : []),
    ...[...document.querySelectorAll("main.builder *")]
      .filter((element) => element.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
      .map((element) => `${element.tagName.toLowerCase()}.${element.className}`),
  ])

it("shows the plan, approves it from the keyboard, builds, and sends a picked suggestion", { timeout: JOURNEY_TIMEOUT_MS }, async () => {
  const { person, name } = await newAppFrom("Plan an app for our lunch spots", [
    { kind: "toolCalls", calls: [{ kind: "named", name: /set_app_metadata/, input: METADATA }] },
    ...planSteps(PLAN),
  ])
  const { page } = person
  await runReaches(page, 1, "completed")
  // The turn ended at the plan; a request the CLI made before it was stopped must not eat the next turn's script.
  bed.fake.clearScript()

  const plan = lastRun(page).getByTestId("plan-card")
  await expect(plan.getByRole("heading", { name: PLAN.title }).count()).resolves.toBe(1)
  const planText = await plan.innerText()
  for (const feature of PLAN.features) expect(planText).toContain(`${feature.name} ${feature.description}`)
  expect(planText).toContain(PLAN.overview)
  expect(planText).toContain(PLAN.dataFlow)
  // Read as a plan, not as the tool's input.
  await expect(lastRun(page).innerText()).resolves.not.toMatch(/[{}]|"title"|present_plan/)
  await expect(lastRun(page).getByTestId("tool-call").count()).resolves.toBe(0)
  await expect(lastRun(page).getByTestId("app-metadata").innerText()).resolves.toContain(`“${METADATA.name}”`)
  await page.waitForFunction((appName) => document.querySelector('[data-testid="app-name"]')?.textContent === appName, METADATA.name)
  await expect(page.getByTestId("app-description").innerText()).resolves.toBe(METADATA.description)
  await expect(chatState(page)).resolves.toBe("awaiting-approval")
  await expect(page.getByTestId("chat-status").innerText()).resolves.toMatch(/waiting for your approval/)

  for (const [width, height] of [[390, 844], [1280, 800]] as const) {
    await page.setViewportSize({ width, height })
    await plan.scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(SCREENSHOTS, `plan-${width}.png`), fullPage: true })
    expect(await widerThanViewport(page), `at ${width} px`).toEqual([])
  }
  await page.setViewportSize({ width: 390, height: 844 })

  // Both answers are reached by Tab and show where the focus is; Enter approves.
  await page.locator("body").focus()
  await tabTo(page, "approve-plan")
  await expect(focused(page)).resolves.toEqual({ testId: "approve-plan", outlined: true })
  await page.screenshot({ path: join(SCREENSHOTS, "focus-approve-390.png") })
  await page.keyboard.press("Tab")
  await expect(focused(page)).resolves.toEqual({ testId: "request-changes", outlined: true })
  await page.screenshot({ path: join(SCREENSHOTS, "focus-request-changes-390.png") })
  await page.keyboard.press("Shift+Tab")
  await expect(focused(page)).resolves.toEqual({ testId: "approve-plan", outlined: true })

  bed.fake.script([
    { kind: "writeFile", path: "lunch.html", content: "<h1>Lunch spots</h1>" },
    { kind: "toolCalls", calls: [{ kind: "named", name: /done_building/, input: { summary: "A page listing our lunch spots, with votes." } }] },
    { kind: "toolCalls", calls: [{ kind: "named", name: /present_suggestions/, input: { suggestions: SUGGESTIONS } }] },
  ])
  await page.keyboard.press("Enter")
  // The approval is sent as the next message, and its run is followed live.
  await page.getByTestId("run").nth(1).waitFor()
  await expect(lastRun(page).getByTestId("run-prompt").innerText()).resolves.toBe(APPROVED_PROMPT)
  await page.waitForSelector('[data-testid="run"][data-status="running"] [data-testid="run-working"]')
  await expect(chatState(page)).resolves.toBe("working")
  await runReaches(page, 2, "completed")
  bed.fake.clearScript()

  const built = page.getByTestId("run").nth(1)
  await expect(built.getByTestId("done-building").innerText()).resolves.toContain("A page listing our lunch spots, with votes.")
  await expect(built.getByTestId("file-change").innerText()).resolves.toContain("lunch.html")
  await expect(built.getByTestId("build-incomplete").count()).resolves.toBe(0)
  const chips = built.getByTestId("suggestion-chip")
  const chipTexts = await chips.allInnerTexts()
  expect(chipTexts).toHaveLength(SUGGESTIONS.length)
  SUGGESTIONS.forEach((suggestion, index) => expect(chipTexts[index]).toContain(suggestion.title))
  // The plan says who approved it, and can no longer be answered.
  const approvedPlan = page.getByTestId("run").first().getByTestId("plan-card")
  await expect(approvedPlan.getByTestId("plan-approved").innerText()).resolves.toContain(`Approved by ${name}`)
  await expect(page.getByTestId("approve-plan").count()).resolves.toBe(0)
  await expect(page.getByTestId("request-changes").count()).resolves.toBe(0)
  await expect(chatState(page)).resolves.toBe("ready")
  await page.screenshot({ path: join(SCREENSHOTS, "built-390.png"), fullPage: true })
  expect(await widerThanViewport(page), "at 390 px once built").toEqual([])

  // A chip sends its title as the next message, answered live.
  const REPLY = ["A map ", "is a good ", "next step; ", "I will add ", "one."]
  bed.fake.script([{ kind: "slowText", chunks: REPLY, delayMs: 150 }])
  await chips.first().click()
  await page.getByTestId("run").nth(2).waitFor()
  await expect(lastRun(page).getByTestId("run-prompt").innerText()).resolves.toBe(SUGGESTIONS[0]!.title)
  await page.waitForFunction(() => {
    const run = [...document.querySelectorAll('[data-testid="run"]')].at(-1)
    return run?.getAttribute("data-status") === "running" && run.querySelector('[data-testid="assistant-text"]')?.textContent?.includes("A map")
  }, undefined, { timeout: RUN_TIMEOUT_MS })
  await runReaches(page, 3, "completed")
  await expect(lastRun(page).getByTestId("assistant-text").innerText()).resolves.toBe(REPLY.join(""))
  // The chips belonged to the answered run: they stay as a record, but send nothing more.
  await expect(built.getByTestId("suggestion-chip").first().isDisabled()).resolves.toBe(true)
  expect(person.cspViolations).toEqual([])
  expect(person.errors).toEqual([])
})

it("hands the message box to the person who requests changes to the plan", { timeout: JOURNEY_TIMEOUT_MS }, async () => {
  const { person } = await newAppFrom("Plan a team birthday calendar", planSteps({ ...PLAN, title: "Birthdays" }))
  const { page } = person
  await runReaches(page, 1, "completed")
  bed.fake.clearScript()
  await page.getByTestId("plan-card").getByRole("heading", { name: "Birthdays" }).waitFor()
  await expect(chatState(page)).resolves.toBe("awaiting-approval")

  await page.getByTestId("request-changes").click()
  await expect(page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).resolves.toBe("message-input")
  await expect(page.getByTestId("message-input").getAttribute("placeholder")).resolves.toBe("What should change in the plan?")
  // Nothing was sent: the plan still waits for an answer.
  await expect(page.getByTestId("run").count()).resolves.toBe(1)
  await expect(page.getByTestId("approve-plan").isEnabled()).resolves.toBe(true)
  expect(person.cspViolations).toEqual([])
})
