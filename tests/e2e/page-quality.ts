// What the every-page suite checks on one loaded page, in the page itself: axe-core's WCAG 2.1 A/AA
// rules (serious and critical findings), horizontal overflow with the elements that cause it, a
// walk through the page with Tab, and when the page became interactive. Each check returns
// findings as readable lines; the test collects them and fails once per page.
//
// NOTE: axe runs through page.evaluate, which Chromium executes over the DevTools protocol and not
// as a page script, so the pages' strict CSP (nonce scripts only) neither blocks it nor is relaxed
// for it: no bypassCSP, no inline <script>, and the CSP watch in browser.ts stays meaningful.

import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import type { AxeResults, ImpactValue, RunOptions } from "axe-core"
import type { BrowserContext, Page } from "playwright-core"

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8")

const AXE_OPTIONS: RunOptions = {
  runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
  resultTypes: ["violations"],
  // The preview frame holds the user's own app (an opaque origin), not a page of Second.
  iframes: false,
}
const REPORTED_IMPACTS: readonly ImpactValue[] = ["serious", "critical"]

export interface AxeFinding {
  readonly rule: string
  readonly impact: string
  readonly help: string
  readonly helpUrl: string
  readonly targets: readonly string[]
}

/** axe-core's serious and critical WCAG 2.1 A/AA violations on the page as it is now. */
export async function axeFindings(page: Page): Promise<AxeFinding[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE)
  const results = await page.evaluate(
    (options) => (window as unknown as { axe: { run(context: Document, options: unknown): Promise<AxeResults> } }).axe.run(document, options),
    AXE_OPTIONS,
  )
  return results.violations
    .filter((violation) => REPORTED_IMPACTS.includes(violation.impact ?? null))
    .map((violation) => ({
      rule: violation.id,
      impact: violation.impact ?? "?",
      help: violation.help,
      helpUrl: violation.helpUrl,
      targets: violation.nodes.map((node) => node.target.map(String).join(" ")),
    }))
}

export const describeAxeFinding = (finding: AxeFinding): string =>
  `axe ${finding.rule} (${finding.impact}, ${finding.targets.length}×): ${finding.help} — ${finding.targets.slice(0, 6).join(", ")}${
    finding.targets.length > 6 ? ", …" : ""
  } ${finding.helpUrl}`

export interface Overflow {
  /** How many CSS pixels the page is wider than the viewport (0 when it fits). */
  readonly by: number
  /** The outermost elements reaching past the viewport's right edge, with how far. */
  readonly offenders: readonly string[]
}

/** Whether the page scrolls sideways, and which elements stick out (those inside their own scroller excepted). */
export async function horizontalOverflow(page: Page): Promise<Overflow> {
  return page.evaluate(() => {
    const width = window.innerWidth
    const by = Math.max(0, document.documentElement.scrollWidth - width)
    if (by === 0) return { by, offenders: [] }
    const root = [document.documentElement, document.body]
    // A scroller (or a clipping box) keeps what is inside it from widening the page.
    const contained = (element: Element) => {
      for (let parent = element.parentElement; parent && !root.includes(parent); parent = parent.parentElement) {
        if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(parent).overflowX)) return true
      }
      return false
    }
    const sticksOut = new Set(
      [...document.body.querySelectorAll("*")].filter((element) => element.getBoundingClientRect().right > width + 1 && !contained(element)),
    )
    const outermost = [...sticksOut].filter((element) => !element.parentElement || !sticksOut.has(element.parentElement))
    const name = (element: Element) => {
      const testId = element.getAttribute("data-testid")
      const classes = [...element.classList].slice(0, 2).map((name) => `.${name}`).join("")
      const text = (element.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 30)
      return `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ""}${testId ? `[data-testid=${testId}]` : ""}${classes}${text ? ` "${text}"` : ""}`
    }
    const offenders = outermost
      .slice(0, 10)
      .map((element) => `${name(element)} +${Math.round(element.getBoundingClientRect().right - width)} px`)
    return { by, offenders: outermost.length > 10 ? [...offenders, `… ${outermost.length - 10} more`] : offenders }
  })
}

export interface FocusStop {
  readonly element: string
  /** Inside the preview's frame: the user's own app, whose focus styles are not Second's. */
  readonly inFrame: boolean
  readonly visible: boolean
  readonly indicated: boolean
  readonly matches: boolean
}

/**
 * Presses Tab up to `stops` times from the top of the page and describes each focused element:
 * whether it has a size on screen, a focus indicator (an outline or a box shadow), and whether it
 * matches `wanted` (a selector), until focus leaves the page.
 */
export async function tabThrough(page: Page, stops: number, wanted = ":not(*)"): Promise<FocusStop[]> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
  const seen: FocusStop[] = []
  for (let index = 0; index < stops; index += 1) {
    await page.keyboard.press("Tab")
    const stop = await page.evaluate((selector) => {
      const element = document.activeElement
      if (!element || element === document.body) return null
      const style = getComputedStyle(element)
      const rect = element.getBoundingClientRect()
      const outline = style.outlineStyle !== "none" && Number.parseFloat(style.outlineWidth) > 0
      const testId = element.getAttribute("data-testid")
      const label = (element.getAttribute("aria-label") ?? (element as HTMLElement).innerText ?? "").trim().replace(/\s+/g, " ").slice(0, 30)
      return {
        element: `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ""}${testId ? `[data-testid=${testId}]` : ""}${label ? ` "${label}"` : ""}`,
        inFrame: element.tagName === "IFRAME",
        visible: rect.width > 0 && rect.height > 0,
        indicated: outline || style.boxShadow !== "none",
        matches: element.matches(selector),
      }
    }, wanted)
    // Past the last control the browser's own UI takes focus: the walk has been round the page.
    if (!stop) break
    seen.push(stop)
  }
  return seen
}

/** What a keyboard walk found wrong, as readable lines. */
export function focusProblems(stops: readonly FocusStop[]): string[] {
  return stops.flatMap((stop, index) => {
    if (stop.inFrame) return []
    const problems = [...(stop.visible ? [] : ["has no size on screen"]), ...(stop.indicated ? [] : ["shows no focus indicator"])]
    return problems.length === 0 ? [] : [`Tab stop ${index + 1}, ${stop.element}: ${problems.join(" and ")}`]
  })
}

/**
 * Notes, in every top-level document of the context, when it became interactive: Remix's client
 * router exists and React has hydrated up to <body> (it hydrates bottom-up and commits right
 * after). Read it with `interactiveAt`.
 */
export async function watchInteractive(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    if (window !== window.top) return
    const check = () => {
      const body = document.body
      const hydrated = "__remixRouter" in window && body !== null && Object.keys(body).some((key) => key.startsWith("__reactFiber"))
      if (hydrated) Reflect.set(window, "__interactiveAt", performance.now())
      else if (performance.now() < 60_000) requestAnimationFrame(check)
    }
    requestAnimationFrame(check)
  })
}

export interface LoadTimes {
  /** Milliseconds from navigation start: first byte of the document, DOMContentLoaded, interactive. */
  readonly firstByte: number
  readonly domContentLoaded: number
  readonly interactive: number
}

/** The current document's load milestones, once it is interactive (see watchInteractive). */
export async function loadTimes(page: Page, timeoutMs: number): Promise<LoadTimes> {
  await page.waitForFunction(() => "__interactiveAt" in window, undefined, { timeout: timeoutMs })
  return page.evaluate(() => {
    const [navigation] = performance.getEntriesByType("navigation") as PerformanceNavigationTiming[]
    return {
      firstByte: Math.round(navigation?.responseStart ?? Number.NaN),
      domContentLoaded: Math.round(navigation?.domContentLoadedEventEnd ?? Number.NaN),
      interactive: Math.round(Reflect.get(window, "__interactiveAt") as number),
    }
  })
}
