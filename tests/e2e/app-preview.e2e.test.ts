// The app a person builds, running beside the chat, in real Chromium with the real Claude Code
// behind the worker and a scripted model: the builder writes a notes app that keeps its notes
// with the SDK's useCollection and calls done_building; the build runs offline and the preview
// shows the app. A note added inside one member's preview appears live in another member's
// preview and Data tab, and survives a reload. A build that fails to type-check shows its error
// in the run and the agent's next call fixes it. Restoring version 1 after version 3 brings
// version 1 back as version 4 (the Files view agrees), and nothing is lost. Last, a script inside
// the preview tries every way out of its sandbox, and fails.

import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Frame, FrameLocator, Page } from "playwright-core"
import { expect, it } from "vitest"
import type { Step } from "#tests/fixtures/fake-model/server.ts"
import { BROKEN_LINE, brokenCountApp, createNotesAppFromAppsPage, doneBuilding, fixedCountApp, NOTES_APP_METADATA, notesAppFirstTurn, writeFiles } from "#tests/fixtures/notes-app.ts"
import { useSecondWithFakeModel } from "#tests/fixtures/second-with-fake-model.ts"
import { STEP_TIMEOUT_MS, useChromium } from "./browser.ts"
import { signIn, signInWithWorkspace } from "./onboarding.ts"

const chromium = useChromium()
const bed = useSecondWithFakeModel()
// Outside the repository: the screenshots are for a person to look at, not to keep.
const SCREENSHOTS = mkdtempSync(join(tmpdir(), "second-app-preview-"))


/** A turn runs the real CLI and a real build (vite and tsc): generous on a loaded 2-core machine. */
const RUN_TIMEOUT_MS = 120_000
const JOURNEY_TIMEOUT_MS = 600_000
/** A change made by one person reaches another's open page through the live stream. */
const LIVE_TIMEOUT_MS = 10_000

const ada = { name: "Ada Notes", email: "ada.notes@example.com" }
const bea = { name: "Bea Notes", email: "bea.notes@example.com" }
const WORKSPACE = "Notes team"

let workspacePath = ""
let appPath = ""

/** Ada again, in a new browser (each test's browsers close when it ends), at the app's page. */
async function adaAtTheApp(path = appPath): Promise<Page> {
  expect(appPath, "the journey above ran").not.toBe("")
  const { page } = await chromium.person("ada-again", bed.server.url)
  await page.goto("/onboarding")
  await signIn(page, ada)
  await page.waitForURL((url) => url.pathname !== "/onboarding")
  await page.goto(path)
  return page
}

/** Waits for the conversation's `count`th run to reach `status`. */
async function runReaches(page: Page, count: number, status: string) {
  await page.waitForFunction(
    ([n, expected]) => document.querySelectorAll('[data-testid="run"]')[n - 1]?.getAttribute("data-status") === expected,
    [count, status] as const,
    { timeout: RUN_TIMEOUT_MS },
  )
}

const preview = (page: Page): FrameLocator => page.frameLocator('[data-testid="preview-frame"]')

/** The notes a preview lists, once its app has loaded them. */
const notesIn = async (page: Page) => preview(page).getByRole("list", { name: "Notes" }).getByRole("listitem").allInnerTexts()

async function sendMessage(page: Page, text: string, steps: Step[]) {
  bed.fake.clearScript()
  bed.fake.script(steps)
  await page.locator("textarea#message").fill(text)
  await page.getByTestId("send-message").click()
}

it("builds the app, shows it beside the chat, shares its data live, fixes a failed build, and restores version 1", { timeout: JOURNEY_TIMEOUT_MS }, async () => {
  const a = await chromium.person("ada", bed.server.url)
  const { page } = a
  workspacePath = await signInWithWorkspace(page, ada, WORKSPACE)

  // Bea joins as an admin (who sees every app of the workspace).
  await page.goto(`${workspacePath}/settings/invitations`)
  await page.getByLabel("Email", { exact: true }).fill(bea.email)
  await page.getByRole("combobox", { name: /^Role\b/ }).selectOption("admin")
  await page.getByRole("button", { name: "Create invitation link" }).click()
  const link = await page.getByTestId("invite-link").inputValue()
  const b = await chromium.person("bea", bed.server.url)
  await b.page.goto(link)
  await b.page.getByRole("link", { name: `Sign in as ${bea.email} to accept` }).click()
  await b.page.waitForURL((url) => url.pathname === "/onboarding")
  await signIn(b.page, bea)
  await b.page.getByRole("button", { name: `Join ${WORKSPACE}` }).click()
  await b.page.waitForURL((url) => url.pathname === workspacePath)

  // Version 1: the builder writes the notes app and builds it.
  bed.fake.clearScript()
  bed.fake.script(notesAppFirstTurn("Your notes app is ready: add a note on the right."))
  appPath = await createNotesAppFromAppsPage(page, workspacePath)
  await runReaches(page, 1, "completed")
  const firstBuild = page.getByTestId("run").first().getByTestId("build-card")
  await expect(firstBuild.getAttribute("data-build-state")).resolves.toBe("succeeded")
  await expect(firstBuild.innerText()).resolves.toMatch(/version 1/i)

  // The preview shows the app the build made, and runs it: a note added inside it is stored.
  await preview(page).getByRole("heading", { name: "Team notes" }).waitFor({ timeout: LIVE_TIMEOUT_MS })
  await expect(page.getByTestId("preview-version").innerText()).resolves.toMatch(/^v1\b/)
  // Once the header shows the app's description (it moves the preview down), clicks land where aimed.
  await page.getByText(NOTES_APP_METADATA.description).first().waitFor()
  await preview(page).getByLabel("New note").fill("Buy milk")
  await preview(page).getByRole("button", { name: "Add note" }).click()
  await expect.poll(() => notesIn(page), { timeout: LIVE_TIMEOUT_MS }).toEqual(["Buy milk"])
  for (const [width, height] of [[390, 844], [1280, 800]] as const) {
    await page.setViewportSize({ width, height })
    await page.screenshot({ path: join(SCREENSHOTS, `workspace-${width}.png`), fullPage: true })
  }

  // Bea opens the same app: its preview, and (in a second tab) its Data tab.
  await b.page.goto(appPath)
  await expect.poll(() => notesIn(b.page), { timeout: LIVE_TIMEOUT_MS }).toEqual(["Buy milk"])
  const beaData = await b.context.newPage()
  await beaData.goto(`${appPath}/data`)
  await beaData.getByTestId("data-collection").filter({ hasText: "notes" }).click()
  await expect.poll(() => beaData.getByTestId("data-document-json").allInnerTexts(), { timeout: LIVE_TIMEOUT_MS }).toEqual([expect.stringContaining("Buy milk")])

  // Ada adds another note: it reaches Bea's preview and Data tab without a reload.
  await preview(page).getByLabel("New note").fill("Call the caterer")
  await preview(page).getByRole("button", { name: "Add note" }).click()
  await expect.poll(() => notesIn(b.page), { timeout: LIVE_TIMEOUT_MS }).toEqual(["Buy milk", "Call the caterer"])
  await expect.poll(() => beaData.getByTestId("data-document-json").allInnerTexts(), { timeout: LIVE_TIMEOUT_MS }).toEqual([
    expect.stringContaining("Buy milk"),
    expect.stringContaining("Call the caterer"),
  ])
  await b.page.reload()
  await expect.poll(() => notesIn(b.page), { timeout: LIVE_TIMEOUT_MS }).toEqual(["Buy milk", "Call the caterer"])

  // Version 2: a count that does not type-check; the build says where, and the agent's next call fixes it.
  await sendMessage(page, "Show how many notes there are", [
    { kind: "shell", command: writeFiles({ "src/App.tsx": brokenCountApp }) },
    doneBuilding("Shows the number of notes."),
    { kind: "shell", command: writeFiles({ "src/App.tsx": fixedCountApp }) },
    doneBuilding("Shows the number of notes."),
    { kind: "text", text: "The count is above the list." },
  ])
  await runReaches(page, 2, "completed")
  const secondRun = page.getByTestId("run").nth(1)
  const builds = secondRun.getByTestId("build-card")
  await expect(builds.count()).resolves.toBe(2)
  await expect(builds.first().getAttribute("data-build-state")).resolves.toBe("failed")
  await expect(builds.first().getByTestId("build-problem").first().innerText()).resolves.toContain(`src/App.tsx:${BROKEN_LINE}`)
  await expect(builds.last().getAttribute("data-build-state")).resolves.toBe("succeeded")
  await expect(builds.last().innerText()).resolves.toMatch(/version 2/i)
  // Every viewer's preview reloads itself to the new version.
  await preview(b.page).getByText("2 notes").waitFor({ timeout: LIVE_TIMEOUT_MS })
  await preview(page).getByText("2 notes").waitFor({ timeout: LIVE_TIMEOUT_MS })
  await page.screenshot({ path: join(SCREENSHOTS, "failed-then-fixed-1280.png"), fullPage: true })

  // Version 3: renamed.
  await sendMessage(page, "Call it Crew notes", [
    { kind: "shell", command: writeFiles({ "src/App.tsx": fixedCountApp.replace("Team notes", "Crew notes") }) },
    doneBuilding("Renamed to Crew notes."),
    { kind: "text", text: "Renamed." },
  ])
  await runReaches(page, 3, "completed")
  await preview(page).getByRole("heading", { name: "Crew notes" }).waitFor({ timeout: LIVE_TIMEOUT_MS })

  // Restore version 1: it comes back as version 4, and 2 and 3 stay listed.
  await page.goto(`${appPath}/versions`)
  const version = (number: number) => page.locator(`[data-testid="version"][data-version-number="${number}"]`)
  await version(1).getByTestId("version-restore").click()
  // Asked once more, in a dialog.
  await page.getByRole("dialog", { name: "Restore version 1?" }).getByTestId("confirm-restore").click()
  // Restoring shows the restored app at once.
  await page.waitForFunction(() => document.querySelector('[data-testid="preview-version"]')?.textContent?.startsWith("v4"), undefined, { timeout: LIVE_TIMEOUT_MS })
  await preview(page).getByRole("heading", { name: "Team notes" }).waitFor({ timeout: LIVE_TIMEOUT_MS })
  await expect(preview(page).getByText("notes", { exact: false }).filter({ hasText: /^\d+ notes$/ }).count()).resolves.toBe(0)
  await expect.poll(() => notesIn(page), { timeout: LIVE_TIMEOUT_MS }).toEqual(["Buy milk", "Call the caterer"])
  await page.goto(`${appPath}/versions`)
  await expect(version(4).innerText()).resolves.toMatch(/restored from v(ersion )?1/i)
  await expect(page.getByTestId("version").count()).resolves.toBe(4)
  // The Files view agrees: src/App.tsx is version 1's.
  await page.goto(`${appPath}/files?path=${encodeURIComponent("src/App.tsx")}`)
  await expect(page.getByTestId("files-source").getAttribute("data-source")).resolves.toBe("restored")
  await expect(page.getByTestId("file-content").innerText()).resolves.toContain("Team notes")
  await expect(page.getByTestId("file-content").innerText()).resolves.not.toContain("notes.length")
  await page.screenshot({ path: join(SCREENSHOTS, "restored-files-1280.png"), fullPage: true })
})

/** The preview's frame, for running a script inside it as the app would. */
async function previewFrame(page: Page): Promise<Frame> {
  const handle = await page.waitForSelector('[data-testid="preview-frame"]')
  const frame = await handle.contentFrame()
  if (!frame) throw new Error("the preview has no frame")
  await frame.waitForLoadState()
  return frame
}

it("keeps a script inside the preview from the platform's cookies, storage, DOM, API and other apps' data", { timeout: 120_000 }, async () => {
  const page = await adaAtTheApp()
  await preview(page).getByRole("heading", { name: "Team notes" }).waitFor({ timeout: LIVE_TIMEOUT_MS })
  // Another app of the same workspace, with data of its own, reached through its owner's API.
  const workspaceId = workspacePath.split("/")[2]!
  bed.fake.clearScript()
  bed.fake.script([{ kind: "text", text: "Hello." }])
  const other = await page.evaluate(
    async ({ workspaceId }) => {
      const post = async (procedure: string, input: unknown) => {
        const response = await fetch(`/api/trpc/${procedure}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input) })
        return ((await response.json()) as { result: { data: Record<string, unknown> } }).result.data
      }
      const created = await post("apps.create", { workspaceId, prompt: "Another app", runtime: "claude" })
      const appId = (created["app"] as { id: string }).id
      await post("appData.insert", { workspaceId, appId, collection: "notes", data: { text: "Secret of the other app" } })
      return appId
    },
    { workspaceId },
  )
  expect(other).toMatch(/^[a-z2-7]{24}$/)

  const frame = await previewFrame(page)
  const attempts = await frame.evaluate(
    async ({ otherAppId, workspaceId }) => {
      const outcome = async (what: () => unknown): Promise<string> => {
        try {
          const value = await what()
          return `got ${JSON.stringify(value)}`
        } catch (error) {
          return `refused: ${error instanceof Error ? error.name : String(error)}`
        }
      }
      // A forged request naming another app: the host answers for its own app, whatever the message says.
      const forged = await new Promise<unknown>((resolve) => {
        const requestId = "forged-1"
        const listener = (event: MessageEvent) => {
          const data = event.data as { requestId?: string }
          if (data?.requestId !== requestId) return
          window.removeEventListener("message", listener)
          resolve(data)
        }
        window.addEventListener("message", listener)
        window.parent.postMessage(
          { source: "second-app", type: "second:data:list", requestId, collection: "notes", appId: otherAppId, workspaceId, scope: "draft" },
          "*",
        )
        setTimeout(() => resolve("no answer"), 5_000)
      })
      return {
        origin: window.origin,
        cookie: await outcome(() => document.cookie),
        parentDocument: await outcome(() => window.parent.document.title),
        localStorage: await outcome(() => window.localStorage.length),
        api: await outcome(() => fetch("/api/trpc/apps.list", { credentials: "include" }).then((response) => response.status)),
        apiOtherApp: await outcome(() =>
          fetch(`/api/trpc/appData.list?input=${encodeURIComponent(JSON.stringify({ workspaceId, appId: otherAppId, collection: "notes" }))}`, {
            credentials: "include",
          }).then((response) => response.status),
        ),
        forged: JSON.stringify(forged),
      }
    },
    { otherAppId: other, workspaceId },
  )
  expect(attempts.origin, "the preview runs in an opaque origin").toBe("null")
  expect(attempts.cookie).toMatch(/^refused: SecurityError|^got ""$/)
  expect(attempts.parentDocument).toMatch(/^refused: SecurityError/)
  expect(attempts.localStorage).toMatch(/^refused: SecurityError/)
  expect(attempts.api, "the preview's CSP allows no connections").toMatch(/^refused/)
  expect(attempts.apiOtherApp).toMatch(/^refused/)
  expect(attempts.forged, "the host answers only for the app it shows").toContain("Buy milk")
  expect(attempts.forged).not.toContain("Secret of the other app")
})

/** The page's own checks: it stays within the phone's width with the preview beside the chat. */
it("fits a phone: the workspace's tabs, the preview and the chat stay within 390 px", { timeout: 60_000 }, async () => {
  const page = await adaAtTheApp(`${appPath}/preview`)
  await page.setViewportSize({ width: 390, height: 844 })
  await preview(page).getByRole("heading", { name: "Team notes" }).waitFor({ timeout: STEP_TIMEOUT_MS })
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
  expect(overflow, "the page scrolls sideways at 390 px").toBeLessThanOrEqual(0)
  await page.screenshot({ path: join(SCREENSHOTS, "preview-390.png"), fullPage: true })
})


