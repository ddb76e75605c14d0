// Reading the CLIs' model lists, and the defaults chosen from them.

import { describe, expect, it } from "vitest"
import { MODEL_NAME_PATTERN } from "#shared/runtime/cli-arguments.ts"
import {
  CLAUDE_DEFAULT_MODEL,
  CLAUDE_MODELS,
  CODEX_FALLBACK_MODELS,
  codexDefault,
  opencodeDefault,
  parseCodexCatalog,
  parseOpencodeModels,
} from "./model-catalog.ts"

/** One model as `opencode models --verbose` prints it: its id line, then its metadata. */
const opencodeEntry = (id: string, fields: { name?: string; toolcall?: boolean; status?: string } = {}) => {
  const [providerID, ...rest] = id.split("/")
  const metadata = {
    id: rest.join("/"),
    providerID,
    name: fields.name ?? rest.join("/"),
    status: fields.status ?? "active",
    cost: { input: 1, output: 2 },
    capabilities: { temperature: true, toolcall: fields.toolcall ?? true, input: { text: true } },
  }
  return `${id}\n${JSON.stringify(metadata, null, 2)}\n`
}

describe("OpenCode's list", () => {
  const output = [
    opencodeEntry("opencode/big-pickle", { name: "Big Pickle" }),
    opencodeEntry("openai/gpt-5.5", { name: "GPT-5.5" }),
    opencodeEntry("openai/text-embedding-3-small", { toolcall: false }),
    opencodeEntry("openai/gpt-4-old", { status: "deprecated" }),
    opencodeEntry("anthropic/claude-opus-4-8", { name: "Claude Opus 4.8" }),
    "openai/broken\n{ not json\n}\n",
    opencodeEntry("google/gemini-2.5-pro", { name: "Gemini 2.5 Pro" }),
  ].join("")

  it("keeps the configured providers' models that can call tools, labelled with their names", () => {
    expect(parseOpencodeModels(output, ["openai", "anthropic"])).toEqual([
      { id: "openai/gpt-5.5", label: "GPT-5.5 · openai" },
      { id: "anthropic/claude-opus-4-8", label: "Claude Opus 4.8 · anthropic" },
    ])
  })

  it("lists nothing for no provider, and nothing from output that is not a model list", () => {
    expect(parseOpencodeModels(output, [])).toEqual([])
    expect(parseOpencodeModels("Error: something went wrong\n", ["openai"])).toEqual([])
  })

  it("defaults to the adapter's model, else the first configured provider's, else the first listed", () => {
    const models = parseOpencodeModels(output, ["openai", "anthropic", "google"])
    expect(opencodeDefault(models, ["openai", "anthropic", "google"])).toBe("openai/gpt-5.5")
    const withoutOpenai = models.filter((model) => !model.id.startsWith("openai/"))
    expect(opencodeDefault(withoutOpenai, ["anthropic", "google"])).toBe("anthropic/claude-opus-4-8")
    expect(opencodeDefault([{ id: "google/gemma-9", label: "Gemma" }], ["google"])).toBe("google/gemma-9")
    expect(opencodeDefault([], [])).toBeNull()
  })
})

describe("Codex's catalog", () => {
  const catalog = (models: object[]) => JSON.stringify({ models })
  const model = (slug: string, priority: number, extra: object = {}) => ({
    slug,
    display_name: slug.toUpperCase(),
    visibility: "list",
    supported_in_api: true,
    priority,
    instructions: "…",
    ...extra,
  })

  it("keeps the listed API models in Codex's own order", () => {
    const output = catalog([model("gpt-b", 2), model("gpt-a", 1), model("internal", 0, { visibility: "hide" }), model("app-only", 3, { supported_in_api: false })])
    expect(parseCodexCatalog(output)).toEqual([
      { id: "gpt-a", label: "GPT-A" },
      { id: "gpt-b", label: "GPT-B" },
    ])
  })

  it("is unknown when the output is not a catalog, so the table stands in", () => {
    expect(parseCodexCatalog("error: unrecognized subcommand 'models'")).toBeNull()
    expect(parseCodexCatalog(catalog([]))).toBeNull()
  })

  it("defaults to the adapter's model when listed", () => {
    expect(codexDefault(CODEX_FALLBACK_MODELS)).toBe("gpt-5.5")
    expect(codexDefault([{ id: "gpt-9", label: "GPT-9" }])).toBe("gpt-9")
  })
})

describe("Claude Code's table", () => {
  it("offers ids the command line accepts, once each, its default among them", () => {
    const ids = CLAUDE_MODELS.map((model) => model.id)
    expect(ids.every((id) => MODEL_NAME_PATTERN.test(id))).toBe(true)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids).toContain(CLAUDE_DEFAULT_MODEL)
    expect(CLAUDE_MODELS.find((model) => model.id === "sonnet")?.label).toBe("Sonnet, the latest: Claude Sonnet 5")
  })
})
