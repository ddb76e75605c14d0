// The example script (scripts/second-example.ts) against a real Second from the build, with the
// real Claude Code answering from the scripted fake model, authenticated only by an API token made
// the way a person makes one: it lists the apps, sends a builder message, follows the run to its
// end and prints the reply. Then the client's refusals a script author meets: a wrong token (401,
// saying so), a run or workspace outside the token's workspace (404), and bad input (exit 2).

import { spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { beforeAll, describe, expect, it } from "vitest"
import { createSecondClient, describeSecondError, SecondClientError } from "#app/client/second-client.ts"
import { INVALID_TOKEN_MESSAGE } from "#app/client/second-client-error.ts"
import { within } from "#tests/fixtures/eventually.ts"
import { HttpPerson } from "#tests/fixtures/http-person.ts"
import { useSecondWithFakeModel } from "#tests/fixtures/second-with-fake-model.ts"
import { followRun as followAsBrowser } from "#tests/fixtures/sse-client.ts"

const world = useSecondWithFakeModel()
let person: HttpPerson
let workspaceId: string
let token: string

beforeAll(async () => {
  person = await new HttpPerson(world.server.url).signIn("scripter@example.com")
  workspaceId = (await person.must<{ id: string }>("mutation", "workspaces.create", { name: "Scripts" })).id
  const created = await person.must<{ token: string }>("mutation", "apiTokens.create", { workspaceId, name: "Example script", role: "member", expiresInDays: 7 })
  token = created.token
}, 60_000)

interface ExampleRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs the example as a person would (`npx tsx scripts/second-example.ts …`), with only the given SECOND_* variables. */
async function runExample(env: Record<string, string>, args: readonly string[] = []): Promise<ExampleRun> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("SECOND_")))
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/second-example.ts", ...args], {
    env: { ...inherited, ...env } as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  })
  let stdout = ""
  let stderr = ""
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")))
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")))
  const code = await within(
    new Promise<number | null>((done) => child.once("exit", (exitCode) => done(exitCode))),
    120_000,
    "the example script to finish",
    () => `stdout:\n${stdout}\nstderr:\n${stderr}`,
  ).finally(() => child.kill("SIGKILL"))
  return { code, stdout, stderr }
}

const envFor = (overrides: Record<string, string> = {}) => ({
  SECOND_URL: world.server.url,
  SECOND_TOKEN: token,
  SECOND_WORKSPACE_ID: workspaceId,
  ...overrides,
})

const aWrongToken = () => `sec_${randomBytes(32).toString("base64url")}`

describe("the example script", () => {
  it("creates an app when there is none, follows its run to the end and prints the reply", { timeout: 180_000 }, async () => {
    world.fake.script([{ kind: "writeFile", path: "greeting.html", content: "<h1>Hello, team</h1>", then: "Your greeting page is ready." }])
    const first = await runExample(envFor(), ["Build a page that greets the team"])
    expect(first.stderr).not.toContain("second-example:")
    expect(first.code).toBe(0)
    const lines = first.stdout.split("\n")
    expect(lines[0]).toBe("Apps in the workspace: 0")
    expect(first.stdout).toMatch(/^Created app ".+" \([a-z2-7]{24}\) with the message: Build a page that greets the team$/m)
    // The run's events, followed over the stream in order, to the web's settle.
    const progress = lines.filter((line) => line.startsWith("  · "))
    expect(progress).toContain("  · file created: greeting.html")
    expect(progress.slice(-2)).toEqual(["  · turn completed", "  · run settled: completed"])
    expect(lines).toContain("Status: completed")
    expect(lines).toContain("Reply: Your greeting page is ready.")
    expect(first.stdout + first.stderr).not.toContain(token)

    // Run again: the app is listed now, and the message goes to it.
    const [app] = await person.must<{ id: string; name: string }[]>("query", "apps.list", { workspaceId })
    world.fake.script([{ kind: "text", text: "Added the footer." }])
    const second = await runExample(envFor(), ["Add", "a", "footer"])
    expect(second.code).toBe(0)
    expect(second.stdout).toContain(`Apps in the workspace: 1\n  - ${app!.name} (${app!.id})\n`)
    expect(second.stdout).toContain(`Sent to app ${app!.id}: Add a footer`)
    expect(second.stdout).toContain("Reply: Added the footer.")
  })

  it("says the token is not valid when it is wrong, and exits 1", { timeout: 120_000 }, async () => {
    const refused = await runExample(envFor({ SECOND_TOKEN: aWrongToken() }))
    expect(refused.code).toBe(1)
    expect(refused.stderr.trim()).toBe(`second-example: ${INVALID_TOKEN_MESSAGE}`)
  })

  it("names the variable to fix, in one line, and exits 2 without calling the server", { timeout: 120_000 }, async () => {
    const { SECOND_TOKEN: _token, ...withoutToken } = envFor()
    const missing = await runExample(withoutToken)
    expect(missing.code).toBe(2)
    expect(missing.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^second-example: SECOND_TOKEN is not set: /)])
    const badWorkspace = await runExample(envFor({ SECOND_WORKSPACE_ID: "my-workspace" }))
    expect(badWorkspace.code).toBe(2)
    expect(badWorkspace.stderr).toMatch(/^second-example: SECOND_WORKSPACE_ID is not a workspace id/)
    const badUrl = await runExample(envFor({ SECOND_URL: "second.example.com" }))
    expect(badUrl.code).toBe(2)
    expect(badUrl.stderr).toMatch(/^second-example: SECOND_URL: The URL "second.example.com" is not a URL/)
  })
})

describe("the client", () => {
  it("refuses a wrong token on tRPC and on a run's stream with the same message", async () => {
    const client = createSecondClient({ url: world.server.url, token: aWrongToken() })
    const listed = await client.trpc.apps.list.query({ workspaceId }).catch((error: unknown) => error)
    expect(describeSecondError(listed)).toBe(INVALID_TOKEN_MESSAGE)
    // Refused before the run is looked up: which runs exist is not told to a wrong token.
    const followed = await collect(client.followRun("abcdefghijklmnopqrstuvwx")).catch((error: unknown) => error)
    expect(followed).toBeInstanceOf(SecondClientError)
    expect(followed).toMatchObject({ kind: "unauthorized", status: 401, message: INVALID_TOKEN_MESSAGE })
  })

  it("finds neither a run nor a workspace outside the token's workspace, even of the token's owner", { timeout: 120_000 }, async () => {
    const otherWorkspaceId = (await person.must<{ id: string }>("mutation", "workspaces.create", { name: "Elsewhere" })).id
    world.fake.script([{ kind: "text", text: "Hello from elsewhere." }])
    const created = await person.must<{ run: { id: string } }>("mutation", "apps.create", { workspaceId: otherWorkspaceId, prompt: "Say hello", runtime: "claude" })
    // Read to the end with the owner's browser session: the run exists and the owner may see it.
    const seen = await followAsBrowser(person, created.run.id)
    expect(seen.at(-1)?.data).toBe(JSON.stringify({ type: "run.settled", status: "completed" }))

    const client = createSecondClient({ url: world.server.url, token })
    const followed = await collect(client.followRun(created.run.id)).catch((error: unknown) => error)
    expect(followed).toMatchObject({ kind: "not-found", status: 404 })
    const listed = await client.trpc.apps.list.query({ workspaceId: otherWorkspaceId }).catch((error: unknown) => error)
    expect(describeSecondError(listed)).toMatch(/Workspace not found/)
  })
})

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = []
  for await (const item of iterable) items.push(item)
  return items
}
