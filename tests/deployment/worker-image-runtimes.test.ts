// The worker image's runtimes stay pinned in one place each: runtimes/ pins exactly the versions
// of the root devDependencies (the tests run those), its lockfile agrees, and the Dockerfile's
// worker stage installs runtimes/ (the root's CLIs are pruned with the devDependencies).

import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"))
const root = readJson("package.json")
const runtimes = readJson("runtimes/package.json")
const runtimesLock = readJson("runtimes/package-lock.json")
const CLI_PACKAGES = ["@anthropic-ai/claude-code", "@openai/codex", "opencode-linux-x64"]

/** The Dockerfile's stages by name, each with its instructions. */
function stages(dockerfile: string): Map<string, string> {
  const found = new Map<string, string>()
  for (const part of dockerfile.split(/^FROM /m).slice(1)) {
    const name = /^\S+(?:\s+AS\s+(\S+))?/i.exec(part)?.[1]
    if (name) found.set(name, part)
  }
  return found
}

describe("runtimes/ package", () => {
  it("pins each CLI exactly, at the root devDependencies' version", () => {
    for (const name of CLI_PACKAGES) {
      expect(runtimes.dependencies[name], name).toMatch(/^\d+\.\d+\.\d+$/)
      expect(runtimes.dependencies[name], name).toBe(root.devDependencies[name])
    }
    expect(Object.keys(runtimes.dependencies).sort()).toEqual([...CLI_PACKAGES].sort())
  })

  it("has a lockfile that matches its pins", () => {
    expect(runtimesLock.packages[""].dependencies).toEqual(runtimes.dependencies)
    for (const name of CLI_PACKAGES) expect(runtimesLock.packages[`node_modules/${name}`]?.version, name).toBe(runtimes.dependencies[name])
  })

  it("is installed into the worker image", () => {
    const byName = stages(readFileSync("Dockerfile", "utf8"))
    const installer = byName.get("runtimes") ?? ""
    expect(installer).toMatch(/COPY runtimes\/package\.json runtimes\/package-lock\.json/)
    expect(installer).toMatch(/npm ci --prefix runtimes --omit=dev/)
    expect(byName.get("worker")).toMatch(/COPY --from=runtimes \/app\/runtimes \.\/runtimes/)
  })
})
