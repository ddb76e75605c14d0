// The runtime and model picker in real Chromium: a model belongs to its runtime, so switching
// runtime selects the new runtime's default, and the form sends exactly the model shown.

import { fileURLToPath } from "node:url"
import { build, type Rollup } from "vite"
import { beforeAll, expect, it } from "vitest"
import type { RuntimeOption } from "#app/components/builder/runtime-picker.tsx"
import { useChromium } from "./browser.ts"

const chromium = useChromium()
let script = ""

beforeAll(async () => {
  const output = (await build({
    configFile: false,
    logLevel: "silent",
    mode: "production",
    // NOTE: under vitest NODE_ENV is "test", and Vite would compile JSX for React's dev runtime.
    esbuild: { jsx: "automatic", jsxDev: false },
    root: fileURLToPath(new URL("../..", import.meta.url)),
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
    build: {
      write: false,
      minify: false,
      lib: { entry: fileURLToPath(new URL("../fixtures/runtime-picker-page.tsx", import.meta.url)), formats: ["iife"], name: "picker" },
    },
  })) as Rollup.RollupOutput[]
  script = output[0]?.output[0]?.code ?? ""
}, 60_000)

const runtimes: RuntimeOption[] = [
  {
    id: "claude",
    usable: true,
    reason: null,
    version: "2.1.197",
    models: [
      { id: "opus", label: "Opus, the latest: Claude Opus 4.8" },
      { id: "sonnet", label: "Sonnet, the latest: Claude Sonnet 5" },
    ],
    defaultModel: "opus",
  },
  {
    id: "opencode",
    usable: true,
    reason: null,
    version: "1.18.33",
    models: [
      { id: "anthropic/claude-sonnet-5", label: "Claude Sonnet 5 · anthropic" },
      { id: "anthropic/claude-opus-4-8", label: "Claude Opus 4.8 · anthropic" },
    ],
    defaultModel: "anthropic/claude-opus-4-8",
  },
  { id: "codex", usable: false, reason: "no provider key is configured.", version: "0.171.0", models: [{ id: "gpt-5.5", label: "GPT-5.5" }], defaultModel: "gpt-5.5" },
]

async function openPicker(given: { runtime: string; model: string | null }) {
  const { page, errors } = await chromium.person("picker", "http://127.0.0.1")
  const data = JSON.stringify({ runtimes, ...given }).replace(/</g, "\\u003c")
  await page.setContent(`<!doctype html><html><body><script type="application/json" id="runtimes">${data}</script></body></html>`)
  await page.addScriptTag({ content: script })
  await page.getByTestId("model-input").waitFor()
  const submitted = () => page.evaluate(() => (window as unknown as { submitted: () => Record<string, string> }).submitted())
  const options = () => page.getByTestId("model-input").locator("option").allInnerTexts()
  return { page, errors, submitted, options }
}

it("switching runtime selects the new runtime's default model instead of carrying the old one over", async () => {
  const { page, errors, submitted, options } = await openPicker({ runtime: "claude", model: null })
  expect(await options()).toEqual(["Opus, the latest: Claude Opus 4.8 (default)", "Sonnet, the latest: Claude Sonnet 5"])
  await page.getByTestId("model-input").selectOption("sonnet")
  expect(await submitted()).toMatchObject({ runtime: "claude", model: "sonnet" })

  await page.getByLabel("Runtime").selectOption("opencode")
  expect(await submitted()).toMatchObject({ runtime: "opencode", model: "anthropic/claude-opus-4-8" })
  expect(await options()).toEqual(["Claude Opus 4.8 · anthropic (default)", "Claude Sonnet 5 · anthropic"])

  // And back: Claude's default again, not the model picked before the switch.
  await page.getByLabel("Runtime").selectOption("claude")
  expect(await submitted()).toMatchObject({ runtime: "claude", model: "opus" })
  expect(await page.locator('[data-testid="runtime-picker"] option[value="codex"]').isDisabled()).toBe(true)
  expect(errors).toEqual([])
})

it("starts from the app's last model when its runtime offers it, else from the runtime's default", async () => {
  const kept = await openPicker({ runtime: "opencode", model: "anthropic/claude-sonnet-5" })
  expect(await kept.submitted()).toMatchObject({ runtime: "opencode", model: "anthropic/claude-sonnet-5" })
  // An app whose stored model its runtime no longer offers shows, and sends, the default.
  const replaced = await openPicker({ runtime: "claude", model: "gpt-5.5" })
  expect(await replaced.submitted()).toMatchObject({ runtime: "claude", model: "opus" })
})
