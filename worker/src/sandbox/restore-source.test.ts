import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { hasSource, replaceSource, restoreSource } from "./restore-source.ts"

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A working directory as a turn leaves it: source, a build, runtime dot-files and installed packages. */
function workdirWithNewerFiles() {
  const root = mkdtempSync(join(tmpdir(), "second-restore-"))
  dirs.push(root)
  const workdir = join(root, "app")
  const write = (path: string, content: string) => {
    mkdirSync(join(workdir, path, ".."), { recursive: true })
    writeFileSync(join(workdir, path), content)
  }
  write("src/App.tsx", "export const App = () => 'version 3'")
  write("src/NewScreen.tsx", "added in version 3")
  write("dist/index.html", "<p>version 3</p>")
  write("package.json", "{}")
  write(".claude/settings.json", "{\"runtime\":\"config\"}")
  write(".vite-cache/deps.json", "cache")
  write("node_modules/react/index.js", "module.exports = 'react'")
  // Outside the workdir: a link to it must be removed, never followed.
  const outside = join(root, "outside")
  mkdirSync(outside)
  writeFileSync(join(outside, "keep.txt"), "not the app's")
  symlinkSync(outside, join(workdir, "linked"))
  return { root, workdir, outside }
}

const version1 = { "src/App.tsx": "export const App = () => 'version 1'", "dist/index.html": "<p>version 1</p>", "package.json": "{}" }

describe("replaceSource (the turn after a restore)", () => {
  it("leaves exactly the restored version's source, keeping dot-entries and node_modules", () => {
    const { workdir, outside } = workdirWithNewerFiles()
    const written = replaceSource(workdir, version1, { "public/logo.png": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0]).toString("base64") })

    expect(written).toBe(4)
    expect(readFileSync(join(workdir, "src/App.tsx"), "utf8")).toBe("export const App = () => 'version 1'")
    expect(readFileSync(join(workdir, "dist/index.html"), "utf8")).toBe("<p>version 1</p>")
    expect([...readFileSync(join(workdir, "public/logo.png"))]).toEqual([0x89, 0x50, 0x4e, 0x47, 0])
    // What version 3 added is gone, the link with it; what it pointed at is untouched.
    expect(existsSync(join(workdir, "src/NewScreen.tsx"))).toBe(false)
    expect(existsSync(join(workdir, "linked"))).toBe(false)
    expect(readFileSync(join(outside, "keep.txt"), "utf8")).toBe("not the app's")
    // Not source: runtime configs, caches and installed packages stay.
    expect(readFileSync(join(workdir, ".claude/settings.json"), "utf8")).toBe("{\"runtime\":\"config\"}")
    expect(existsSync(join(workdir, ".vite-cache/deps.json"))).toBe(true)
    expect(readFileSync(join(workdir, "node_modules/react/index.js"), "utf8")).toBe("module.exports = 'react'")
    expect(readdirSync(workdir).sort()).toEqual([".claude", ".vite-cache", "dist", "node_modules", "package.json", "public", "src"])
  })

  it("writes nothing outside the workdir, into dot-directories or into node_modules, whatever the paths say", () => {
    const { root, workdir } = workdirWithNewerFiles()
    const written = replaceSource(workdir, {
      ...version1,
      "../escaped.txt": "x",
      "/etc/evil": "x",
      "src/../../escaped2.txt": "x",
      ".env": "SECRET=1",
      "src/.hidden/x.js": "x",
      "node_modules/react/index.js": "tampered",
      "a//b.txt": "x",
      "nul\u0000.txt": "x",
    })

    expect(written).toBe(3)
    expect(existsSync(join(root, "escaped.txt"))).toBe(false)
    expect(existsSync(join(root, "escaped2.txt"))).toBe(false)
    expect(existsSync(join(workdir, ".env"))).toBe(false)
    expect(existsSync(join(workdir, "src/.hidden"))).toBe(false)
    expect(readFileSync(join(workdir, "node_modules/react/index.js"), "utf8")).toBe("module.exports = 'react'")
  })

  it("creates a workdir that does not exist yet", () => {
    const root = mkdtempSync(join(tmpdir(), "second-restore-"))
    dirs.push(root)
    const workdir = join(root, "new-app")
    expect(replaceSource(workdir, version1)).toBe(3)
    expect(lstatSync(workdir).isDirectory()).toBe(true)
    expect(hasSource(workdir)).toBe(true)
  })
})

describe("restoreSource (a new worker)", () => {
  it("never overwrites a workdir that has source", () => {
    const { workdir } = workdirWithNewerFiles()
    expect(restoreSource(workdir, version1)).toBe(0)
    expect(readFileSync(join(workdir, "src/App.tsx"), "utf8")).toBe("export const App = () => 'version 3'")
  })
})
