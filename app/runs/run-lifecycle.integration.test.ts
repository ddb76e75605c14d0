// A run's life on the web tier, in-process (real SQLite file, in-process live port, a worker
// client that records what it is asked): the claim under a burst of sends, a claim left behind
// by an interrupted settle, and the reaper's three cases — a worker still heartbeating, a turn
// whose end report was lost, and a worker that died; and a long conversation listed a page at a time.

import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { newId } from "#shared/ids.ts"
import { createMemoryLive } from "#shared/live/memory-live.server.ts"
import { STREAM_START } from "#shared/live/live.server.ts"
import { decodeRunStreamRecord, encodeRunStreamRecord, runLeaseKey, runStreamKey, type RunStreamEvent } from "#shared/runs/run-stream.ts"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import { appDocument } from "#tests/fixtures/app-document.ts"
import { completedRun } from "#tests/fixtures/run-documents.ts"
import { AppError } from "../errors.server.ts"
import type { WebServices } from "../services.server.ts"
import { allCollections, apps, runs } from "../store/collections.server.ts"
import { openSqliteStore } from "../store/sqlite-store.server.ts"
import type { WorkerClient } from "../worker-client/worker-client.server.ts"
import type { WorkspaceScope } from "../workspaces/scope.server.ts"
import { completeRun } from "./run-completion.server.ts"
import { reapRun } from "./run-reaper.server.ts"
import { HANDOFF_TURNS } from "./conversation-handoff.server.ts"
import { RUNS_PAGE } from "./run-pages.ts"
import { listRuns, sendMessage, stopRun } from "./runs.server.ts"

const LEASE_MS = 200
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

function createWorld() {
  const dir = mkdtempSync(join(tmpdir(), "second-runs-"))
  const store = openSqliteStore({ file: join(dir, "second.db"), collections: allCollections })
  const live = createMemoryLive()
  const started: string[] = []
  const prompts: string[] = []
  const worker: WorkerClient = {
    health: async () => "ok",
    runtimes: async () => [],
    startRun: async (_appId, request) => {
      started.push(request.runId)
      // What a runtime without a session of its own is given.
      prompts.push(request.handoffPrompt ?? request.prompt)
      return { started: true }
    },
    status: async () => ({ exists: false, busy: false, runtime: null, nativeSessionId: null, lastActiveAt: null, hasSource: true }),
    cancel: async () => ({ cancelled: false }),
    files: async () => ({ files: {}, binaryFiles: {}, skipped: [], skippedCount: 0 }),
    destroy: async () => undefined,
    startAgentRun: async () => ({ started: true }),
    cancelAgentRun: async () => ({ cancelled: false }),
  }
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined }
  const services = { store, live, worker, log: quiet, config: { runLeaseMs: LEASE_MS } } as unknown as WebServices
  cleanups.push(async () => {
    await live.close()
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const userId = newId()
  const workspaceId = newId()
  const scope = { user: { id: userId }, workspace: { id: workspaceId }, membership: { role: "member" } } as unknown as WorkspaceScope
  const at = new Date().toISOString()
  const app = appDocument({ workspaceId, createdByUserId: userId, createdAt: at })
  return { services, scope, app, started, prompts, store, live }
}

const events = async (live: ReturnType<typeof createMemoryLive>, runId: string): Promise<RunStreamEvent[]> =>
  (await live.read(runStreamKey(runId), { after: STREAM_START, limit: 100 })).map((entry) => decodeRunStreamRecord(entry.data).event)

describe("claiming an app for a turn", () => {
  it("lets exactly one of many concurrent sends start a turn; the others are told the agent is busy", async () => {
    const { services, scope, app, started, store } = createWorld()
    await store.collection(apps).insert(app)
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => sendMessage(services, scope, app.id, { prompt: "Go" })))
    const fulfilled = outcomes.filter((outcome) => outcome.status === "fulfilled")
    expect(fulfilled).toHaveLength(1)
    for (const outcome of outcomes.filter((candidate) => candidate.status === "rejected")) {
      expect(outcome.reason).toBeInstanceOf(AppError)
      expect((outcome.reason as AppError).code).toBe("CONFLICT")
    }
    expect(started).toHaveLength(1)
    expect(await store.collection(runs).count({ appId: app.id })).toBe(1)
    expect((await store.collection(apps).findOne({ id: app.id }))?.activeRunId).toBe(started[0])
  })

  it("takes over a claim whose run ended long ago, instead of staying busy forever, but not one still being settled", async () => {
    const { services, scope, app, started, store } = createWorld()
    const longAgo = new Date(Date.now() - 5 * 60_000).toISOString()
    const ended = completedRun(app, { prompt: "Earlier", createdAt: longAgo, endedAt: new Date().toISOString() })
    await store.collection(apps).insert({ ...app, activeRunId: ended.id })
    await store.collection(runs).insert(ended)
    // Just ended: its settling (the source snapshot) may still be under way, so the app is busy.
    await expect(sendMessage(services, scope, app.id, { prompt: "Too soon" })).rejects.toMatchObject({ code: "CONFLICT" })
    await store.collection(runs).updateOne({ id: ended.id }, { endedAt: longAgo })
    const run = await sendMessage(services, scope, app.id, { prompt: "Next" })
    expect(run.status).toBe("running")
    expect(started).toEqual([run.id])
  })
})

/** A world with one app whose first message is running (the worker client only records it). */
async function runningRun() {
  const setup = createWorld()
  await setup.store.collection(apps).insert(setup.app)
  const view = await sendMessage(setup.services, setup.scope, setup.app.id, { prompt: "Go" })
  const run = (await setup.store.collection(runs).findOne({ id: view.id }))!
  return { ...setup, run }
}

/** Appends to a run's stream as its worker would. */
async function append(live: ReturnType<typeof createMemoryLive>, runId: string, list: readonly RunEvent[]) {
  let prev = (await live.streamInfo(runStreamKey(runId))).lastId
  for (const event of list) prev = await live.append(runStreamKey(runId), encodeRunStreamRecord({ prev, event }), { maxLength: 100, expectedLastId: prev })
}

describe("the reaper", () => {
  /** Sweeps until the reaper acts or `times` sweeps, a little over a lease apart, have passed. */
  const sweep = async (services: WebServices, runId: string, store: WebServices["store"], times = 3) => {
    for (let attempt = 0; attempt < times; attempt += 1) {
      const run = (await store.collection(runs).findOne({ id: runId }))!
      if (await reapRun(services, run)) return true
      await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 20))
    }
    return false
  }

  it("leaves a run alone while its worker heartbeats", async () => {
    const { services, run, live, store } = await runningRun()
    const heartbeat = setInterval(() => void live.setKey(runLeaseKey(run.id), "worker", { ttlMs: LEASE_MS }), LEASE_MS / 4)
    try {
      expect(await sweep(services, run.id, store)).toBe(false)
    } finally {
      clearInterval(heartbeat)
    }
    expect((await store.collection(runs).findOne({ id: run.id }))?.status).toBe("running")
  })

  it("settles from the stream a turn that ended but whose report never arrived", async () => {
    const { services, run, live, store, app } = await runningRun()
    await append(live, run.id, [
      { type: "text.delta", text: "Done." },
      { type: "turn.completed", outcome: "completed" },
    ])
    expect(await sweep(services, run.id, store)).toBe(true)
    const settled = await store.collection(runs).findOne({ id: run.id })
    expect(settled).toMatchObject({ status: "completed", error: null, transcript: [{ kind: "text", text: "Done." }] })
    expect((await store.collection(apps).findOne({ id: app.id }))?.activeRunId).toBeNull()
    // Nothing was appended after the worker's own terminal event but the settle.
    expect((await events(live, run.id)).slice(-2)).toEqual([
      { type: "turn.completed", outcome: "completed" },
      { type: "run.settled", status: "completed" },
    ])
    expect((await events(live, run.id)).filter((event) => event.type === "turn.completed")).toHaveLength(1)
  })

  it("stores a tool call its dead worker left running as failed, not running", async () => {
    const { services, run, live, store } = await runningRun()
    await append(live, run.id, [{ type: "tool.started", callId: "c1", name: "Bash", input: { command: "npm test" } }])
    expect(await sweep(services, run.id, store)).toBe(true)
    const failed = await store.collection(runs).findOne({ id: run.id })
    expect(failed?.transcript[0]).toMatchObject({ kind: "tool", callId: "c1", output: null, cutShort: "failed" })
  })

  it("fails a run whose worker died as retryable, and ends its stream for everyone watching", async () => {
    const { services, run, live, store, app } = await runningRun()
    await append(live, run.id, [{ type: "text.delta", text: "Half" }])
    expect(await sweep(services, run.id, store)).toBe(true)
    const failed = await store.collection(runs).findOne({ id: run.id })
    expect(failed).toMatchObject({ status: "failed", error: { code: "worker_lost", retryable: true } })
    expect((await events(live, run.id)).slice(-3).map((event) => event.type)).toEqual(["error", "turn.completed", "run.settled"])
    expect((await store.collection(apps).findOne({ id: app.id }))?.activeRunId).toBeNull()
    // A second reaper (another web process) finds nothing left to do.
    expect(await reapRun(services, failed!)).toBe(false)
  })
})

describe("stopping a run its worker does not confirm stopping", () => {
  it("stores the tool call it was running as stopped, and ends the stream with the turn's end and the settle", async () => {
    const { services, scope, run, live, store } = await runningRun()
    await append(live, run.id, [{ type: "tool.started", callId: "c1", name: "Bash", input: { command: "sleep 600" } }])
    expect((await stopRun(services, scope, run.id)).status).toBe("stopped")
    const stopped = await store.collection(runs).findOne({ id: run.id })
    expect(stopped?.transcript).toEqual([
      { kind: "tool", callId: "c1", name: "Bash", input: { command: "sleep 600" }, inputText: "", output: null, isError: false, cutShort: "stopped" },
    ])
    expect((await events(live, run.id)).slice(-2)).toEqual([
      { type: "turn.completed", outcome: "cancelled" },
      { type: "run.settled", status: "stopped" },
    ])
  })
})

describe("the worker's end-of-turn report", () => {
  it("settles the run, and ends its stream for watchers only when the worker could not", async () => {
    const ended = await runningRun()
    await append(ended.live, ended.run.id, [{ type: "text.delta", text: "Done" }, { type: "turn.completed", outcome: "completed" }])
    const report = { appId: ended.app.id, runtime: "claude" as const, nativeSessionId: null, transcript: [] }
    expect(await completeRun(ended.services, ended.run.id, { ...report, outcome: "completed", error: null })).toBe("settled")
    expect((await events(ended.live, ended.run.id)).map((event) => event.type)).toEqual(["text.delta", "turn.completed", "run.settled"])

    // The worker's store went away mid-turn: its report arrives, its stream has no end.
    const cut = await runningRun()
    await append(cut.live, cut.run.id, [{ type: "text.delta", text: "Half" }])
    const error = { message: "The run's live stream could not be written.", code: "run_stream_unavailable", retryable: true }
    expect(await completeRun(cut.services, cut.run.id, { ...report, appId: cut.app.id, outcome: "failed", error })).toBe("settled")
    expect(await cut.store.collection(runs).findOne({ id: cut.run.id })).toMatchObject({ status: "failed", error })
    expect((await events(cut.live, cut.run.id)).slice(1)).toEqual([
      { type: "error", ...error },
      { type: "turn.completed", outcome: "failed" },
      { type: "run.settled", status: "failed" },
    ])
  })
})

/** Stores `count` finished runs of the app, oldest first: "message 1" … (`perSecond` of them created in each second). */
async function storeConversation(world: ReturnType<typeof createWorld>, count: number, perSecond = 1): Promise<string[]> {
  const { store, app } = world
  const start = Date.parse("2026-01-01T00:00:00.000Z")
  const prompts = Array.from({ length: count }, (_, index) => `message ${index + 1}`)
  // Inserted out of order: the conversation is ordered by when each run was created, not stored.
  for (const index of [...prompts.keys()].reverse()) {
    const at = new Date(start + Math.floor(index / perSecond) * 1_000).toISOString()
    await store.collection(runs).insert(completedRun(app, { prompt: prompts[index]!, answer: `answer ${index + 1}`, createdAt: at }))
  }
  return prompts
}
describe("handing the conversation over", () => {
  it("resumes the runtime's session when it saw the last run, even when two runs share a millisecond", async () => {
    const conversation = createWorld()
    const { services, scope, app, store, prompts } = conversation
    const at = "2026-01-01T00:00:00.000Z"
    // The conversation's order breaks ties by id: "z…" came after "0…", and the runtime saw it.
    const earlier = { ...completedRun(app, { prompt: "First", answer: "one", createdAt: at }), id: "0".repeat(24) }
    const later = { ...completedRun(app, { prompt: "Second", answer: "two", createdAt: at }), id: "z".repeat(24) }
    await store.collection(apps).insert({ ...app, runtimeSessions: { claude: { sessionId: "native-1", throughRunId: later.id } } })
    await store.collection(runs).insert(earlier)
    await store.collection(runs).insert(later)
    await sendMessage(services, scope, app.id, { prompt: "Next", runtime: "claude" })
    expect(prompts, "no handover: the runtime's own session has the whole conversation").toEqual(["Next"])
  })


  it("gives a runtime that has not seen it the newest turns, in order, in front of the message", async () => {
    const conversation = createWorld()
    const { services, scope, app, store, prompts } = conversation
    await store.collection(apps).insert(app)
    await storeConversation(conversation, HANDOFF_TURNS + 5)
    await sendMessage(services, scope, app.id, { prompt: "And now?" })
    const [prompt] = prompts
    expect(prompt).toMatch(/^You are continuing a conversation/)
    expect(prompt!.endsWith("The new message:\nAnd now?")).toBe(true)
    // The newest turns, oldest of them first; the oldest five are not read at all.
    expect(prompt).toContain(`User: message ${HANDOFF_TURNS + 4}\nAssistant: answer ${HANDOFF_TURNS + 4}\n\nUser: message ${HANDOFF_TURNS + 5}`)
    expect(prompt).not.toContain("User: message 5\n")
  })
})

describe("listing a conversation", () => {
  it("returns the latest runs oldest first, says whether earlier ones exist, and returns more on request", async () => {
    const conversation = createWorld()
    const { services, scope, app, store } = conversation
    await store.collection(apps).insert(app)
    const prompts = await storeConversation(conversation, RUNS_PAGE.size + 5)
    const latest = await listRuns(services, scope, app.id)
    expect(latest.runs.map((run) => run.prompt)).toEqual(prompts.slice(5))
    expect(latest.hasEarlier).toBe(true)

    const all = await listRuns(services, scope, app.id, { limit: prompts.length })
    expect(all.runs.map((run) => run.prompt)).toEqual(prompts)
    expect(all.hasEarlier).toBe(false)
  })

  it("pages back from the oldest run it has, without losing or repeating runs created in the same millisecond", async () => {
    const conversation = createWorld()
    const { services, scope, app, store } = conversation
    await store.collection(apps).insert(app)
    await storeConversation(conversation, 25, 3)
    const whole = (await listRuns(services, scope, app.id, { limit: 100 })).runs.map((run) => run.id)

    let page = await listRuns(services, scope, app.id, { limit: 4 })
    const walked = [...page.runs.map((run) => run.id)]
    while (page.hasEarlier) {
      page = await listRuns(services, scope, app.id, { limit: 4, before: walked[0]! })
      walked.unshift(...page.runs.map((run) => run.id))
    }
    expect(walked).toEqual(whole)
    expect(whole).toHaveLength(25)

    await expect(listRuns(services, scope, app.id, { before: newId() })).rejects.toMatchObject({ code: "BAD_REQUEST" })
  })
})
