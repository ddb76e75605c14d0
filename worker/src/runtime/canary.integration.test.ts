// Secrets never reach a runtime, whatever a shell inside it tries. A real worker process carries
// unique canary values for every secret the checklist names (internal token, MongoDB and Redis
// URLs, WorkOS key, OAuth and integration secrets), receives requests with canary cookies and
// headers, and keeps a canary secrets file beside its workspaces. The scripted model makes each
// real runtime search its environment, every process environment and command line it can see,
// and the filesystem. No canary may appear in what the shell found, in any event, or in any file.
//
// The one credential a runtime does get is its run's MCP broker token. A shell finds it only where
// the runtime holds it, can use it while the turn runs, and once the turn has ended the token
// opens neither the broker nor any other worker route.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { canary, CANARY_SEARCH, filesUnder, readIfStillThere } from "#tests/fixtures/canary-search.ts"
import { FAKE_API_KEY, testHomesRoot } from "#tests/fixtures/fake-model/cli-env.ts"
import { startFakeModel, type FakeModel } from "#tests/fixtures/fake-model/server.ts"
import { freePort } from "#tests/fixtures/free-port.ts"
import { startNodeProcess, type NodeProcess } from "#tests/fixtures/node-process.ts"

const canaries = {
  INTERNAL_API_TOKEN: canary("token"),
  MONGODB_URI: `mongodb://admin:${canary("mongo")}@mongo:27017/second`,
  REDIS_URL: `redis://:${canary("redis")}@redis:6379`,
  WORKOS_API_KEY: canary("workos"),
  SECOND_TOKEN_ENCRYPTION_KEY: canary("encryption").padEnd(40, "x"),
  OAUTH_ACCESS_TOKEN: canary("oauth"),
  INTEGRATION_SECRET: canary("integration"),
}
const cookieCanary = canary("cookie")
const fileCanary = canary("file")
const MODELS: Readonly<Record<RuntimeId, string>> = { claude: "claude-opus-4-8", codex: "gpt-5.5", opencode: "openai/fake-model" }

const LIST_TOOLS = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" })

// Every place a shell could find a run token (its own environment, each process's environment and
// command line, the files of its home and the app), one "TOKEN <where> <token>" line per sighting;
// then a call to the broker with the first one found, as a shell after the builder's tools would make.
const TOKEN_SEARCH = (brokerUrl: string) =>
  [
    "P='[a-z2-7]\\{24\\}\\.[a-z2-7]\\{52\\}'",
    'seen() { grep -o "$P" | sort -u | sed "s|^|TOKEN $1 |"; }',
    "env | grep -q '^SECOND_MCP_TOKEN=' && echo OWN-ENV-HAS-SECOND_MCP_TOKEN",
    "found=$( { env | seen env",
    "for d in /proc/[0-9]*; do for k in environ cmdline; do tr '\\0' '\\n' < $d/$k 2>/dev/null | seen \"$k:$(tr -d ' ' < $d/comm 2>/dev/null)\"; done; done",
    'grep -rIo "$P" "$HOME" "$PWD" 2>/dev/null | sed "s|^\\(.*\\):|TOKEN file:\\1 |"; } 2>/dev/null | sort -u)',
    'echo "$found"',
    "T=$(echo \"$found\" | awk 'NF == 3 { print $3; exit }')",
    `[ -n "$T" ] && echo "BROKER-ANSWERED $(curl -s -o /dev/null -w '%{http_code}' --max-time 20 -X POST -H "authorization: Bearer $T" -H 'content-type: application/json' -H 'accept: application/json, text/event-stream' --data '${LIST_TOOLS}' ${brokerUrl})"`,
    "echo TOKEN-SEARCH-DONE",
  ].join("\n")

interface Worker {
  readonly url: string
  /** Its SECOND_WORKSPACES_DIR: every app's files and every runtime's home. */
  readonly workspaces: string
  readonly child: NodeProcess
}

let fake: FakeModel
let root: string
let worker: Worker
/** Codex runs its commands outside its own sandbox here, as where the container is the sandbox. */
let fullAccessWorker: Worker

async function startWorker(name: string, variables: Record<string, string> = {}): Promise<Worker> {
  const workspaces = join(root, name)
  mkdirSync(workspaces)
  const port = await freePort()
  const child = startNodeProcess("worker", {
    ...canaries,
    PORT: String(port),
    SECOND_WORKSPACES_DIR: workspaces,
    ANTHROPIC_BASE_URL: fake.url,
    OPENAI_BASE_URL: `${fake.url}/v1`,
    ANTHROPIC_API_KEY: FAKE_API_KEY,
    OPENAI_API_KEY: FAKE_API_KEY,
    SECOND_CODEX_APP_SERVER_WARM: "0",
    ...variables,
  })
  await child.waitFor((output) => output.includes("worker listening on"), `the ${name} to listen`, 60_000)
  return { url: `http://127.0.0.1:${port}`, workspaces, child }
}

beforeAll(async () => {
  fake = await startFakeModel()
  root = mkdtempSync(join(testHomesRoot(), "canary-"))
  // Where the embedded default keeps its secrets: beside the worker's workspaces.
  writeFileSync(join(root, "secrets.json"), JSON.stringify({ internalApiToken: fileCanary }), { mode: 0o600 })
  ;[worker, fullAccessWorker] = await Promise.all([
    startWorker("worker"),
    startWorker("worker-full-access", { SECOND_CODEX_SANDBOX: "danger-full-access" }),
  ])
}, 120_000)

afterAll(async () => {
  await Promise.all([worker?.child.stop(), fullAccessWorker?.child.stop()])
  await fake?.stop()
  if (root) rmSync(root, { recursive: true, force: true })
})

const secretValues = [...Object.values(canaries).map((value) => /CANARY[a-z]*[0-9a-f]{20}/.exec(value)![0]), cookieCanary, fileCanary]

/**
 * One turn of `runtime` in its own app, its model running `command` in the shell, sent with canary
 * cookies and headers; checks that no canary reached an event, the shell's output or a file, and
 * returns that output.
 */
async function shellTurn(on: Worker, appId: string, runtime: RuntimeId, command: string, done: string): Promise<string> {
  fake.script([{ kind: "shell", command, then: "Searched." }])
  const response = await fetch(`${on.url}/sessions/${appId}/messages`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${canaries.INTERNAL_API_TOKEN}`,
      cookie: `second_session=${cookieCanary}`,
      "x-forwarded-for": cookieCanary,
      "content-type": "application/json",
    },
    body: JSON.stringify({ prompt: "Look around", runtime, runId: appId, model: MODELS[runtime] }),
  })
  expect(response.status).toBe(200)
  // NOTE: the body ends only after the turn's scope has closed, which disarms the run's token.
  const events = await response.text()
  expect(events).toContain('"type":"turn.completed"')

  const toolOutput = (fake.scriptedRequests().at(-1)?.toolResults ?? []).join("\n")
  expect(toolOutput, "the search ran to the end").toContain(done)
  const everything = [events, toolOutput, ...filesUnder(on.workspaces, 5_000_000).flatMap(readIfStillThere)].join("\n")
  for (const secret of secretValues) expect(everything, `a canary (${secret.slice(0, 16)}…) leaked`).not.toContain(secret)
  return toolOutput
}

/** A turn whose shell looks for the run's token: each token it saw, and where ("env": the shell's own environment). */
async function tokenTurn(on: Worker, runtime: RuntimeId) {
  const output = await shellTurn(on, `token-${runtime}`, runtime, TOKEN_SEARCH(`${on.url}/mcp/second`), "TOKEN-SEARCH-DONE")
  const sightings = [...output.matchAll(/^TOKEN (\S+) ([a-z2-7]{24}\.[a-z2-7]{52})$/gm)].map(([, where, token]) => ({ where: where!, token: token! }))
  // Codex gives the token to its app-server alone: the commands it runs must not inherit it.
  expect(output, "SECOND_MCP_TOKEN in the shell's own environment").not.toContain("OWN-ENV-HAS-SECOND_MCP_TOKEN")
  expect(sightings.filter(({ where }) => where === "env"), "the token in the shell's own environment").toEqual([])
  return { output, sightings }
}

describe.each(["claude", "codex", "opencode"] as const)("a shell inside %s", (runtime) => {
  it("finds none of the worker's secrets, and none reaches an event or a file", async () => {
    await shellTurn(worker, `canary-${runtime}`, runtime, CANARY_SEARCH, "SEARCH-DONE")
  }, 120_000)
})

describe.each([
  { label: "claude", runtime: "claude", on: () => worker, heldAt: /^file:.*\/home\/\.second\/mcp\.json$/ },
  { label: "opencode", runtime: "opencode", on: () => worker, heldAt: /^file:.*\/home\/\.second\/opencode\.json$/ },
  // Outside Codex's sandbox its commands can read the environment of the processes it was given to.
  { label: "codex (SECOND_CODEX_SANDBOX=danger-full-access)", runtime: "codex", on: () => fullAccessWorker, heldAt: /^environ:(bwrap|node|codex)$/ },
] as const)("the run token and a shell inside $label", ({ runtime, on, heldAt }) => {
  it("finds the token only where the runtime holds it; it works in the turn and opens nothing after it", async () => {
    const target = on()
    const { output, sightings } = await tokenTurn(target, runtime)
    expect(sightings, `the shell found no run token:\n${output}`).not.toEqual([])
    for (const { where } of sightings) expect(where, "where the shell saw the token").toMatch(heldAt)
    expect(output, "the shell's call to the broker during the turn").toContain("BROKER-ANSWERED 200")

    for (const token of new Set(sightings.map(({ token }) => token))) {
      const headers = { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json, text/event-stream" }
      const broker = await fetch(`${target.url}/mcp/second`, { method: "POST", headers, body: LIST_TOOLS })
      expect(broker.status, "the broker after the turn").toBe(401)
      const status = await fetch(`${target.url}/sessions/token-${runtime}/status`, { headers })
      expect(status.status, "a worker route other than the broker").toBe(401)
    }
  }, 120_000)
})

describe("the run token and a shell inside codex (its own sandbox, the default)", () => {
  it("finds no token at all", async () => {
    // From Codex's sandbox the app-server's /proc entries are unreadable, and no file holds the token.
    const { output, sightings } = await tokenTurn(worker, "codex")
    expect(sightings, `Codex's sandboxed shell found the run token:\n${output}`).toEqual([])
  }, 120_000)
})
