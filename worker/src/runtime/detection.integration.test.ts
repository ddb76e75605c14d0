// Detection against the real CLIs installed in this project (devDependencies).

import { describe, expect, it } from "vitest"
import { detectRuntime } from "./detection.ts"

const base = { configuredPath: undefined, searchPath: "/nonexistent-dir", credentialsConfigured: true, claudeEnvScrub: true }

describe("runtime detection", () => {
  it("finds the three CLIs with their versions", () => {
    const found = (["claude", "codex", "opencode"] as const).map((id) => detectRuntime(id, base))
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

  it("says why a runtime cannot be used", () => {
    expect(detectRuntime("codex", { ...base, credentialsConfigured: false }).reason).toBe(
      "no provider key is configured: set CODEX_API_KEY or OPENAI_API_KEY.",
    )
    expect(detectRuntime("claude", { ...base, configuredPath: "/nonexistent/claude" })).toMatchObject({
      usable: false,
      reason: "claude was not found on PATH; install it or set SECOND_CLAUDE_PATH.",
    })
  })
})
