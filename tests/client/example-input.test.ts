// What the example script reads from its arguments and variables, before it sends anything: each
// mistake is one line naming what to fix (exit status 2 in the script), --help needs nothing.

import { describe, expect, it } from "vitest"
import { readExampleInput, USAGE } from "../../scripts/second-example-input.ts"

const env = { SECOND_URL: "https://second.example.com", SECOND_TOKEN: `sec_${"a".repeat(43)}`, SECOND_WORKSPACE_ID: "abcdefghijklmnopqrstuvwx" }
const refusal = (argv: readonly string[], variables: Record<string, string | undefined> = env) => {
  const input = readExampleInput(argv, variables)
  return input.kind === "refused" ? input.message : `not refused: ${input.kind}`
}

describe("the example script's input", () => {
  it("answers --help and -h with the usage, whatever else is set or missing", () => {
    expect(readExampleInput(["--help"], {})).toEqual({ kind: "help" })
    expect(readExampleInput(["Add a footer", "-h"], {})).toEqual({ kind: "help" })
    for (const named of ["--app <appId>", "--new-app", "SECOND_URL", "SECOND_TOKEN", "SECOND_WORKSPACE_ID", "SECOND_RUNTIME", "Exit status:"]) expect(USAGE).toContain(named)
  })

  it("refuses an unknown option, two choices of app, and a missing message, naming each", () => {
    expect(refusal(["--verbose", "Add a footer"])).toMatch(/^unknown option "--verbose": the options are --app <appId>, --new-app and --help/)
    expect(refusal(["--app", "abcdefghijklmnopqrstuvwx", "--new-app", "Hi"])).toBe("give either --app <appId> or --new-app, not both.")
    for (const argv of [[], ["--new-app"], ["--app", "abcdefghijklmnopqrstuvwx"]]) {
      expect(refusal(argv)).toMatch(/^Give the message for the builder as the last argument, e\.g\. npx tsx scripts\/second-example\.ts "/)
    }
    expect(refusal(["--app"])).toBe("--app needs an app id after it.")
    expect(refusal(["--app", "my-app", "Hi"])).toMatch(/^--app "my-app" is not an app id/)
  })

  it("names the variable to fix", () => {
    expect(refusal(["Add a footer"], { ...env, SECOND_TOKEN: undefined })).toMatch(/^SECOND_TOKEN is not set: /)
    expect(refusal(["Add a footer"], { ...env, SECOND_WORKSPACE_ID: "my-workspace" })).toMatch(/^SECOND_WORKSPACE_ID is not a workspace id/)
    expect(refusal(["Add a footer"], { ...env, SECOND_RUNTIME: "gpt" })).toMatch(/^SECOND_RUNTIME must be one of claude, codex, opencode/)
  })

  it("reads a run: the message (several words, or after --), the app or --new-app, the runtime", () => {
    expect(readExampleInput(["Add", "a", "footer"], env)).toMatchObject({ kind: "run", message: "Add a footer", appId: null, newApp: false, runtime: null })
    expect(readExampleInput(["--app=abcdefghijklmnopqrstuvwx", "--", "-1 is odd"], { ...env, SECOND_RUNTIME: "codex" })).toMatchObject({
      kind: "run",
      message: "-1 is odd",
      appId: "abcdefghijklmnopqrstuvwx",
      runtime: "codex",
    })
    expect(readExampleInput(["--new-app", "Notes"], env)).toMatchObject({ kind: "run", newApp: true, message: "Notes" })
  })
})
