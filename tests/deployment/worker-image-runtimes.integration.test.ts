// The worker image's runtimes, without Docker: its own install step (`npm ci --prefix runtimes
// --omit=dev`, see the Dockerfile's runtimes stage) run in a temp directory from this checkout's
// runtimes/package.json and lock, beside a production-pruned root (a node_modules without the
// devDependency CLIs). Detection must find all three runtimes there, with their pinned versions.
// The npm cache already holds the tarballs (the root install fetched the same ones).

import { execFile } from "node:child_process"
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, sep } from "node:path"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { detectRuntime, type DetectionInput } from "#worker/src/runtime/detection.ts"

const RUNTIMES = ["claude", "codex", "opencode"] as const
const pins = JSON.parse(readFileSync("runtimes/package.json", "utf8")).dependencies as Record<string, string>
const PINNED_VERSIONS = {
  claude: pins["@anthropic-ai/claude-code"],
  codex: pins["@openai/codex"],
  opencode: pins["opencode-linux-x64"],
} as const

let imageRoot = ""

const inImage = (projectRoot: string): DetectionInput => ({
  configuredPath: undefined,
  // Node only: nothing on this PATH holds a CLI, as in the node:20 image.
  searchPath: dirname(process.execPath),
  credentialsConfigured: true,
  claudeEnvScrub: false,
  opencodeProviders: [],
  projectRoot,
})

describe("the worker image's runtimes", () => {
  beforeAll(async () => {
    imageRoot = mkdtempSync(join(tmpdir(), "second-worker-image-"))
    mkdirSync(join(imageRoot, "runtimes"))
    for (const file of ["package.json", "package-lock.json"]) cpSync(join("runtimes", file), join(imageRoot, "runtimes", file))
    // What `npm prune --omit=dev` leaves of the root: no CLI under node_modules/.bin.
    mkdirSync(join(imageRoot, "node_modules", ".bin"), { recursive: true })
    await promisify(execFile)(
      "npm",
      ["ci", "--prefix", join(imageRoot, "runtimes"), "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund"],
      { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
    )
  }, 150_000)
  afterAll(() => {
    if (imageRoot) rmSync(imageRoot, { recursive: true, force: true })
  })

  it("finds all three runtimes in runtimes/ with their pinned versions", async () => {
    const found = await Promise.all(RUNTIMES.map((id) => detectRuntime(id, inImage(imageRoot), { models: "later" })))
    expect(found.map(({ id, usable, reason }) => ({ id, usable, reason }))).toEqual(RUNTIMES.map((id) => ({ id, usable: true, reason: null })))
    for (const runtime of found) {
      expect(runtime.binary?.startsWith(join(imageRoot, "runtimes", "node_modules") + sep)).toBe(true)
      expect(runtime.version).toContain(PINNED_VERSIONS[runtime.id])
      // The sandbox shows the runtimes' tree read-only, not the project's.
      expect(runtime.installation).toContain(join(imageRoot, "runtimes", "node_modules"))
    }
  }, 60_000)

  it("finds none in a pruned root without runtimes/ (the image before runtimes/ existed)", async () => {
    const pruned = mkdtempSync(join(tmpdir(), "second-pruned-root-"))
    try {
      mkdirSync(join(pruned, "node_modules", ".bin"), { recursive: true })
      const found = await Promise.all(RUNTIMES.map((id) => detectRuntime(id, inImage(pruned), { models: "later" })))
      expect(found.map(({ binary }) => binary)).toEqual([null, null, null])
      expect(found[0]?.reason).toContain("SECOND_CLAUDE_PATH")
    } finally {
      rmSync(pruned, { recursive: true, force: true })
    }
  })

  it("lets SECOND_*_PATH override the pinned runtime", async () => {
    const claude = join(imageRoot, "runtimes", "node_modules", ".bin", "claude")
    const configured = await detectRuntime("codex", { ...inImage(imageRoot), configuredPath: claude }, { models: "later" })
    expect(configured.binary).toBe(claude)
  }, 30_000)
})
