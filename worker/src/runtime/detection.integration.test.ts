// Detection against the real CLIs installed in this project (devDependencies): versions, the
// models each offers, and Claude Code's alias table checked against what the CLI really asks a
// model server for. Fake `opencode` scripts show what a listing sees and that a hung one is cut off.

import { execFile } from "node:child_process"
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { CLI_BINARIES, FAKE_API_KEY, makeCliDirs, testHomesRoot } from "#tests/fixtures/fake-model/cli-env.ts"
import { startFakeModel, type FakeModel } from "#tests/fixtures/fake-model/server.ts"
import { detectRuntime, type DetectionInput } from "./detection.ts"
import { CLAUDE_ALIASES, CLAUDE_DEFAULT_MODEL } from "./model-catalog.ts"

const openai = { provider: "openai", keyVariables: ["OPENAI_API_KEY"] }
const anthropic = { provider: "anthropic", keyVariables: ["ANTHROPIC_API_KEY"] }
const base: DetectionInput = {
  configuredPath: undefined,
  searchPath: "/nonexistent-dir",
  credentialsConfigured: true,
  claudeEnvScrub: true,
  opencodeProviders: [openai],
}
const ids = (models: readonly { id: string }[]) => models.map((model) => model.id)

describe("runtime detection", () => {
  it("finds the three CLIs with their versions", async () => {
    const found = await Promise.all((["claude", "codex", "opencode"] as const).map((id) => detectRuntime(id, base)))
    expect(found.map((runtime) => [runtime.id, runtime.usable, runtime.reason])).toEqual([
      ["claude", true, null],
      ["codex", true, null],
      ["opencode", true, null],
    ])
    expect(found[0]?.version).toMatch(/2\.1\.197/)
    expect(found[1]?.version).toMatch(/0\.171\.0/)
    expect(found[2]?.version).toMatch(/1\.18\.33/)
    expect(found[0]?.installation.some((path) => path.endsWith("node_modules"))).toBe(true)
  })

  it("says why a runtime cannot be used", async () => {
    expect((await detectRuntime("codex", { ...base, credentialsConfigured: false })).reason).toBe(
      "no provider key is configured: set CODEX_API_KEY or OPENAI_API_KEY.",
    )
    expect(await detectRuntime("claude", { ...base, configuredPath: "/nonexistent/claude" })).toMatchObject({
      usable: false,
      reason: "claude was not found on PATH; install it or set SECOND_CLAUDE_PATH.",
      models: [],
      defaultModel: null,
    })
  })
})

describe("the models each runtime offers", () => {
  it("Claude Code: its aliases and full ids, Opus (its own default) as the default", async () => {
    const claude = await detectRuntime("claude", base)
    expect(ids(claude.models).slice(0, 4)).toEqual(["opus", "sonnet", "haiku", "fable"])
    expect(ids(claude.models)).toContain("claude-sonnet-4-5")
    expect(claude.defaultModel).toBe("opus")
  })

  it("Codex: the catalog bundled with the CLI (no network), in Codex's order, without hidden models", async () => {
    const codex = await detectRuntime("codex", base)
    expect(ids(codex.models)).toContain("gpt-5.5")
    expect(ids(codex.models)).not.toContain("codex-auto-review")
    expect(codex.models.find((model) => model.id === "gpt-5.5")?.label).toBe("GPT-5.5")
    expect(codex.defaultModel).toBe("gpt-5.5")
  })

  // Three OpenCode listings, one CLI start each: on a busy two-core machine they outlast the default 30 s.
  it("OpenCode: only the configured providers' models that can use tools, listed offline", { timeout: 90_000 }, async () => {
    const onlyOpenai = await detectRuntime("opencode", base)
    expect(onlyOpenai.models.length).toBeGreaterThan(5)
    expect(ids(onlyOpenai.models).every((id) => id.startsWith("openai/"))).toBe(true)
    expect(ids(onlyOpenai.models)).toContain("openai/gpt-5.5")
    // Embeddings and image models cannot build an app; OpenCode's own hosted models are not configured here.
    expect(ids(onlyOpenai.models)).not.toContain("openai/text-embedding-3-small")
    expect(onlyOpenai.defaultModel).toBe("openai/gpt-5.5")

    const onlyAnthropic = await detectRuntime("opencode", { ...base, opencodeProviders: [anthropic] })
    expect(ids(onlyAnthropic.models).every((id) => id.startsWith("anthropic/"))).toBe(true)
    expect(onlyAnthropic.defaultModel).toBe("anthropic/claude-opus-4-8")

    const none = await detectRuntime("opencode", { ...base, opencodeProviders: [], credentialsConfigured: false })
    expect(none).toMatchObject({ usable: false, models: [], defaultModel: null })
  })
})

describe("OpenCode's listing", () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(testHomesRoot(), "detect-"))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  /** An `opencode` that answers detection's probes and does `onModels` when asked for its models. */
  const fakeOpencode = (name: string, onModels: string) => {
    const path = join(dir, name)
    writeFileSync(
      path,
      [
        "#!/bin/sh",
        'case "$1" in',
        "  --version) echo 1.18.33 ;;",
        '  run) echo "--format  output format" >&2 ;;',
        `  models) ${onModels} ;;`,
        "esac",
      ].join("\n"),
    )
    chmodSync(path, 0o755)
    return path
  }

  it("sees a placeholder for each configured provider's key, never a key, nor the worker's environment", async () => {
    const seen = join(dir, "seen-env")
    const opencode = fakeOpencode("opencode-env", `env > ${seen}`)
    process.env["SECOND_DETECTION_CANARY"] = "must-not-be-seen"
    try {
      await detectRuntime("opencode", { ...base, configuredPath: opencode, opencodeProviders: [openai, anthropic] })
    } finally {
      delete process.env["SECOND_DETECTION_CANARY"]
    }
    const variables = Object.fromEntries(
      readFileSync(seen, "utf8")
        .trim()
        .split("\n")
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    )
    expect(variables).toMatchObject({ OPENAI_API_KEY: "configured-on-the-worker", ANTHROPIC_API_KEY: "configured-on-the-worker", OPENCODE_DISABLE_MODELS_FETCH: "1" })
    expect(variables["SECOND_DETECTION_CANARY"]).toBeUndefined()
    expect(variables["HOME"]).toMatch(/second-opencode-models-/)
  })

  it("is cut off when it hangs: OpenCode stays usable, its list unknown", async () => {
    const opencode = fakeOpencode("opencode-hangs", "sleep 600 & wait")
    const started = Date.now()
    const detection = await detectRuntime("opencode", { ...base, configuredPath: opencode, modelsTimeoutMs: 500 })
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(detection).toMatchObject({ usable: true, models: [], defaultModel: null })
  })
})

describe("Claude Code's alias table", () => {
  let fake: FakeModel
  beforeAll(async () => {
    fake = await startFakeModel()
  })
  afterAll(() => fake?.stop())

  /** The model Claude Code asks the model server for when given `model` (none: its own default). */
  const askedFor = async (model: string | null) => {
    const dirs = makeCliDirs("claude-alias")
    const marker = `Which model? (${model ?? "none"})`
    try {
      await promisify(execFile)(CLI_BINARIES.claude, ["-p", ...(model ? ["--model", model] : []), "--max-turns", "1", "--", marker], {
        env: {
          PATH: process.env["PATH"],
          HOME: dirs.home,
          TMPDIR: dirs.tmp,
          ANTHROPIC_BASE_URL: fake.url,
          ANTHROPIC_API_KEY: FAKE_API_KEY,
          DISABLE_AUTOUPDATER: "1",
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
        } as unknown as NodeJS.ProcessEnv,
        cwd: dirs.workdir,
        timeout: 60_000,
      }).catch(() => undefined)
      return fake.requests.find((request) => request.lastUserText?.includes(marker))?.model
    } finally {
      dirs.remove()
    }
  }

  it("says what each alias, and no model at all, asks for with the installed CLI", { timeout: 120_000 }, async () => {
    const aliases = await Promise.all(CLAUDE_ALIASES.map(async ({ alias }) => [alias, await askedFor(alias)] as const))
    expect(Object.fromEntries(aliases)).toEqual(Object.fromEntries(CLAUDE_ALIASES.map(({ alias, asksFor }) => [alias, asksFor])))
    const own = CLAUDE_ALIASES.find(({ alias }) => alias === CLAUDE_DEFAULT_MODEL)?.asksFor
    expect(await askedFor(null), "the default names the model Claude Code picks by itself").toBe(own)
  })
})
