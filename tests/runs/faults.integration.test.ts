// Builder runs survive the faults of the production shape (tests/fixtures/second-cluster.ts: one
// worker, two webs sharing Redis with AOF and one SQLite file), with the real Claude Code against
// the fake model streaming slowly so each run lasts seconds and emits many events:
//   1. a browser that loses its connection to one web and reconnects to the other with
//      Last-Event-ID gets every missed event exactly once, in order;
//   2. Redis restarting mid-run loses and repeats nothing for watchers on either web, and the run
//      completes;
//   3. the worker killed mid-run (SIGKILL, its whole tree) fails the run as retryable worker_lost
//      within moments, ending every watcher's stream; a new worker with an empty disk (a new
//      pod) takes the next message, restored from the last snapshot, with the conversation handed over;
//   4. the web that started a run killed mid-run does not stop it: the stream keeps growing, the
//      worker's report reaches the web once it is back, and reconnecting browsers catch up.

import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runs as runsCollection, apps as appsCollection } from "#app/store/collections.server.ts"
import { eventually, eventuallyValue, within as withinTime } from "#tests/fixtures/eventually.ts"
import { FAKE_API_KEY } from "#tests/fixtures/fake-model/cli-env.ts"
import { startFakeModel, type FakeModel } from "#tests/fixtures/fake-model/server.ts"
import { HttpPerson } from "#tests/fixtures/http-person.ts"
import { startSecondCluster, type ClusterWeb, type SecondCluster } from "#tests/fixtures/second-cluster.ts"
import { runSettled, trpcCall } from "#tests/fixtures/trpc-call.ts"
import { SseReader, type SseMessage } from "#tests/fixtures/sse-client.ts"

type RunEvent = { readonly type: string; readonly [field: string]: unknown }
type Run = { id: string; appId: string; status: string; error: { code: string; retryable: boolean; message: string } | null; transcript: unknown[]; prompt: string }
type Created = { app: { id: string; name: string }; run: Run }

let fake: FakeModel
let cluster: SecondCluster
let person: HttpPerson
let workspaceId: string
let webA: ClusterWeb
let webB: ClusterWeb

beforeAll(async () => {
  fake = await startFakeModel()
  cluster = await startSecondCluster({
    webs: 2,
    leaseSeconds: 3,
    workerEnv: { ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: FAKE_API_KEY },
  })
  ;[webA, webB] = cluster.webs as [ClusterWeb, ClusterWeb]
  person = await new HttpPerson(webA.url).signIn("faults@example.com")
  workspaceId = (await person.must<{ id: string }>("mutation", "workspaces.create", { name: "Faults" })).id
}, 180_000)

afterAll(async () => {
  await cluster?.stop()
  await fake?.stop()
}, 60_000)

// ---------------------------------------------------------------- talking to any web

/** tRPC over plain fetch with the person's cookie, on whichever web (the cookie works on every one). */
const call = <T>(base: string, kind: "query" | "mutation", procedure: string, input: unknown) => trpcCall<T>(person, base, kind, procedure, input)

const listRuns = async (base: string, appId: string) => (await call<{ runs: Run[] }>(base, "query", "runs.list", { workspaceId, appId })).runs

/** Waits (bounded) until the run is no longer running, asking `base`. */
const settled = (base: string, appId: string, runId: string, timeoutMs?: number) => runSettled<Run>(person, base, { workspaceId, appId }, runId, timeoutMs)

// ---------------------------------------------------------------- following a run like a browser

const parse = (message: SseMessage): RunEvent => JSON.parse(message.data) as RunEvent
const isData = (message: SseMessage) => message.event === "message"
const isTerminal = (message: SseMessage) => isData(message) && parse(message).type === "turn.completed"

interface Connection {
  readonly base: string
  readonly lastEventId: string | null
  /** "200 …", "204", "5xx", or "refused" (nobody listening). */
  outcome: string
  received: number
}

interface Follower {
  /** Every message with data, over every connection, in arrival order. */
  readonly messages: SseMessage[]
  readonly connections: Connection[]
  /** Resolves once the terminal event (or the server's end) arrived. */
  readonly done: Promise<void>
  events(): RunEvent[]
  /** Cuts the current connection (the network blipped); the follower reconnects by itself. */
  drop(): void
  /** Stops for good. */
  close(): void
}

interface FollowOptions {
  /** Which web each connection goes to (0 = the first connection). */
  readonly target: (attempt: number) => string
  /** Waited for before reconnecting (default 150 ms, as fast as a retrying EventSource). */
  readonly retryMs?: number
  /** Resolves when the follower may reconnect after a drop (default: at once, after retryMs). */
  readonly beforeReconnect?: () => Promise<void>
}

/**
 * An EventSource, in the test: sends Last-Event-ID on every reconnection, reconnects when the
 * connection breaks or ends early or nobody answers, and stops at turn.completed (or `end`, 204).
 * Unlike a real EventSource it also retries after a 5xx, but records it so tests can refuse one.
 */
function follow(runId: string, options: FollowOptions): Follower {
  const messages: SseMessage[] = []
  const connections: Connection[] = []
  let current: AbortController | null = null
  let closed = false
  const retryMs = options.retryMs ?? 150
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

  const run = async () => {
    let lastEventId: string | null = null
    for (let attempt = 0; !closed; attempt += 1) {
      if (attempt > 0) {
        await wait(retryMs)
        await options.beforeReconnect?.()
      }
      const base = options.target(attempt)
      const connection: Connection = { base, lastEventId, outcome: "pending", received: 0 }
      connections.push(connection)
      const controller = new AbortController()
      current = controller
      let response: Response
      try {
        response = await fetch(`${base}/api/runs/${runId}/events`, {
          headers: { cookie: person.cookieHeader(), accept: "text/event-stream", ...(lastEventId ? { "last-event-id": lastEventId } : {}) },
          signal: controller.signal,
        })
      } catch {
        connection.outcome = "refused"
        continue
      }
      if (response.status === 204) {
        connection.outcome = "204"
        return
      }
      if (response.status !== 200) {
        connection.outcome = String(response.status)
        await response.body?.cancel().catch(() => undefined)
        continue
      }
      connection.outcome = "200 open"
      const reader: SseReader = new SseReader(response, { lastEventId })
      try {
        for (let message = await reader.next(); message; message = await reader.next()) {
          messages.push(message)
          connection.received += 1
          if (isTerminal(message) || message.event === "end") {
            connection.outcome = "200 finished"
            await reader.close()
            return
          }
        }
        connection.outcome = "200 ended early"
      } catch {
        connection.outcome = "200 broken"
      }
      lastEventId = reader.lastEventId
    }
  }

  const done = run()
  return {
    messages,
    connections,
    done,
    events: () => messages.filter(isData).map(parse),
    drop: () => current?.abort(),
    close: () => {
      closed = true
      current?.abort()
    },
  }
}

/** Reads the whole run from its first event, on `base`, once it has ended. */
async function readWholeRun(base: string, runId: string): Promise<SseMessage[]> {
  const response = await fetch(`${base}/api/runs/${runId}/events`, { headers: { cookie: person.cookieHeader() } })
  expect(response.status).toBe(200)
  const reader = new SseReader(response)
  return reader.collect(isTerminal)
}

/** What a follower must have got: the whole run's data messages, exactly once each, in order. */
const asDelivered = (messages: readonly SseMessage[]) => messages.filter(isData).map((message) => ({ id: message.id, data: message.data }))

function expectExactlyOnce(follower: Follower, whole: readonly SseMessage[], what: string) {
  const context = `${what}: connections ${JSON.stringify(follower.connections)}`
  expect(follower.messages.filter((message) => !isData(message)), context).toEqual([])
  const delivered = asDelivered(follower.messages)
  const ids = delivered.map((message) => message.id)
  expect(new Set(ids).size, context).toBe(ids.length)
  expect(delivered, context).toEqual(asDelivered(whole))
}

/** `within`, with the cluster's recent logs when it times out. */
const within = <T,>(promise: Promise<T>, ms: number, what: string) => withinTime(promise, ms, what, () => cluster.logs().slice(-20_000))

const textDeltas = (follower: Follower) => follower.events().filter((event) => event.type === "text.delta").length

/** Many small chunks, `delayMs` apart: a run that lasts and emits one event per chunk. */
const slowReply = (chunks: number, delayMs: number, word = "step") => ({
  kind: "slowText" as const,
  chunks: Array.from({ length: chunks }, (_, index) => `${word} ${index + 1}. `),
  delayMs,
})

const createApp = (prompt: string) => call<Created>(webA.url, "mutation", "apps.create", { workspaceId, prompt, runtime: "claude" })

// ---------------------------------------------------------------- the faults

describe("builder runs under faults", () => {
  it("a browser that drops from one web and reconnects to the other gets every missed event once, in order", { timeout: 120_000 }, async () => {
    fake.script([slowReply(40, 100)])
    const created = await createApp("Count slowly to forty")
    const runId = created.run.id

    // Drop somewhere in the first third of the run: always before the end, never at a fixed place.
    const dropAt = 3 + Math.floor(Math.random() * 10)
    const witness = follow(runId, { target: () => webA.url })
    let droppedAfter = 0
    const browser = follow(runId, {
      target: (attempt) => (attempt === 0 ? webA.url : webB.url),
      // Reconnect only once the run has moved on, so there really is something to catch up on.
      beforeReconnect: () => eventually(() => witness.messages.length >= droppedAfter + 5, 30_000),
    })
    await within(eventually(() => browser.messages.length >= dropAt, 60_000), 65_000, `event ${dropAt} on web A`)
    droppedAfter = browser.messages.length
    browser.drop()

    await within(Promise.all([browser.done, witness.done]), 60_000, "both followers to reach the end")
    const whole = await readWholeRun(webB.url, runId)
    expect(parse(whole.at(-1)!)).toEqual({ type: "turn.completed", outcome: "completed" })
    expect(whole.length).toBeGreaterThan(40)

    expectExactlyOnce(browser, whole, `dropped after ${droppedAfter} (aimed at ${dropAt})`)
    expectExactlyOnce(witness, whole, "the witness on web A")
    // It read part of the run on A, then reconnected to B with the id of the last event it had.
    const [first, second] = browser.connections
    expect(first).toMatchObject({ base: webA.url, lastEventId: null, outcome: "200 broken" })
    expect(second).toMatchObject({ base: webB.url, lastEventId: browser.messages[droppedAfter - 1]!.id, outcome: "200 finished" })
    expect(browser.connections).toHaveLength(2)
    expect(second!.received).toBeGreaterThanOrEqual(5)

    expect((await settled(webB.url, created.app.id, runId)).status).toBe("completed")
  })

  it("Redis restarting mid-run loses and repeats nothing for watchers on either web, and the run completes", { timeout: 150_000 }, async () => {
    fake.script([slowReply(60, 100)])
    const created = await createApp("Count slowly to sixty")
    const runId = created.run.id

    const onA = follow(runId, { target: () => webA.url })
    const onB = follow(runId, { target: () => webB.url })
    // This one loses its connection while Redis is down and reconnects (to the other web) then.
    const blinking = follow(runId, { target: (attempt) => (attempt === 0 ? webA.url : webB.url) })
    await within(
      eventually(() => [onA, onB, blinking].every((follower) => textDeltas(follower) >= 5), 60_000),
      65_000,
      "every follower to see the run streaming",
    )

    // A crash, not a clean shutdown: with appendfsync always, nothing Redis acknowledged is lost.
    await cluster.redis.stop("SIGKILL")
    const beforeOutage = blinking.messages.length
    blinking.drop()
    await eventually(() => blinking.connections.length >= 2, 10_000)
    await cluster.redis.start()

    await within(Promise.all([onA.done, onB.done, blinking.done]), 90_000, "every follower to reach the end after the restart")
    const whole = await readWholeRun(webA.url, runId)
    expect(parse(whole.at(-1)!)).toEqual({ type: "turn.completed", outcome: "completed" })
    expect(asDelivered(whole).length).toBeGreaterThan(60)
    // The stream outlived the outage: events were written after it, by the same run.
    expect(asDelivered(whole).length).toBeGreaterThan(beforeOutage)

    expectExactlyOnce(onA, whole, "the watcher on web A")
    expectExactlyOnce(onB, whole, "the watcher on web B")
    expectExactlyOnce(blinking, whole, "the watcher that reconnected during the outage")
    expect(blinking.connections[1]).toMatchObject({ base: webB.url, lastEventId: blinking.messages[beforeOutage - 1]!.id })
    // No watcher was turned away (a real EventSource gives up on any answer but 200 and 204).
    for (const follower of [onA, onB, blinking]) {
      expect(follower.connections.map((connection) => connection.outcome).filter((outcome) => !outcome.startsWith("200"))).toEqual([])
    }

    const run = await settled(webB.url, created.app.id, runId)
    expect(run.status).toBe("completed")
    expect(run.error).toBeNull()
    expect(run.transcript).toContainEqual({ kind: "text", text: Array.from({ length: 60 }, (_, index) => `step ${index + 1}. `).join("") })
  })

  it("a Redis outage longer than the run's lease does not fail a run whose worker is alive", { timeout: 150_000 }, async () => {
    fake.script([slowReply(60, 100)])
    const created = await createApp("Count slowly through an outage")
    const runId = created.run.id
    const watcher = follow(runId, { target: () => webB.url })
    await within(eventually(() => textDeltas(watcher) >= 5, 60_000), 65_000, "the run to stream")

    // Down for longer than the 3 s lease: the lease key is gone when Redis comes back, until the
    // worker's next heartbeat. The reapers must not take that for a dead worker.
    await cluster.redis.stop("SIGKILL")
    await new Promise((resolve) => setTimeout(resolve, 5_000))
    await cluster.redis.start()

    await within(watcher.done, 90_000, "the watcher to reach the end")
    const run = await settled(webA.url, created.app.id, runId)
    expect(run.status).toBe("completed")
    expect(run.error).toBeNull()
  })

  it("a worker killed mid-run fails the run as retryable within seconds; a new worker resumes from the snapshot", { timeout: 240_000 }, async () => {
    fake.script([
      { kind: "shell", command: "printf 'PNG\\000\\001' > logo.png" },
      { kind: "writeFile", path: "notes.txt", content: "remember the milk", then: "Saved your note." },
    ])
    const created = await createApp("Keep a note: remember the milk")
    const appId = created.app.id
    expect((await settled(webA.url, appId, created.run.id)).status).toBe("completed")

    fake.script([slowReply(150, 100, "thinking")])
    const interrupted = await call<Run>(webA.url, "mutation", "runs.send", { workspaceId, appId, prompt: "Think about it at length" })
    const onA = follow(interrupted.id, { target: () => webA.url })
    const onB = follow(interrupted.id, { target: () => webB.url })
    await within(eventually(() => textDeltas(onA) >= 3 && textDeltas(onB) >= 3, 60_000), 65_000, "the run to stream on both webs")

    const killedAt = Date.now()
    await cluster.worker.kill("SIGKILL")
    const failed = await settled(webB.url, appId, interrupted.id, 60_000)
    const elapsedMs = Date.now() - killedAt
    expect(elapsedMs).toBeLessThan(60_000)
    // A 3 s lease, refreshed every 750 ms, swept every 750 ms: about 3–4 s.
    expect(elapsedMs).toBeLessThan(15_000)
    expect(failed.status).toBe("failed")
    expect(failed.error).toMatchObject({ code: "worker_lost", retryable: true })

    // Every watcher's stream ends: an error, then the failed end of the turn.
    await within(Promise.all([onA.done, onB.done]), 30_000, "the watchers' streams to end")
    for (const follower of [onA, onB]) {
      const events = follower.events()
      expect(events.slice(-2)).toEqual([
        expect.objectContaining({ type: "error", code: "worker_lost", retryable: true }),
        { type: "turn.completed", outcome: "failed" },
      ])
      expect(events.filter((event) => event.type === "turn.completed")).toHaveLength(1)
    }
    const whole = await readWholeRun(webA.url, interrupted.id)
    expectExactlyOnce(onA, whole, "the watcher on web A")
    expectExactlyOnce(onB, whole, "the watcher on web B")

    // A new pod: same address, empty disk. The next message starts a fresh session on it.
    await cluster.worker.start({ freshWorkspaces: true })
    const requestsBefore = fake.requests.length
    fake.script([{ kind: "shell", command: "cat notes.txt", then: "Your note says: remember the milk." }])
    const next = await call<Run>(webB.url, "mutation", "runs.send", { workspaceId, appId, prompt: "What does my note say?" })
    const answered = await settled(webB.url, appId, next.id)
    expect(answered.status, JSON.stringify(answered.error)).toBe("completed")
    expect(answered.transcript).toContainEqual({ kind: "text", text: "Your note says: remember the milk." })

    // The files written two runs ago are back, the binary one too (restored from the snapshot into
    // the new workspace)…
    const files = await call<{ source: string; files: Record<string, string> }>(webA.url, "query", "apps.files", { workspaceId, appId })
    // (Beside the template's files the app started from.)
    expect(files).toMatchObject({
      source: "worker",
      files: { "notes.txt": "remember the milk", "src/App.tsx": expect.any(String) },
      binaryFiles: { "logo.png": 5 },
      skipped: [],
      skippedCount: 0,
      liveProblem: null,
    })
    const afterRestart = fake.requests.slice(requestsBefore).filter((request) => request.scripted)
    // …the agent's own shell found it there…
    expect(afterRestart.some((request) => request.toolResults.some((result) => result.includes("remember the milk")))).toBe(true)
    // …and the prompt handed the conversation over, since the new worker never saw it.
    const prompt = afterRestart[0]?.lastUserText ?? ""
    expect(prompt).toContain("You are continuing a conversation")
    expect(prompt).toContain("User: Keep a note: remember the milk")
    expect(prompt).toContain("Saved your note.")
    expect(prompt).toContain("User: Think about it at length")
    expect(prompt).toMatch(/What does my note say\?\s*$/)
  })

  it("the web that started a run dying mid-run does not stop it; browsers catch up and the run completes", { timeout: 180_000 }, async () => {
    // The worker reports to web A (WEB_URL), which started the run and is killed.
    fake.script([slowReply(80, 100, "part")])
    const created = await createApp("Write eighty parts")
    const runId = created.run.id
    const appId = created.app.id

    const onB = follow(runId, { target: () => webB.url })
    // Stays with A: retries while it is down, and catches up once it is back.
    const loyal = follow(runId, { target: () => webA.url, retryMs: 250 })
    // Moves on to B as soon as A is gone.
    const switching = follow(runId, { target: (attempt) => (attempt === 0 ? webA.url : webB.url) })
    await within(
      eventually(() => [onB, loyal, switching].every((follower) => textDeltas(follower) >= 5), 60_000),
      65_000,
      "every follower to see the run streaming",
    )

    await webA.kill("SIGKILL")
    const seenAtKill = onB.messages.length
    // The run goes on without A: B's watcher sees it grow to its end while A is down.
    await within(onB.done, 60_000, "the watcher on web B to reach the end")
    await within(switching.done, 30_000, "the switching watcher to reach the end on web B")
    expect(onB.messages.length).toBeGreaterThan(seenAtKill + 5)
    expect(webA.running).toBe(false)
    // Meanwhile the loyal one knocks on A's door and finds nobody there.
    await eventually(() => loyal.connections.some((connection) => connection.outcome === "refused"), 10_000)
    const settledWhileDown = (await listRuns(webB.url, appId)).find((run) => run.id === runId)

    await webA.start()
    await within(loyal.done, 60_000, "the watcher that waited for web A to catch up")
    const whole = await readWholeRun(webA.url, runId)
    expect(parse(whole.at(-1)!)).toEqual({ type: "turn.completed", outcome: "completed" })
    expect(asDelivered(whole).length).toBeGreaterThan(80)
    expectExactlyOnce(onB, whole, "the watcher on web B")
    expectExactlyOnce(loyal, whole, "the watcher that stayed with web A")
    expectExactlyOnce(switching, whole, "the watcher that moved to web B")
    expect(loyal.connections.at(-1)).toMatchObject({ base: webA.url, outcome: "200 finished" })

    const run = await settled(webA.url, appId, runId, 90_000)
    expect(run.status).toBe("completed")
    expect(run.error).toBeNull()
    // Settled by the worker's own report (only it carries the session id), which it kept
    // retrying until A answered; the reaper on B left it alone while the worker held the lease.
    expect(settledWhileDown?.status).toBe("running")
    const store = await cluster.openStore()
    try {
      // The run's status changes first; the app is released (with the session) after the snapshot.
      const app = await eventuallyValue(async () => {
        const found = await store.collection(appsCollection).findOne({ id: appId })
        return found && found.activeRunId === null ? found : null
      }, 30_000)
      expect(app.runtimeSessions.claude?.throughRunId).toBe(runId)
      expect((await store.collection(runsCollection).findOne({ id: runId }))?.status).toBe("completed")
    } finally {
      await store.close()
    }
  })
})
