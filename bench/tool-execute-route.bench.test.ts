// What the web adds to an app agent's tool call on the path the worker's broker takes: POST
// /api/internal/tool-execute under INTERNAL_API_TOKEN with an agent run's claims (the web re-checks
// the run, finds the tool in the approved agents.json, checks the input, calls the provider through
// the egress guard, audits the call) against a bare node:https request to the same provider path
// (same TLS, a fresh connection each), both measured in this run, alternating. Then 50 of those
// POSTs at once, which must all succeed. Prints p50/p95 of each, the p50 overhead and the ratio
// (goal: p50 overhead ≤ 15 ms). Asserts no timing: machines vary.
//
// Everything is real: Second (the built embedded process) with the real Claude Code against the
// scripted fake model writes the weather desk and its agents.json; the owner approves it; the
// forecaster is triggered and kept running by a model request that hangs, so its claims stay good.
// BENCH_CALLS sets the calls per side (default 200).

import { randomBytes } from "node:crypto"
import { afterAll, beforeAll, expect, it } from "vitest"
import type { ToolExecuteRequest } from "#shared/mcp/tool-execute.ts"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { eventuallyValue } from "#tests/fixtures/eventually.ts"
import { startFakeHttpsProvider, type FakeHttpsProvider } from "#tests/fixtures/fake-https-provider.ts"
import { FAKE_API_KEY } from "#tests/fixtures/fake-model/cli-env.ts"
import { startFakeModel, type FakeModel } from "#tests/fixtures/fake-model/server.ts"
import { FORECAST_PATH, forecastAppTurn, serveForecasts } from "#tests/fixtures/forecast-app.ts"
import { HttpPerson } from "#tests/fixtures/http-person.ts"
import { startSecond, type SecondServer } from "#tests/fixtures/second-server.ts"
import { runSettled } from "#tests/fixtures/trpc-call.ts"
import { directProviderRequest } from "./provider-timing.ts"
import { alternately, overheadLines } from "./timing.ts"

const CALLS = Number(process.env["BENCH_CALLS"] ?? 200)
const CONCURRENT = 50
const WARM_UP = 20
const GOAL_MS = 15
const internalToken = randomBytes(32).toString("hex")
/** Marks the baseline's requests, so the provider's record tells them from the web's. */
const DIRECT_HEADER = "x-bench-direct"

type AgentRun = { id: string; status: string; runtime: RuntimeId }

let provider: FakeHttpsProvider
let fake: FakeModel
let server: SecondServer
let person: HttpPerson
let workspaceId: string
let appId: string
let agentRun: AgentRun | undefined
let direct: () => Promise<unknown>

beforeAll(async () => {
  provider = await startFakeHttpsProvider()
  serveForecasts(provider)
  direct = directProviderRequest(provider, `${FORECAST_PATH}?city=Paris`, { [DIRECT_HEADER]: "1" })
  fake = await startFakeModel()
  server = await startSecond({ ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: FAKE_API_KEY, ...provider.env(), INTERNAL_API_TOKEN: internalToken })
  person = await new HttpPerson(server.url).signIn("bench-tools@example.com")
  workspaceId = (await person.must<{ id: string }>("mutation", "workspaces.create", { name: "Tool bench" })).id

  // The builder writes the weather desk and its forecaster; the owner approves it for live calls.
  fake.script(forecastAppTurn())
  const created = await person.must<{ app: { id: string }; run: { id: string } }>("mutation", "apps.create", {
    workspaceId,
    prompt: "A weather desk with an agent that looks up forecasts",
    runtime: "claude",
  })
  appId = created.app.id
  const built = await runSettled<{ id: string; status: string; error: unknown }>(person, server.url, { workspaceId, appId }, created.run.id, 90_000)
  expect(built.status, JSON.stringify(built.error)).toBe("completed")
  const overview = await person.must<{ hash: string | null; problems: unknown[] }>("query", "agents.overview", { workspaceId, appId })
  expect(overview.problems).toEqual([])
  await person.must("mutation", "agents.approve", { workspaceId, appId, expectedHash: overview.hash })

  // The forecaster's first request to the model hangs: its run stays running, and its claims valid.
  fake.clearScript()
  fake.script([{ kind: "hang", text: "Looking up the forecast" }])
  const { runId } = await person.must<{ runId: string }>("mutation", "agentRuns.trigger", { workspaceId, appId, agentId: "forecaster", prompt: "Forecast for Paris" })
  await fake.until(() => fake.openHangs() > 0, "the forecaster's request to the model", 60_000)
  agentRun = await eventuallyValue(async () => {
    const run = await person.must<AgentRun>("query", "agentRuns.get", { workspaceId, runId })
    return run.status === "running" ? run : null
  }, 10_000)
}, 150_000)

afterAll(async () => {
  // The hanging run, if the test did not get to stop it: the processes go with the server anyway.
  if (agentRun) await person.must("mutation", "agentRuns.cancel", { workspaceId, runId: agentRun.id }).catch(() => undefined)
  await server?.stop()
  await fake?.stop()
  await provider?.close()
}, 30_000)

/** One tool call as the worker's broker makes it (worker/src/mcp/ask-web.ts), with the hanging run's claims. */
function postToolCall(run: AgentRun): Promise<Response> {
  const call: ToolExecuteRequest = {
    claims: { workspaceId, appId, runId: run.id, runtime: run.runtime, agentId: "forecaster" },
    toolSet: "app_tools",
    tool: "get_forecast",
    input: { city: "Paris" },
  }
  return fetch(new URL("/api/internal/tool-execute", server.url), {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${internalToken}` },
    body: JSON.stringify(call),
  })
}

/** The call's result, or a failure saying what the web answered. */
async function viaWeb(): Promise<unknown> {
  const response = await postToolCall(agentRun!)
  const text = await response.text()
  if (response.status !== 200) throw new Error(`tool-execute answered ${response.status}: ${text}`)
  return (JSON.parse(text) as { result: unknown }).result
}

it(`an agent's tool call through the web's tool-execute route against a direct HTTPS request (${CALLS} calls each, then ${CONCURRENT} at once)`, { timeout: 60_000 }, async () => {
  // The route really reached the provider live (not mock data, not a refusal).
  expect(await viaWeb()).toEqual({ mock: false, mockReason: null, status: 200, body: { city: "Paris", forecast: "sunny" } })
  expect(await direct()).toEqual({ city: "Paris", forecast: "sunny" })

  const times = await alternately(CALLS, WARM_UP, viaWeb, direct)

  const started = performance.now()
  const settled = await Promise.allSettled(Array.from({ length: CONCURRENT }, viaWeb))
  const concurrentMs = performance.now() - started
  const failures = settled.flatMap((outcome) => (outcome.status === "rejected" ? [String(outcome.reason)] : []))

  console.log(
    [
      `Agent tool call, worker → web → provider (${CALLS} calls each, alternating, fresh TLS connection to the provider each):`,
      ...overheadLines({ measured: ["POST /api/internal/tool-execute", times.measured], baseline: ["direct node:https request", times.baseline] }, GOAL_MS),
      `${CONCURRENT} concurrent tool-execute calls: ${CONCURRENT - failures.length} succeeded in ${concurrentMs.toFixed(0)} ms`,
    ].join("\n"),
  )
  expect(times.measured).toHaveLength(CALLS)
  expect(failures).toEqual([])
  for (const outcome of settled) expect(outcome).toMatchObject({ status: "fulfilled", value: { mock: false, status: 200, body: { city: "Paris" } } })
  // Every call through the web made exactly one request to the provider.
  const fromWeb = provider.requests.filter((request) => request.path.startsWith(FORECAST_PATH) && request.headers[DIRECT_HEADER] === undefined)
  expect(fromWeb).toHaveLength(1 + WARM_UP + CALLS + CONCURRENT)

  // The run is stopped as a person would; its claims no longer call anything.
  const run = agentRun!
  const cancelled = await person.must<{ status: string }>("mutation", "agentRuns.cancel", { workspaceId, runId: run.id })
  agentRun = undefined
  expect(cancelled.status).toBe("cancelled")
  const after = await postToolCall(run)
  expect(after.status).toBe(403)
  expect(await after.json()).toMatchObject({ error: { code: "claims_rejected" } })
})
