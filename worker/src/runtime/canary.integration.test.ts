// Secrets never reach a runtime, whatever a shell inside it tries. A real worker process carries
// unique canary values for every secret the checklist names (internal token, MongoDB and Redis
// URLs, WorkOS key, OAuth and integration secrets), receives requests with canary cookies and
// headers, and keeps a canary secrets file beside its workspaces. The scripted model makes each
// real runtime search its environment, every process environment and command line it can see,
// and the filesystem. No canary may appear in what the shell found, in any event, or in any file.

import { randomBytes } from "node:crypto"
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { FAKE_API_KEY, testHomesRoot } from "#tests/fixtures/fake-model/cli-env.ts"
import { startFakeModel, type FakeModel } from "#tests/fixtures/fake-model/server.ts"
import { freePort } from "#tests/fixtures/free-port.ts"
import { startNodeProcess, type NodeProcess } from "#tests/fixtures/node-process.ts"

const canary = (label: string) => `CANARY${label}${randomBytes(16).toString("hex")}`
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

// Only canary-looking strings are printed, so the output stays short enough for every CLI.
const SEARCH = [
  "( env",
  "for f in /proc/[0-9]*/environ /proc/[0-9]*/cmdline; do tr '\\0' '\\n' < \"$f\"; done",
  "grep -rIh CANARY / --exclude-dir=proc --exclude-dir=sys --exclude-dir=usr --exclude-dir=lib --exclude-dir=lib64",
  ") 2>/dev/null | grep -o 'CANARY[a-z]*[0-9a-f]\\{20\\}' | sort -u; echo SEARCH-DONE",
].join("; ")

let fake: FakeModel
let worker: NodeProcess
let workerUrl: string
let root: string

beforeAll(async () => {
  fake = await startFakeModel()
  root = mkdtempSync(join(testHomesRoot(), "canary-"))
  // Where the embedded default keeps its secrets: beside the worker's workspaces.
  writeFileSync(join(root, "secrets.json"), JSON.stringify({ internalApiToken: fileCanary }), { mode: 0o600 })
  mkdirSync(join(root, "worker"))
  const port = await freePort()
  worker = startNodeProcess("worker", {
    ...canaries,
    INTERNAL_API_TOKEN: canaries.INTERNAL_API_TOKEN,
    PORT: String(port),
    SECOND_WORKSPACES_DIR: join(root, "worker"),
    ANTHROPIC_BASE_URL: fake.url,
    OPENAI_BASE_URL: `${fake.url}/v1`,
    ANTHROPIC_API_KEY: FAKE_API_KEY,
    OPENAI_API_KEY: FAKE_API_KEY,
    SECOND_CODEX_APP_SERVER_WARM: "0",
  })
  await worker.waitFor((output) => output.includes("worker listening on"), "the worker to listen", 60_000)
  workerUrl = `http://127.0.0.1:${port}`
}, 120_000)

afterAll(async () => {
  await worker?.stop()
  await fake?.stop()
  if (root) rmSync(root, { recursive: true, force: true })
})

/** Readable files below a directory. A runtime's background tools (npm's cache) may still be
 *  removing temporary files while we walk, so entries that vanish are skipped. */
function filesUnder(directory: string): string[] {
  let names: string[]
  try {
    names = readdirSync(directory)
  } catch {
    return []
  }
  return names.flatMap((name) => {
    const path = join(directory, name)
    const info = statSync(path, { throwIfNoEntry: false })
    if (!info) return []
    return info.isDirectory() ? filesUnder(path) : info.isFile() && info.size < 5_000_000 ? [path] : []
  })
}

function readIfStillThere(file: string): string[] {
  try {
    return [readFileSync(file, "latin1")]
  } catch {
    return []
  }
}

const secretValues = [...Object.values(canaries).map((value) => /CANARY[a-z]*[0-9a-f]{20}/.exec(value)![0]), cookieCanary, fileCanary]

describe.each(["claude", "codex", "opencode"] as const)("a shell inside %s", (runtime) => {
  it("finds none of the worker's secrets, and none reaches an event or a file", async () => {
    fake.script([{ kind: "shell", command: SEARCH, then: "Searched." }])
    const response = await fetch(`${workerUrl}/sessions/canary-${runtime}/messages`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${canaries.INTERNAL_API_TOKEN}`,
        cookie: `second_session=${cookieCanary}`,
        "x-forwarded-for": cookieCanary,
        "content-type": "application/json",
      },
      body: JSON.stringify({ prompt: "Look around", runtime, runId: `canary-${runtime}`, model: MODELS[runtime] }),
    })
    expect(response.status).toBe(200)
    const events = await response.text()
    expect(events).toContain('"type":"turn.completed"')

    const toolOutput = JSON.stringify(fake.scriptedRequests().at(-1)?.toolResults ?? [])
    expect(toolOutput, "the search ran to the end").toContain("SEARCH-DONE")
    const everything = [events, toolOutput, ...filesUnder(join(root, "worker")).flatMap(readIfStillThere)].join("\n")
    for (const secret of secretValues) expect(everything, `a canary (${secret.slice(0, 16)}…) leaked`).not.toContain(secret)
  }, 120_000)
})
