// The three roots import in one direction: app/ and worker/ import shared/; shared/ imports
// neither; the worker never imports the web tier. The single exception is the embedded launcher,
// which starts the worker inside the web process (docs/decisions/003-embedded-default.md).

import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"

const EMBEDDED_LAUNCHER = "app/server/embedded.ts"

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : []
  })
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8")
  return [...text.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((match) => match[1] ?? "")
}

/** Which root an import specifier reaches, resolving relative paths from the importing file. */
function rootOf(file: string, specifier: string): string | null {
  const alias = /^#(app|worker|shared|tests)\//.exec(specifier)
  if (alias) return alias[1] ?? null
  if (!specifier.startsWith(".")) return null
  return join(file, "..", specifier).split("/")[0] ?? null
}

const crossings = (root: string, forbidden: readonly string[]) =>
  sourceFiles(root).flatMap((file) =>
    importsOf(file)
      .filter((specifier) => forbidden.includes(rootOf(file, specifier) ?? ""))
      .map((specifier) => `${file} imports ${specifier}`),
  )

describe("import boundaries", () => {
  it("shared/ imports neither app/ nor worker/", () => {
    expect(crossings("shared", ["app", "worker", "tests"])).toEqual([])
  })

  it("worker/ never imports the web tier", () => {
    expect(crossings("worker", ["app", "tests"])).toEqual([])
  })

  it("app/ reaches worker/ only from the embedded launcher", () => {
    expect(crossings("app", ["worker", "tests"]).filter((line) => !line.startsWith(`${EMBEDDED_LAUNCHER} `))).toEqual([])
    expect(crossings("app", ["worker"]).length).toBeGreaterThan(0)
  })
})
