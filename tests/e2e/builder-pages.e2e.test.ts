// The builder's pages in real Chromium, with the real Claude Code behind the worker and a scripted
// model: the Apps tab and composer, a run's tool call, file change and usage as the chat shows
// them, the files view, Stop pressed in another tab, "already running" when a send is refused,
// Retry after a retryable failure, renaming and deleting an app, and a long conversation shown a
// page at a time.

import type { Page } from "playwright-core"
import { expect, it } from "vitest"
import { completedRun } from "#tests/fixtures/run-documents.ts"
import { useSecondWithFakeModel } from "#tests/fixtures/second-with-fake-model.ts"
import { STEP_TIMEOUT_MS, useChromium, type BrowserPerson } from "./browser.ts"
import { signInWithWorkspace } from "./onboarding.ts"

const chromium = useChromium()
const bed = useSecondWithFakeModel()

// A real agent turn takes a few seconds; the whole journey a minute at most on a loaded machine.
const RUN_TIMEOUT_MS = 60_000
const JOURNEY_TIMEOUT_MS = 150_000

let people = 0
/** Signs a new person in and creates their workspace; returns the workspace's path. */
async function newBuilder(): Promise<{ person: BrowserPerson; workspacePath: string }> {
  people += 1
  const person = await chromium.person(`builder-${people}`, bed.server.url)
  const { page } = person
  const workspacePath = await signInWithWorkspace(page, { name: `Builder ${people}`, email: `builder-${people}@example.com` }, `Builders ${people}`)
  await page.waitForFunction(() => "__remixRouter" in window)
  return { person, workspacePath }
}

const lastRun = (page: Page) => page.getByTestId("run").last()

async function runEnds(page: Page, status: string) {
  await page.waitForFunction(
    (expected) => [...document.querySelectorAll('[data-testid="run"]')].at(-1)?.getAttribute("data-status") === expected,
    status,
    { timeout: RUN_TIMEOUT_MS },
  )
}

/** Creates an app over the API with the browser's own session (for runtimes the composer refuses). */
async function createAppOverApi(person: BrowserPerson, workspacePath: string, runtime: string): Promise<string> {
  const workspaceId = workspacePath.split("/")[2]
  const response = await person.page.request.post("/api/trpc/apps.create", {
    data: { workspaceId, prompt: `Use ${runtime}`, runtime },
    headers: { origin: bed.server.url },
  })
  expect(response.status()).toBe(200)
  return ((await response.json()) as { result: { data: { app: { id: string } } } }).result.data.app.id
}

it("creates an app from the Apps tab and shows its run part by part, then its files", { timeout: JOURNEY_TIMEOUT_MS }, async () => {
  const { person, workspacePath } = await newBuilder()
  const { page } = person
  await page.getByTestId("nav-apps").click()
  await page.waitForURL((url) => url.pathname === `${workspacePath}/apps`)
  // Client-side navigation: the URL changes before the page does, so wait for the page itself.
  await page.getByTestId("no-apps").waitFor()
  // Runtimes without a key are offered but cannot be picked, and say why.
  await expect(page.locator('[data-testid="runtime-picker"] option[value="codex"]').isDisabled()).resolves.toBe(true)
  await expect(page.locator('[data-testid="runtime-unavailable"][data-runtime="codex"]').innerText()).resolves.toMatch(/CODEX_API_KEY|OPENAI_API_KEY/)

  bed.fake.script([
    { kind: "shell", command: "printf 'PNG\\000\\001' > logo.png && truncate -s 600K clip.mp4" },
    { kind: "writeFile", path: "lunch.html", content: "<h1>Lunch spots</h1>", then: "Your page is ready.\nOpen lunch.html to see it." },
  ])
  await page.getByTestId("new-app-prompt").fill("A page listing our lunch spots")
  await page.getByTestId("runtime-picker").selectOption("claude")
  await page.getByTestId("create-app").click()
  await page.waitForURL((url) => /\/apps\/[a-z2-7]{24}$/.test(url.pathname))
  const appPath = new URL(page.url()).pathname

  await expect(lastRun(page).getByTestId("run-prompt").innerText()).resolves.toBe("A page listing our lunch spots")
  await runEnds(page, "completed")
  const run = lastRun(page)
  await expect(run.getByTestId("tool-call").last().innerText()).resolves.toContain("lunch.html")
  await expect(run.getByTestId("file-change").innerText()).resolves.toContain("lunch.html")
  // Newlines in the reply are kept, and the text appears once (the persisted run replaced the live one).
  await expect(run.getByTestId("assistant-text").last().innerText()).resolves.toBe("Your page is ready.\nOpen lunch.html to see it.")
  expect(await page.getByText("Your page is ready.", { exact: false }).count()).toBe(1)
  // The usage is not under the reply but behind its toggle.
  const inputTokens = run.getByTestId("usage").getByText("Input tokens", { exact: true })
  await expect(inputTokens.isVisible()).resolves.toBe(false)
  await run.getByTestId("usage").getByText("Usage", { exact: true }).click()
  await expect(inputTokens.isVisible()).resolves.toBe(true)
  await expect(page.getByTestId("chat-status").getAttribute("data-state")).resolves.toBe("ready")

  // The file change links to the file in the files view.
  await run.getByTestId("file-change").getByRole("link", { name: "lunch.html" }).click()
  await page.waitForURL((url) => url.pathname === `${appPath}/files`)
  await page.getByTestId("file-content").waitFor()
  await expect(page.getByTestId("file-item").allInnerTexts()).resolves.toContain("lunch.html")
  await expect(page.getByTestId("file-content").innerText()).resolves.toBe("<h1>Lunch spots</h1>")
  await expect(page.getByTestId("files-source").getAttribute("data-source")).resolves.toBe("worker")
  // A binary file is listed and kept, though not shown; one too large to keep is named as such.
  await page.getByTestId("file-item").filter({ hasText: "logo.png" }).click()
  await page.getByTestId("file-binary").waitFor()
  await expect(page.getByTestId("file-binary").innerText()).resolves.toMatch(/binary file of 5 bytes/)
  await expect(page.getByTestId("files-skipped").innerText()).resolves.toMatch(/not kept.*clip\.mp4/)

  await page.goto(`${workspacePath}/apps`)
  await expect(page.getByTestId("app-item").innerText()).resolves.toContain("A page listing our lunch spots")
  expect(person.cspViolations).toEqual([])
})

it("stops a run from another tab, and says 'already running' when a send is refused", { timeout: JOURNEY_TIMEOUT_MS }, async () => {
  const { person, workspacePath } = await newBuilder()
  const { page } = person
  bed.fake.script([{ kind: "text", text: "Hello." }])
  await page.goto(`${workspacePath}/apps`)
  await page.getByTestId("new-app-prompt").fill("Say hello")
  await page.getByTestId("create-app").click()
  await page.waitForURL((url) => /\/apps\/[a-z2-7]{24}$/.test(url.pathname))
  await runEnds(page, "completed")

  bed.fake.script([{ kind: "hang", text: "Thinking about colours" }])
  await page.getByTestId("message-input").fill("Make it blue")
  await page.getByTestId("send-message").click()
  await page.getByTestId("run").nth(1).waitFor()
  await expect(lastRun(page).getAttribute("data-status")).resolves.toBe("running")
  await expect(page.getByTestId("chat-status").getAttribute("data-state")).resolves.toBe("working")
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="run"]')[1]?.textContent?.includes("Thinking about colours"), undefined, {
    timeout: RUN_TIMEOUT_MS,
  })
  // The sent message left the box.
  await expect(page.getByTestId("message-input").inputValue()).resolves.toBe("")

  const other = await person.context.newPage()
  await other.goto(page.url())
  await other.waitForFunction(() => "__remixRouter" in window)
  await other.getByTestId("message-input").fill("Make it green")
  await other.getByTestId("send-message").click()
  await other.waitForSelector('[data-testid="chat-status"][data-state="already-running"]')
  await expect(other.getByTestId("chat-status").innerText()).resolves.toMatch(/already running/i)
  // A refused message is kept to send again.
  await expect(other.getByTestId("message-input").inputValue()).resolves.toBe("Make it green")

  await other.getByTestId("stop-run").click()
  await runEnds(other, "stopped")
  // The first tab learns of it too, and keeps the text streamed so far exactly once.
  await runEnds(page, "stopped")
  await page.waitForSelector('[data-testid="chat-status"][data-state="ready"]', { timeout: STEP_TIMEOUT_MS })
  expect(await page.getByText("Thinking about colours", { exact: false }).count()).toBe(1)
  await expect(page.getByTestId("stop-run").count()).resolves.toBe(0)
  expect(person.cspViolations).toEqual([])
})

it("retries a run that failed with a retryable error", { timeout: JOURNEY_TIMEOUT_MS }, async () => {
  const { person, workspacePath } = await newBuilder()
  const { page } = person
  const appId = await createAppOverApi(person, workspacePath, "codex")
  await page.goto(`${workspacePath}/apps/${appId}`)
  await runEnds(page, "failed")
  await expect(lastRun(page).getByTestId("run-error").count()).resolves.toBe(1)
  await expect(lastRun(page).getByTestId("run-error").getAttribute("data-code")).resolves.toBe("runtime_unavailable")

  await lastRun(page).getByTestId("retry-run").click()
  await page.getByTestId("run").nth(1).waitFor()
  await runEnds(page, "failed")
  // The retried run is done with; the new failure can be retried in turn.
  await expect(page.getByTestId("run").first().getByTestId("retry-run").count()).resolves.toBe(0)
  await expect(lastRun(page).getByTestId("retry-run").count()).resolves.toBe(1)
  await expect(lastRun(page).getByTestId("run-prompt").innerText()).resolves.toBe("Use codex")
})

it("renames an app, and deletes it after a confirmation", { timeout: JOURNEY_TIMEOUT_MS }, async () => {
  const { person, workspacePath } = await newBuilder()
  const { page } = person
  const appId = await createAppOverApi(person, workspacePath, "codex")
  await page.goto(`${workspacePath}/apps/${appId}`)
  await page.waitForFunction(() => "__remixRouter" in window)

  // The settings open in a dialog (a sheet), not in the page over the chat.
  await page.getByTestId("app-settings").click()
  const settings = page.getByRole("dialog", { name: "App settings" })
  await settings.getByTestId("app-name-input").fill("Lunch planner")
  await settings.getByTestId("rename-app").click()
  await page.waitForFunction(() => document.querySelector('[data-testid="app-name"]')?.textContent === "Lunch planner")
  await settings.getByRole("status").filter({ hasText: "Saved: the app is now called Lunch planner." }).waitFor()

  await settings.getByTestId("delete-app").click()
  await page.getByRole("dialog", { name: "Delete Lunch planner?" }).getByTestId("confirm-delete-app").click()
  await page.waitForURL((url) => url.pathname === `${workspacePath}/apps`)
  await expect(page.getByTestId("app-item").count()).resolves.toBe(0)
})

it("shows a long conversation's latest messages, and earlier ones on request", { timeout: JOURNEY_TIMEOUT_MS }, async () => {
  const { person, workspacePath } = await newBuilder()
  const { page } = person
  const appId = await createAppOverApi(person, workspacePath, "codex")
  // The conversation so far: 34 earlier turns, stored as the web stores finished runs.
  const store = await bed.server.openStore()
  try {
    const { apps, runs } = await import("#app/store/collections.server.ts")
    const app = (await store.collection(apps).findOne({ id: appId }))!
    const start = Date.parse(app.createdAt) - 3_600_000
    for (let index = 0; index < 34; index += 1) {
      const at = new Date(start + index * 60_000).toISOString()
      await store.collection(runs).insert(completedRun(app, { prompt: `Earlier message ${index + 1}`, answer: `Earlier answer ${index + 1}`, createdAt: at }))
    }
  } finally {
    await store.close()
  }

  await page.goto(`${workspacePath}/apps/${appId}`)
  await runEnds(page, "failed")
  const prompts = () => page.getByTestId("run-prompt").allInnerTexts()
  // The latest 30 of 35: the newest (the failed codex run) last.
  await expect(prompts()).resolves.toEqual([...Array.from({ length: 29 }, (_, index) => `Earlier message ${index + 6}`), "Use codex"])

  await page.getByTestId("earlier-runs").click()
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="run"]').length === 35)
  await expect(prompts()).resolves.toEqual([...Array.from({ length: 34 }, (_, index) => `Earlier message ${index + 1}`), "Use codex"])
  await expect(page.getByTestId("earlier-runs").count()).resolves.toBe(0)
  // The longer conversation has its own address: a reload keeps it.
  await page.reload()
  await expect(prompts()).resolves.toHaveLength(35)
  expect(person.cspViolations).toEqual([])
})
