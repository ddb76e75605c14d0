// The README's two commands are the ones that work: CI runs the test command verbatim, and the
// run command starts what package.json says it starts.

import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"

const readme = readFileSync("README.md", "utf8")
const commandUnder = (heading: string) => {
  const section = readme.split(`## ${heading}`)[1] ?? ""
  return /```sh\n([^\n]+)\n```/.exec(section)?.[1]
}

describe("README commands", () => {
  it("gives the run command and the test command, installation included", () => {
    expect(commandUnder("Run it")).toBe("npm ci && npm start")
    expect(commandUnder("Test it")).toBe("npm ci && npm test")
  })

  it("is what CI runs", () => {
    const ci = readFileSync(".ci/run", "utf8").split("\n").filter((line) => !line.startsWith("#"))
    expect(ci).toContain(commandUnder("Test it"))
  })

  it("starts the embedded default and tests with type-check and build first", () => {
    const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts
    expect(scripts["start"]).toBe("npm run build && node build/node/embedded.js")
    expect(scripts["test"]).toBe("npm run typecheck && npm run build && vitest run")
  })
})
