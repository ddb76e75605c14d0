// The example script (scripts/second-example.ts) against a real Second from the build, with the
// real Claude Code answering from the scripted fake model, authenticated only by an API token made
// the way a person makes one: it lists the apps, sends a builder message, follows the run to its
// end and prints the reply. It sends nothing unless told what and where: --help, an unknown option
// or no message stop it before any request (exit 2), as do a runtime that cannot run and an empty
// workspace without --new-app. Then the client's refusals a script author meets: a wrong token
// (401, saying so), a run or workspace outside the token's workspace (404, saying which workspace
// the token is for), and bad input (exit 2).

import { spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { beforeAll, describe, expect, it } from "vitest"
import { createSecondClient, describeSecondError, isWorkspaceNotFound, SecondClientError } from "#app/client/second-client.ts"
import { INVALID_TOKEN_MESSAGE, WORKSPACE_NOT_FOUND_MESSAGE } from "#app/client/second-client-error.ts"
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

/** A stand-in for Second that answers nothing useful and counts the requests it gets. */
async function withCountingServer<T>(use: (url: string, requests: () => number) => Promise<T>): Promise<T> {
  let count = 0
  const server = createServer((_request, response) => {
    count++
    response.writeHead(500, { "content-type": "text/plain" }).end("counted")
  })
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening))
  try {
    return await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, () => count)
  } finally {
    await new Promise((closed) => server.close(closed))
  }
}

const appsOf = (id: string) => person.must<{ id: string; name: string }[]>("query", "apps.list", { workspaceId: id })

describe("the example script", () => {
  // Every argument and variable case is read in-process (tests/client/example-input.test.ts);
  // these two runs prove the script itself stops before any request.
  it("prints its usage for --help with no variables set, and refuses an unknown option, without a request to Second", { timeout: 120_000 }, async () => {
    const help = await runExample({}, ["--help"])
    expect(help.code).toBe(0)
    expect(help.stderr).toBe("")
    expect(help.stdout).toMatch(/^Usage: npx tsx scripts\/second-example\.ts \[--app <appId> \| --new-app\] "message for the builder"\n/)
    await withCountingServer(async (url, requests) => {
      const unknown = await runExample(envFor({ SECOND_URL: url }), ["--verbose", "Add a footer"])
      expect(unknown.code).toBe(2)
      expect(unknown.stdout).toBe("")
      expect(unknown.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^second-example: unknown option "--verbose": the options are --app <appId>, --new-app and --help/)])
      expect(requests()).toBe(0)
    })
  })

  it("with no runtime usable on the worker, says which and what the worker needs, and creates nothing", { timeout: 120_000 }, async () => {
    // A stand-in answering the tRPC reads as a Second whose worker has no provider key would.
    const unusable = [
      { id: "claude", usable: false, reason: "no provider key is configured: set ANTHROPIC_API_KEY.", version: "2.0.0", models: [], defaultModel: null },
      { id: "codex", usable: false, reason: "codex was not found on PATH; install it or set CODEX_PATH.", version: null, models: [], defaultModel: null },
      { id: "opencode", usable: false, reason: "no provider key is configured: set OPENAI_API_KEY.", version: "1.0.0", models: [], defaultModel: null },
    ]
    const asked: string[] = []
    const server = createServer((request, response) => {
      const procedures = new URL(request.url ?? "/", "http://localhost").pathname.replace(/^\/api\/trpc\//, "").split(",")
      asked.push(...procedures)
      const answers = procedures.map((procedure) =>
        procedure === "apps.list" ? { result: { data: [] } } : procedure === "apps.runtimes" ? { result: { data: unusable } } : { error: { message: "not here", code: -32004, data: { code: "NOT_FOUND" } } },
      )
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answers))
    })
    await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const stopped = await runExample(envFor({ SECOND_URL: url, SECOND_RUNTIME: "claude" }), ["--new-app", "Build a page that greets the team"])
      expect(stopped.code).toBe(1)
      expect(stopped.stderr.trim()).toBe(
        "second-example: No runtime is usable on this Second's worker, so no app was created: Claude Code (claude): no provider key is configured: set ANTHROPIC_API_KEY; " +
          "Codex (codex): codex was not found on PATH; install it or set CODEX_PATH; OpenCode (opencode): no provider key is configured: set OPENAI_API_KEY. " +
          "The worker needs a runtime's CLI and a provider key for it (such as ANTHROPIC_API_KEY for Claude Code); a workspace admin sees this under Workspace settings → Runtime.",
      )
      expect(asked).toEqual(["apps.list", "apps.runtimes"])
    } finally {
      await new Promise((closed) => server.close(closed))
    }
  })

  it("creates an app only with --new-app and a runtime that can run, follows its run to the end and prints the reply", { timeout: 240_000 }, async () => {
    // An empty workspace and no --new-app: nothing is created.
    const notTold = await runExample(envFor(), ["Build a page that greets the team"])
    expect(notTold.code).toBe(2)
    expect(notTold.stderr.trim()).toBe("second-example: the workspace has no app yet: add --new-app to create one with this message.")
    // A runtime without a provider key on the worker (Codex, in the fake world): refused before creating anything.
    const cannotRun = await runExample(envFor({ SECOND_RUNTIME: "codex" }), ["--new-app", "Build a page that greets the team"])
    expect(cannotRun.code).toBe(2)
    expect(cannotRun.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^second-example: SECOND_RUNTIME=codex is not usable on this Second's worker \(Codex \(codex\): .+\), so no app was created\. Usable here: (?:[a-z]+, )*claude(?:, [a-z]+)*: set SECOND_RUNTIME to one of them or unset it, or give that runtime a provider key on the worker\.$/),
    ])
    expect(await appsOf(workspaceId)).toEqual([])

    world.fake.script([{ kind: "writeFile", path: "greeting.html", content: "<h1>Hello, team</h1>", then: "Your greeting page is ready." }])
    const first = await runExample(envFor({ SECOND_RUNTIME: "claude" }), ["--new-app", "Build a page that greets the team"])
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
    const [app] = await appsOf(workspaceId)
    world.fake.script([{ kind: "text", text: "Added the footer." }])
    const second = await runExample(envFor(), ["Add", "a", "footer"])
    expect(second.code).toBe(0)
    expect(second.stdout).toContain(`Apps in the workspace: 1\n  - ${app!.name} (${app!.id})\n`)
    expect(second.stdout).toContain(`Sent to app ${app!.id}: Add a footer`)
    expect(second.stdout).toContain("Reply: Added the footer.")

    // --app names the app; one that is not in the workspace is refused before sending.
    world.fake.script([{ kind: "text", text: "Made the heading blue." }])
    const named = await runExample(envFor(), ["--app", app!.id, "Make the heading blue"])
    expect(named.code).toBe(0)
    expect(named.stdout).toContain(`Sent to app ${app!.id}: Make the heading blue`)
    expect(named.stdout).toContain("Reply: Made the heading blue.")
    const elsewhere = await runExample(envFor(), ["--app", "abcdefghijklmnopqrstuvwx", "Make the heading red"])
    expect(elsewhere.code).toBe(2)
    expect(elsewhere.stderr.trim()).toBe("second-example: --app abcdefghijklmnopqrstuvwx is not an app of this workspace: give one of the ids listed above, or --new-app to create one.")
    expect(await appsOf(workspaceId)).toHaveLength(1)
  })

  it("says the token is not valid when it is wrong, and exits 1", { timeout: 120_000 }, async () => {
    const refused = await runExample(envFor({ SECOND_TOKEN: aWrongToken() }), ["Add a footer"])
    expect(refused.code).toBe(1)
    expect(refused.stderr.trim()).toBe(`second-example: ${INVALID_TOKEN_MESSAGE}`)
  })

  it("with another workspace's id, says a token works only in its own workspace and names that one", { timeout: 120_000 }, async () => {
    const otherWorkspaceId = (await person.must<{ id: string }>("mutation", "workspaces.create", { name: "Not the token's" })).id
    const refused = await runExample(envFor({ SECOND_WORKSPACE_ID: otherWorkspaceId }), ["Add a footer"])
    expect(refused.code).toBe(1)
    expect(refused.stderr.trim()).toBe(`second-example: ${WORKSPACE_NOT_FOUND_MESSAGE} This token is for the workspace "Scripts": set SECOND_WORKSPACE_ID=${workspaceId}.`)
    expect(await appsOf(otherWorkspaceId)).toEqual([])
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
    expect(describeSecondError(listed)).toBe(WORKSPACE_NOT_FOUND_MESSAGE)
    expect(isWorkspaceNotFound(listed)).toBe(true)
  })
})

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = []
  for await (const item of iterable) items.push(item)
  return items
}
