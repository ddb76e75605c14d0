// The picker as the server renders it (what a person sees before any script runs), and the
// choice it makes on a runtime switch. tests/e2e/runtime-picker.e2e.test.ts switches in Chromium.

import { renderToStaticMarkup } from "react-dom/server"
import { describe, expect, it } from "vitest"
import { modelChoices, modelFor, RuntimePicker, type RuntimeOption } from "./runtime-picker.tsx"

const claude: RuntimeOption = {
  id: "claude",
  usable: true,
  reason: null,
  version: "2.1.197",
  models: [
    { id: "opus", label: "Opus, the latest: Claude Opus 4.8" },
    { id: "sonnet", label: "Sonnet, the latest: Claude Sonnet 5" },
  ],
  defaultModel: "opus",
}
const codex: RuntimeOption = { id: "codex", usable: true, reason: null, version: "0.171.0", models: [{ id: "gpt-5.5", label: "GPT-5.5" }, { id: "gpt-6-sol", label: "GPT-6-Sol" }], defaultModel: "gpt-5.5" }
const opencodeUnknown: RuntimeOption = { id: "opencode", usable: false, reason: "no provider key is configured.", version: "1.18.33", models: [], defaultModel: null }

/** The model select's options as [value, label, selected]. */
const modelOptions = (html: string) => {
  const select = /<select[^>]*name="model"[^>]*>(.*?)<\/select>/.exec(html)?.[1] ?? ""
  return [...select.matchAll(/<option value="([^"]*)"( selected="")?>([^<]*)<\/option>/g)].map(([, value, selected, label]) => [value, label?.replaceAll("&#x27;", "'"), selected !== undefined])
}

describe("the runtime and model picker", () => {
  it("lists the runtime's models with its default first, marked and selected", () => {
    const html = renderToStaticMarkup(<RuntimePicker runtimes={[claude, codex, opencodeUnknown]} runtime="codex" model={null} />)
    expect(modelOptions(html)).toEqual([
      ["gpt-5.5", "GPT-5.5 (default)", true],
      ["gpt-6-sol", "GPT-6-Sol", false],
    ])
    expect(html).toContain('data-testid="runtime-picker"')
    expect(html).toMatch(/<option value="opencode" disabled="">OpenCode \(unavailable\)<\/option>/)
    expect(html).toContain("OpenCode: no provider key is configured.")
    // Labelled controls, styled by tokens only.
    expect(html).toMatch(/<label[^>]*><span>Model<\/span><select/)
    expect(html).not.toContain("style=")
  })

  it("keeps the app's model when its runtime offers it, and shows the default when it does not", () => {
    expect(modelOptions(renderToStaticMarkup(<RuntimePicker runtimes={[claude, codex]} runtime="claude" model="sonnet" />)).find(([, , selected]) => selected)).toEqual([
      "sonnet",
      "Sonnet, the latest: Claude Sonnet 5",
      true,
    ])
    // Another runtime's model (say, stored before a switch) is never shown, nor sent, as this one's.
    expect(modelFor(claude, "gpt-5.5")).toBe("opus")
    expect(modelChoices(claude, modelFor(claude, "gpt-5.5")).map((choice) => choice.value)).toEqual(["opus", "sonnet"])
  })

  it("switching runtime chooses the new runtime's default", () => {
    expect(modelFor(codex, null)).toBe("gpt-5.5")
    expect(modelFor(claude, null)).toBe("opus")
  })

  it("offers the CLI's own default when the worker could not list the runtime's models", () => {
    const html = renderToStaticMarkup(<RuntimePicker runtimes={[opencodeUnknown]} runtime="opencode" model={null} />)
    expect(modelOptions(html)).toEqual([["", "OpenCode's default", true]])
    // A model the app already had stays as it is: nothing says the runtime lacks it.
    expect(modelChoices(opencodeUnknown, modelFor(opencodeUnknown, "openai/gpt-5.5")).map((choice) => choice.value)).toEqual(["", "openai/gpt-5.5"])
  })
})
