// .env.example must list every variable the web and the worker read, each under a comment that
// is the variable's own description, and nothing they do not read (apart from compose's own).

import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { webEnvSpec } from "#app/config/config.server.ts"
import { workerEnvSpec } from "#worker/src/config/WorkerConfig.ts"

const COMPOSE_ONLY = ["SECOND_WEB_IMAGE", "SECOND_WORKER_IMAGE", "SECOND_WEB_PORT"]

const lines = readFileSync(".env.example", "utf8").split("\n")
const listed = new Map<string, string>()
lines.forEach((line, index) => {
  const match = /^#? ?([A-Z][A-Z0-9_]*)=/.exec(line)
  if (match?.[1]) listed.set(match[1], lines[index - 1] ?? "")
})

const specs = [...Object.values(webEnvSpec), ...Object.values(workerEnvSpec)]

describe(".env.example", () => {
  it.each(specs.map((spec) => [spec.name, spec] as const))("documents %s with its description", (name, spec) => {
    expect(listed.has(name), `${name} is missing from .env.example`).toBe(true)
    const comment = listed.get(name) ?? ""
    const descriptions = specs.filter((other) => other.name === name).map((other) => `# ${other.describe}`)
    expect(descriptions, `the line above ${name} must be its description`).toContain(comment)
  })

  it("lists nothing that no process reads", () => {
    const known = new Set([...specs.map((spec) => spec.name), ...COMPOSE_ONLY])
    expect([...listed.keys()].filter((name) => !known.has(name))).toEqual([])
  })
})
