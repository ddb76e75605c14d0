// Scaffolding against a real template directory: a new app gets the template's files but not its
// node_modules or build output, and the node_modules beside the apps' directories links to the
// template's; a second turn changes nothing; an app restored from a snapshot (files only) finds the
// packages the same way; and a node_modules made inside an app's directory is removed.

import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { restoreSource } from "../sandbox/restore-source.ts"
import { copyTemplate, linkNodeModules } from "./scaffold.ts"

function fakeTemplate() {
  const root = mkdtempSync(join(tmpdir(), "scaffold-test-"))
  const template = join(root, "template")
  for (const dir of ["src/lib", "node_modules/react", "dist", ".vite-cache"]) mkdirSync(join(template, dir), { recursive: true })
  writeFileSync(join(template, "package.json"), '{ "name": "app" }')
  writeFileSync(join(template, "second.json"), '{ "dataCollections": [] }')
  writeFileSync(join(template, "src/App.tsx"), "export function App() { return null }")
  writeFileSync(join(template, "src/lib/second-sdk.ts"), "export {}")
  writeFileSync(join(template, "node_modules/react/package.json"), "{}")
  writeFileSync(join(template, "dist/index.html"), "<p>old build</p>")
  const workdir = join(root, "apps", "app-1")
  mkdirSync(workdir, { recursive: true })
  return { template, workdir }
}

const linkOf = (workdir: string) => {
  const link = join(workdir, "..", "node_modules")
  return lstatSync(link).isSymbolicLink() ? readlinkSync(link) : "not a link"
}

describe("scaffolding an app's directory", () => {
  it("copies the template into a new app, without node_modules, dist or caches, and links node_modules", () => {
    const { template, workdir } = fakeTemplate()
    expect(copyTemplate(workdir, template)).toBe(true)
    linkNodeModules(workdir, template)
    expect(readFileSync(join(workdir, "src/App.tsx"), "utf8")).toContain("App")
    expect(existsSync(join(workdir, "src/lib/second-sdk.ts"))).toBe(true)
    expect(readFileSync(join(workdir, "second.json"), "utf8")).toContain("dataCollections")
    expect(existsSync(join(workdir, "dist"))).toBe(false)
    expect(existsSync(join(workdir, ".vite-cache"))).toBe(false)
    expect(linkOf(workdir)).toBe(join(template, "node_modules"))
    // Found by Node's walk up from the app's directory, and nothing inside it for Claude's sandbox to trip on.
    expect(existsSync(join(workdir, "../node_modules/react/package.json"))).toBe(true)
    expect(existsSync(join(workdir, "node_modules"))).toBe(false)
  })

  it("leaves an app with source alone on later turns: nothing copied over the agent's work", () => {
    const { template, workdir } = fakeTemplate()
    copyTemplate(workdir, template)
    linkNodeModules(workdir, template)
    writeFileSync(join(workdir, "src/App.tsx"), "export function App() { return 'mine' }")
    expect(copyTemplate(workdir, template)).toBe(false)
    linkNodeModules(workdir, template)
    expect(readFileSync(join(workdir, "src/App.tsx"), "utf8")).toContain("mine")
    expect(linkOf(workdir)).toBe(join(template, "node_modules"))
  })

  it("gives an app restored from its snapshot (files only) its link back, and copies nothing", () => {
    const { template, workdir } = fakeTemplate()
    restoreSource(workdir, { "package.json": '{ "name": "restored" }', "src/App.tsx": "export const restored = 1" })
    expect(copyTemplate(workdir, template)).toBe(false)
    linkNodeModules(workdir, template)
    expect(linkOf(workdir)).toBe(join(template, "node_modules"))
    expect(existsSync(join(workdir, "second.json"))).toBe(false)
    expect(readFileSync(join(workdir, "package.json"), "utf8")).toContain("restored")
  })

  it("removes a node_modules made inside the app's directory (it would hide the template's packages)", () => {
    const { template, workdir } = fakeTemplate()
    copyTemplate(workdir, template)
    mkdirSync(join(workdir, "node_modules/left-pad"), { recursive: true })
    linkNodeModules(workdir, template)
    expect(existsSync(join(workdir, "node_modules"))).toBe(false)
    expect(linkOf(workdir)).toBe(join(template, "node_modules"))
    expect(existsSync(join(template, "node_modules/react/package.json"))).toBe(true)
  })
})
