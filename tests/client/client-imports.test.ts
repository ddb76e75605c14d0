// The client scripts import must load no server code: only app/client, shared/ modules that are
// not server-only, and packages. Type-only imports (AppRouter) are erased and do not count.

import { readFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { describe, expect, it } from "vitest"

const ROOT = resolve(".")
const ALIASES: Record<string, string> = { "#app/": "app/", "#shared/": "shared/", "#worker/": "worker/", "#tests/": "tests/" }

/** The modules `file` loads at runtime (`import type` / `export type` left out). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, "utf8")
  const specifiers = [...text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+["']([^"']+)["']/gm)].map((match) => match[1]!)
  return specifiers.flatMap((specifier) => {
    const alias = Object.keys(ALIASES).find((prefix) => specifier.startsWith(prefix))
    if (alias) return [join(ROOT, ALIASES[alias]!, specifier.slice(alias.length))]
    if (specifier.startsWith(".")) return [resolve(dirname(file), specifier)]
    return []
  })
}

function runtimeGraph(entry: string): string[] {
  const seen = new Set<string>()
  const pending = [resolve(entry)]
  while (pending.length > 0) {
    const file = pending.pop()!
    if (seen.has(file)) continue
    seen.add(file)
    pending.push(...runtimeImports(file))
  }
  return [...seen].map((file) => relative(ROOT, file)).sort()
}

describe("the script client", () => {
  const graph = runtimeGraph("app/client/second-client.ts")

  it("loads no server-only module and nothing of the web tier outside app/client", () => {
    expect(graph.filter((file) => file.endsWith(".server.ts") || (file.startsWith("app/") && !file.startsWith("app/client/")))).toEqual([])
  })

  it("decodes run events with the stream's schema from shared/runs", () => {
    expect(graph).toContain("shared/runs/run-stream-event.ts")
  })
})
