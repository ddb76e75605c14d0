// App agent runs under the faults of the production shape (tests/fixtures/second-cluster.ts: the
// web and the worker as separate processes on one Redis), with the real Claude Code against the
// fake model for the builder and the agent alike:
//   1. the worker killed mid agent-run (SIGKILL, its whole tree) while the agent had called no
//      tool yet, and back soon on the same address: the web's reaper notices the lost lease and
//      starts the run once more on the new worker, continuing the same stream after a visible
//      "worker_restarted" notice, and the run completes — within two leases and a few sweeps;
//   2. killed after the agent called a tool: not run again (it could repeat what the tool did),
//      failed as retryable worker_lost;
//   3. killed and still gone when the reaper starts the run again: failed as retryable
//      worker_unavailable, after the notice;
//   4. cancel from the app mid agent-run: the run ends as cancelled and no process of it is left
//      on the worker.
// The lease is 10 s (sweeps every 2.5 s) so that a worker back in a few seconds is always back
// before the reaper first acts (at least a lease after the lease expired).

import { readdirSync, readFileSync, readlinkSync } from "node:fs"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { agentRunSessionKey } from "#shared/runs/agent-runs.ts"
import { descendantsOf, isAlive } from "#worker/src/runtime/process/process-tree.ts"
import { eventually, eventuallyValue, within as withinTime } from "#tests/fixtures/eventually.ts"
import { forecastAppTurn } from "#tests/fixtures/forecast-app.ts"
import { FAKE_API_KEY } from "#tests/fixtures/fake-model/cli-env.ts"
import { startFakeModel, type FakeModel, type Step } from "#tests/fixtures/fake-model/server.ts"
import { HttpPerson } from "#tests/fixtures/http-person.ts"
import { startSecondCluster, type SecondCluster } from "#tests/fixtures/second-cluster.ts"
import { SseReader, type SseMessage } from "#tests/fixtures/sse-client.ts"
import { runSettled, trpcCall } from "#tests/fixtures/trpc-call.ts"

type RunEvent = { readonly type: string; readonly [field: string]: unknown }
type BuilderRun = { id: string; status: string; error: unknown }
type AgentRun = {
  id: string
  status: string
  attempts: number
  error: { code: string; retryable: boolean; message: string } | null
  transcript: { kind: string; [field: string]: unknown }[] | null
}

const LEASE_SECONDS = 10
const LEASE_MS = LEASE_SECONDS * 1_000
/** Lease missing (≤ one lease) and then missing for a whole lease, seen by sweeps a quarter lease apart. */
const REAP_WITHIN_MS = 2 * LEASE_MS + 2 * (LEASE_MS / 4)

let fake: FakeModel
let cluster: SecondCluster
let person: HttpPerson
let web: string
let workspaceId: string
let appId: string

const call = <T,>(kind: "query" | "mutation", procedure: string, input: unknown) => trpcCall<T>(person, web, kind, procedure, input)
const within = <T,>(promise: Promise<T>, ms: number, what: string) => withinTime(promise, ms, what, () => cluster.logs().slice(-20_000))

const getRun = (runId: string) => call<AgentRun>("query", "agentRuns.get", { workspaceId, runId })
const trigger = async (prompt: string) => (await call<{ runId: string; run: AgentRun }>("mutation", "agentRuns.trigger", { workspaceId, appId, agentId: "forecaster", prompt })).runId

/** Polls agentRuns.get (bounded) until the run is no longer queued or running. */
const agentRunSettled = (runId: string, timeoutMs: number) =>
  eventuallyValue(async () => {
    const run = await getRun(runId).catch(() => null)
    return run && run.status !== "queued" && run.status !== "running" ? run : null
  }, timeoutMs)

const parse = (message: SseMessage) => JSON.parse(message.data) as RunEvent
const isTerminal = (message: SseMessage) => message.event === "message" && parse(message).type === "turn.completed"

/** The run's whole stream, from its first event, once it has ended. */
async function wholeStream(runId: string): Promise<RunEvent[]> {
  const response = await fetch(`${web}/api/runs/${runId}/events`, { headers: { cookie: person.cookieHeader(), accept: "text/event-stream" } })
  expect(response.status).toBe(200)
  const messages = await new SseReader(response).collect(isTerminal)
  return messages.filter((message) => message.event === "message").map(parse)
}

/** Triggers the forecaster with `steps` scripted before a hang; resolves once the agent waits on the model. */
async function hangingRun(prompt: string, steps: readonly Step[] = []): Promise<string> {
  fake.clearScript()
  fake.script([...steps, { kind: "hang", text: "Looking into it" }])
  const before = fake.scriptedRequests().length
  const runId = await trigger(prompt)
  await within(
    fake.until(() => fake.scriptedRequests().length > before + steps.length && fake.openHangs() > 0, "the agent's request to the model"),
    65_000,
    "the agent to ask the model",
  )
  expect((await getRun(runId)).status).toBe("running")
  return runId
}

/** Index of the restart notice in the run's stream (-1 when none). */
const noticeIn = (events: readonly RunEvent[]) => events.findIndex((event) => event.type === "error" && event.code === "worker_restarted")

// ---------------------------------------------------------------- the run's processes on the worker

const readOr = (read: () => string) => {
  try {
    return read()
  } catch {
    return ""
  }
}

/** What a process says about itself: its command line, working directory and environment. */
const describeProcess = (pid: number) =>
  [
    readOr(() => readFileSync(`/proc/${pid}/cmdline`, "utf8")),
    readOr(() => readlinkSync(`/proc/${pid}/cwd`)),
    readOr(() => readFileSync(`/proc/${pid}/environ`, "utf8")),
  ].join("\0")

/** Live processes anywhere on the machine that name the run's directory (`agent-<runId>`). */
function processesNaming(runId: string): number[] {
  const key = agentRunSessionKey(runId)
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => pid !== process.pid && isAlive(pid) && describeProcess(pid).includes(key))
}

/** Waits (bounded) until none of `pids` is alive; says what each survivor is when some stay. */
async function expectAllGone(pids: readonly number[], what: string) {
  await eventually(() => pids.every((pid) => !isAlive(pid)), 10_000).catch(() => {
    const alive = pids.filter(isAlive).map((pid) => `${pid}: ${describeProcess(pid).replaceAll("\0", " ").slice(0, 400)}`)
    throw new Error(`processes of ${what} still alive 10 s on:\n${alive.join("\n")}`)
  })
}

const workerTree = () => descendantsOf(cluster.worker.process.child.pid!).filter(isAlive)

// ---------------------------------------------------------------- the cluster and the app

beforeAll(async () => {
  fake = await startFakeModel()
  cluster = await startSecondCluster({
    webs: 1,
    leaseSeconds: LEASE_SECONDS,
    workerEnv: { ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: FAKE_API_KEY },
  })
  web = cluster.webs[0]!.url
  person = await new HttpPerson(web).signIn("agent-faults@example.com")
  workspaceId = (await person.must<{ id: string }>("mutation", "workspaces.create", { name: "Agent faults" })).id

  // The builder writes the weather desk with its forecaster agent; the owner approves it live.
  fake.script(forecastAppTurn())
  const created = await call<{ app: { id: string }; run: BuilderRun }>("mutation", "apps.create", {
    workspaceId,
    prompt: "A weather desk with an agent that looks up forecasts",
    runtime: "claude",
  })
  appId = created.app.id
  const built = await runSettled<BuilderRun>(person, web, { workspaceId, appId }, created.run.id, 120_000)
  expect(built.status, JSON.stringify(built.error)).toBe("completed")
  const overview = await call<{ hash: string | null; problems: unknown[] }>("query", "agents.overview", { workspaceId, appId })
  expect(overview.problems).toEqual([])
  expect(overview.hash).toMatch(/^v1:/)
  const approved = await call<{ draftApproval: { mode: string } | null }>("mutation", "agents.approve", { workspaceId, appId, expectedHash: overview.hash })
  expect(approved.draftApproval).toMatchObject({ mode: "live" })
  fake.clearScript()
}, 240_000)

afterAll(async () => {
  await cluster?.stop()
  await fake?.stop()
}, 60_000)

// ---------------------------------------------------------------- the faults

describe("app agent runs under faults", () => {
  it("the worker killed mid-run (before any tool call) and back soon: the run is started once more on it and completes", { timeout: 180_000 }, async () => {
    const runId = await hangingRun("Forecast for Paris")
    // What the restarted run is answered: the fake's queue now holds only this.
    fake.script([{ kind: "text", text: "Paris will be sunny tomorrow." }])

    const firstAttempt = processesNaming(runId)
    expect(firstAttempt.length, "processes naming the run's directory").toBeGreaterThan(0)
    const killedAt = Date.now()
    await cluster.worker.kill("SIGKILL")
    // The same address and configuration, as a pod that came back.
    await cluster.worker.start()
    const workerBackMs = Date.now() - killedAt
    // Nothing of the first attempt outlived its worker (SIGKILL is delivered, not awaited: a bounded wait).
    await expectAllGone(firstAttempt, "the killed worker's run")

    const ended = await within(agentRunSettled(runId, REAP_WITHIN_MS + 60_000), REAP_WITHIN_MS + 65_000, "the agent run to end after the worker was killed")
    const endedMs = Date.now() - killedAt
    console.log(`killed, worker back: ${ended.status} (attempts ${ended.attempts}) ${endedMs} ms after the kill; the new worker listened after ${workerBackMs} ms`)

    expect(ended.status, JSON.stringify(ended.error)).toBe("completed")
    expect(ended.error).toBeNull()
    expect(ended.attempts).toBe(2)
    expect(ended.transcript).toContainEqual(expect.objectContaining({ kind: "text", text: "Paris will be sunny tomorrow." }))

    // One stream: the first attempt's start, the notice, the second attempt's answer, one end.
    const events = await wholeStream(runId)
    const notice = noticeIn(events)
    expect(notice, JSON.stringify(events)).toBeGreaterThan(0)
    expect(events[notice]).toMatchObject({ retryable: true })
    const textAfter = events.slice(notice + 1).flatMap((event) => (event.type === "text.delta" ? [String(event.text)] : [])).join("")
    expect(textAfter).toContain("Paris will be sunny tomorrow.")
    expect(events.at(-1)).toEqual({ type: "turn.completed", outcome: "completed" })
    expect(events.filter((event) => event.type === "turn.completed")).toHaveLength(1)
    // Nothing of it stays on the new worker.
    await eventually(() => processesNaming(runId).length === 0, 10_000)
  })

  it("the worker killed after the agent called a tool: the run is not run again but fails as retryable worker_lost", { timeout: 180_000 }, async () => {
    const runId = await hangingRun("Forecast for Rome", [
      { kind: "toolCalls", calls: [{ kind: "named", name: /insert_document/, input: { collection: "forecasts", data: { city: "Rome", forecast: "rain" } } }] },
    ])
    const killedRun = processesNaming(runId)
    const killedAt = Date.now()
    await cluster.worker.kill("SIGKILL")
    await cluster.worker.start()
    await expectAllGone(killedRun, "the killed worker's run")

    const ended = await within(agentRunSettled(runId, REAP_WITHIN_MS + 60_000), REAP_WITHIN_MS + 65_000, "the agent run to end after the worker was killed")
    console.log(`killed after a tool call: ${ended.status} (${ended.error?.code}) ${Date.now() - killedAt} ms after the kill`)
    expect(ended.status).toBe("failed")
    expect(ended.error).toMatchObject({ code: "worker_lost", retryable: true })
    expect(ended.error?.message).toContain("already called tools")
    expect(ended.attempts).toBe(1)
    const events = await wholeStream(runId)
    expect(noticeIn(events), "a restart notice").toBe(-1)
    expect(events.slice(-2)).toEqual([
      expect.objectContaining({ type: "error", code: "worker_lost", retryable: true }),
      { type: "turn.completed", outcome: "failed" },
    ])
  })

  it("the worker killed and still gone when the run would start again: failed as retryable worker_unavailable", { timeout: 180_000 }, async () => {
    const runId = await hangingRun("Forecast for Lima")
    const killedRun = processesNaming(runId)
    const killedAt = Date.now()
    await cluster.worker.kill("SIGKILL")
    try {
      await expectAllGone(killedRun, "the killed worker's run")
      const ended = await within(agentRunSettled(runId, REAP_WITHIN_MS + 60_000), REAP_WITHIN_MS + 65_000, "the agent run to end with no worker")
      console.log(`killed, no worker: ${ended.status} (${ended.error?.code}, attempts ${ended.attempts}) ${Date.now() - killedAt} ms after the kill`)
      expect(ended.status).toBe("failed")
      expect(ended.error).toMatchObject({ code: "worker_unavailable", retryable: true })
      expect(ended.attempts).toBe(2)
      const events = await wholeStream(runId)
      expect(noticeIn(events), JSON.stringify(events)).toBeGreaterThan(0)
      expect(events.slice(-2)).toEqual([
        expect.objectContaining({ type: "error", code: "worker_unavailable", retryable: true }),
        { type: "turn.completed", outcome: "failed" },
      ])
    } finally {
      await cluster.worker.start()
    }
  })

  it("cancel from the app mid-run ends it as cancelled with no process of it left on the worker", { timeout: 120_000 }, async () => {
    const before = new Set(workerTree())
    const runId = await hangingRun("Forecast for Oslo")
    // The run's processes: what the worker started since, and what names the run's directory.
    const tree = workerTree().filter((pid) => !before.has(pid))
    const naming = processesNaming(runId)
    expect(tree.length, "the run's processes under the worker").toBeGreaterThan(0)
    expect(naming.length, "processes naming the run's directory").toBeGreaterThan(0)

    const startedAt = Date.now()
    const answered = await call<AgentRun>("mutation", "agentRuns.cancel", { workspaceId, runId })
    const answeredMs = Date.now() - startedAt
    const leftAtAnswer = [...tree, ...naming].filter(isAlive)
    await within(
      eventually(() => [...tree, ...naming, ...processesNaming(runId)].every((pid) => !isAlive(pid)), 10_000),
      15_000,
      "every process of the cancelled run to end",
    )
    const goneMs = Date.now() - startedAt
    console.log(
      `cancel answered after ${answeredMs} ms (status ${answered.status}); ${leftAtAnswer.length} of the run's ${new Set([...tree, ...naming]).size} processes were still alive then; all gone ${goneMs} ms after the cancel`,
    )

    expect(answered.status).toBe("cancelled")
    const stored = await getRun(runId)
    expect(stored.status).toBe("cancelled")
    expect(stored.error).toBeNull()
    const events = await wholeStream(runId)
    expect(events.at(-1)).toEqual({ type: "turn.completed", outcome: "cancelled" })
    expect(events.filter((event) => event.type === "turn.completed")).toHaveLength(1)
    // The hang's connection was let go: the model is not still talking to a cancelled run.
    await within(fake.until(() => fake.openHangs() === 0, "the hang to be let go"), 15_000, "the model's connection to close")
  })
})
