// Real Chromium for browser tests: Debian's package driven by playwright-core, launched once per
// test file, a fresh isolated context (own cookies and storage) per person, all closed afterwards.
// Every page's console is watched, so a test can fail on Content-Security-Policy violations.

import { existsSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core"
import { afterAll, beforeAll, onTestFinished } from "vitest"

export const CHROMIUM_PATH = "/usr/bin/chromium"

// Root on a closed network: no sandbox (it refuses to start as root with one), no GPU, and none of
// Chromium's own background traffic (updates, sync, QUIC probes), which this machine refuses.
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
  "--disable-quic",
]

// Bounded well below the tests' own timeouts, so a missing element fails with Playwright's
// explanation (which locator, what it saw) instead of a bare test timeout. Tests use the same
// bound for their own waits (expect.poll's default of 1 s is too tight on a loaded machine).
export const STEP_TIMEOUT_MS = 10_000
const NAVIGATION_TIMEOUT_MS = 15_000

export interface BrowserPerson {
  readonly label: string
  readonly context: BrowserContext
  readonly page: Page
  /** Console errors reporting a Content-Security-Policy violation, in the order they came. */
  readonly cspViolations: readonly string[]
  /** Every console error and uncaught page error, for assertions and failure messages. */
  readonly errors: readonly string[]
}

export interface ChromiumFixture {
  /** Someone new at a browser: a fresh context sharing nothing with other people, and one page. */
  person(label: string, baseURL: string): Promise<BrowserPerson>
}

export interface ChromiumOptions {
  /**
   * More command-line switches, read when Chromium launches (in beforeAll): e.g. a fake HTTPS
   * provider's host mapped to loopback (--host-resolver-rules) and its test certificate accepted.
   */
  readonly extraArgs?: () => readonly string[]
}

/** Registers this file's Chromium: launched before its tests, closed after them. */
export function useChromium(options: ChromiumOptions = {}): ChromiumFixture {
  let browser: Browser | undefined

  beforeAll(async () => {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium package; .ci/run does (apt-get install chromium).`)
    }
    const args = [...CHROMIUM_ARGS, ...(options.extraArgs?.() ?? [])]
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args, timeout: 30_000 })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
  })

  return {
    async person(label, baseURL) {
      if (!browser) throw new Error("Chromium is not running: call person() inside a test of a file that called useChromium()")
      const context = await browser.newContext({ baseURL })
      context.setDefaultTimeout(STEP_TIMEOUT_MS)
      context.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS)
      const cspViolations: string[] = []
      const errors: string[] = []
      // On the context, not the page: pages opened later (popups) are watched too.
      context.on("console", (message) => {
        if (message.type() !== "error") return
        const text = `${message.text()} (at ${message.location().url || message.page()?.url() || "?"})`
        errors.push(text)
        if (message.text().includes("Content Security Policy")) cspViolations.push(text)
      })
      context.on("weberror", (error) => errors.push(`uncaught: ${error.error().message}`))
      const page = await context.newPage().catch(async (error: unknown) => {
        await context.close()
        throw error
      })
      // Each person's context lives for one test; on failure, keep what the person was looking at.
      onTestFinished(async ({ task }) => {
        if (task.result?.state === "fail") await explain(label, page, errors)
        await context.close()
      })
      return { label, context, page, cspViolations, errors }
    },
  }
}

async function explain(label: string, page: Page, errors: readonly string[]): Promise<void> {
  const screenshot = join(tmpdir(), `second-e2e-${label.replace(/\W+/g, "-")}-${Date.now()}.png`)
  const saved = await page.screenshot({ path: screenshot, fullPage: true, timeout: 5_000 }).then(
    () => `screenshot ${screenshot}`,
    (error: unknown) => `no screenshot (${String(error)})`,
  )
  console.error(`[${label}] was at ${page.url()}; ${saved}; browser errors: ${errors.length === 0 ? "none" : `\n  ${errors.join("\n  ")}`}`)
}
