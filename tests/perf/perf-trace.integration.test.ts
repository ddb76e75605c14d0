// SECOND_PERF_TRACE=1 on a whole Second (the built embedded process, Claude Code against the
// scripted fake model): a scripted session (sign in, create a workspace and an app whose first turn
// writes source, names the app and builds it, follow the run's stream, load pages, and calls
// carrying a cookie, a bearer token and a header the server does not know) leaves one request line
// per request and a line per phase of the turn, and nothing of the prompt, the source, the
// cookies, the tokens, the internal token or the secret key anywhere in the process's output.
// Needs the build (`npm run build`).

import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { canary } from "#tests/fixtures/canary-search.ts"
import { eventually } from "#tests/fixtures/eventually.ts"
import { FAKE_API_KEY } from "#tests/fixtures/fake-model/cli-env.ts"
import { startFakeModel, type FakeModel } from "#tests/fixtures/fake-model/server.ts"
import { HttpPerson } from "#tests/fixtures/http-person.ts"
import { notesAppFirstTurn, writeFiles } from "#tests/fixtures/notes-app.ts"
import { startSecond, type SecondServer } from "#tests/fixtures/second-server.ts"
import { followRun } from "#tests/fixtures/sse-client.ts"

const CANARIES = {
  prompt: canary("prompt"),
  source: canary("source"),
  cookie: canary("cookie"),
  header: canary("header"),
  apiToken: canary("apitoken"),
  urlToken: canary("urltoken"),
  internalToken: canary("internal"),
  secretKey: canary("secretkey"),
}

type Line = Record<string, unknown>

let fake: FakeModel
let second: SecondServer
let owner: HttpPerson

beforeAll(async () => {
  fake = await startFakeModel()
  second = await startSecond({
    ANTHROPIC_BASE_URL: fake.url,
    ANTHROPIC_API_KEY: FAKE_API_KEY,
    SECOND_PERF_TRACE: "1",
    INTERNAL_API_TOKEN: CANARIES.internalToken,
    SECOND_TOKEN_ENCRYPTION_KEY: CANARIES.secretKey,
  })
  owner = await new HttpPerson(second.url).signIn("owner@example.com", "Olive Owner")
}, 120_000)

afterAll(async () => {
  await second?.stop()
  await fake?.stop()
})

const perfLines = (output: string): Line[] =>
  output
    .split("\n")
    .filter((line) => line.startsWith('{"perf":'))
    .map((line) => JSON.parse(line) as Line)

describe("the perf trace of a scripted session", () => {
  it("has a line per request and per turn phase, and none of the session's secrets", { timeout: 180_000 }, async () => {
    const workspaceId = (await owner.must<{ id: string }>("mutation", "workspaces.create", { name: "Perf" })).id
    fake.script([
      { kind: "shell", command: writeFiles({ "src/canary.ts": `export const CANARY = "${CANARIES.source}"\n` }) },
      ...notesAppFirstTurn("Done."),
    ])
    const created = await owner.must<{ app: { id: string }; run: { id: string } }>("mutation", "apps.create", {
      workspaceId,
      prompt: `Build a notes app ${CANARIES.prompt}`,
      runtime: "claude",
    })
    await followRun(owner, created.run.id)

    // A page, a batched query, and requests carrying what must never be written: an unknown
    // cookie, a bearer token, a header, a token in the URL.
    expect((await owner.request(`/w/${workspaceId}/apps/${created.app.id}?token=${CANARIES.urlToken}`)).status).toBeLessThan(500)
    const batch = await owner.request(`/api/trpc/apps.list,runs.list?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { workspaceId }, 1: { workspaceId, appId: created.app.id } }))}`)
    expect(batch.status).toBe(200)
    const strangers = await fetch(`${second.url}/api/trpc/apps.list?input=${encodeURIComponent(JSON.stringify({ workspaceId }))}`, {
      headers: { cookie: `second_session=${CANARIES.cookie}`, authorization: `Bearer sec_${CANARIES.apiToken}`, "x-note": CANARIES.header },
    })
    expect(strangers.status).toBeGreaterThanOrEqual(400)

    // The run settles after its stream ends (the report to the web): its last line follows.
    await eventually(() => perfLines(second.process.output()).some((line) => line["perf"] === "turn" && line["phase"] === "settled"), 30_000)
    const output = second.process.output()

    const sessionCookie = owner.cookieHeader().split("; ").map((pair) => pair.split("=").slice(1).join("="))
    for (const [name, value] of Object.entries({ ...CANARIES, sessionCookie: sessionCookie.join("") })) {
      expect(output.includes(value), `${name} appears in the output`).toBe(false)
    }
    for (const value of sessionCookie) expect(output.includes(value), "a session cookie value appears in the output").toBe(false)

    const lines = perfLines(output)
    const requests = lines.filter((line) => line["perf"] === "request")
    for (const line of requests) {
      expect(line).toMatchObject({ requestId: expect.any(String), method: expect.any(String), route: expect.any(String), status: expect.any(Number) })
      for (const field of ["elapsedMs", "bytesOut", "cpuUserMs", "cpuSystemMs", "rssBytes", "heapUsedBytes"]) expect(typeof line[field], field).toBe("number")
    }
    expect(new Set(requests.map((line) => line["requestId"])).size).toBe(requests.length)
    expect(requests).toContainEqual(expect.objectContaining({ route: "trpc", procedures: ["apps.create"], batchSize: 1, method: "POST", status: 200 }))
    expect(requests).toContainEqual(expect.objectContaining({ route: "trpc", procedures: ["apps.list", "runs.list"], batchSize: 2, status: 200 }))
    expect(requests).toContainEqual(expect.objectContaining({ route: "routes/api.runs.$runId.events", method: "GET", status: 200 }))
    expect(requests.some((line) => String(line["route"]).startsWith("routes/") && line["method"] === "GET")).toBe(true)

    const turn = lines.filter((line) => line["perf"] === "turn" && line["runId"] === created.run.id)
    expect(turn.map((line) => line["phase"])).toEqual(["session_started", "first_model_event", "build", "turn_completed", "settled"])
    for (const line of turn) {
      expect(line["runtime"]).toBe("claude")
      for (const field of ["elapsedMs", "sinceStartMs", "events", "toolCalls", "cpuUserMs", "rssBytes", "heapUsedBytes"]) expect(typeof line[field], field).toBe("number")
    }
    expect(turn.find((line) => line["phase"] === "turn_completed")).toMatchObject({ outcome: "completed", toolCalls: expect.any(Number), builds: 1 })
    expect(Number(turn.find((line) => line["phase"] === "turn_completed")?.["toolCalls"])).toBeGreaterThanOrEqual(3)
  })
})
