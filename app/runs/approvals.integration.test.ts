// Approving a plan and what a settled turn says about its build, in-process (real SQLite file,
// in-process live port, a worker client that records what it is asked). Runs that ended at a plan
// are stored as the web stores finished runs (tests/fixtures/run-documents.ts): driving an agent to
// a plan is the worker's tests' business.

import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { newId } from "#shared/ids.ts"
import { createMemoryLive } from "#shared/live/memory-live.server.ts"
import type { Transcript } from "#shared/runs/transcript.ts"
import { appDocument } from "#tests/fixtures/app-document.ts"
import { completedRun, plannedRun } from "#tests/fixtures/run-documents.ts"
import { AppError } from "../errors.server.ts"
import type { WebServices } from "../services.server.ts"
import { allCollections, apps, runs } from "../store/collections.server.ts"
import { openSqliteStore } from "../store/sqlite-store.server.ts"
import type { StartRunRequest, WorkerClient } from "../worker-client/worker-client.server.ts"
import type { WorkspaceScope } from "../workspaces/scope.server.ts"
import { approvalPrompt } from "./approval-prompt.ts"
import { approveRun } from "./approvals.server.ts"
import { BUILDER_SYSTEM_PROMPT } from "./builder-system-prompt.server.ts"
import { completeRun } from "./run-completion.server.ts"
import { listRuns, sendMessage } from "./runs.server.ts"

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString()

async function createWorld() {
  const dir = mkdtempSync(join(tmpdir(), "second-approvals-"))
  const store = openSqliteStore({ file: join(dir, "second.db"), collections: allCollections })
  const live = createMemoryLive()
  const requests: StartRunRequest[] = []
  const worker: WorkerClient = {
    health: async () => "ok",
    runtimes: async () => [],
    startRun: async (_appId, request) => {
      requests.push(request)
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
  const services = { store, live, worker, log: quiet, config: { runLeaseMs: 60_000 } } as unknown as WebServices
  cleanups.push(async () => {
    await live.close()
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const userId = newId()
  const workspaceId = newId()
  const scope = {
    user: { id: userId, displayName: "Ada Lovelace" },
    workspace: { id: workspaceId },
    membership: { role: "member" },
  } as unknown as WorkspaceScope
  const app = appDocument({ workspaceId, name: "Lunch", prompt: "Build a lunch order page", createdByUserId: userId, createdAt: minutesAgo(10) })
  await store.collection(apps).insert(app)
  const plan = plannedRun(app, { title: "Lunch orders", createdAt: minutesAgo(5) })
  await store.collection(runs).insert(plan)
  const runOf = async (id: string) => (await store.collection(runs).findOne({ id }))!
  return { services, scope, app, plan, requests, store, runOf }
}

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  )
  expect(error, "the call was not refused").toBeInstanceOf(AppError)
  return error as AppError
}

describe("approving a plan", () => {
  it("records who approved it and when, and sends the builder the follow-up that builds it", async () => {
    const { services, scope, app, plan, requests, runOf } = await createWorld()
    const before = Date.now()
    const followUp = await approveRun(services, scope, plan.id)

    expect(followUp.prompt).toBe("Approved: build “Lunch orders” as planned.")
    expect(followUp.prompt).toBe(approvalPrompt("Lunch orders"))
    expect(requests.map((request) => request.prompt)).toEqual([followUp.prompt])
    const stored = await runOf(plan.id)
    expect(stored.approval).toEqual({ byUserId: scope.user.id, byName: "Ada Lovelace", at: expect.any(String), followUpRunId: followUp.id })
    expect(Date.parse(stored.approval!.at)).toBeGreaterThanOrEqual(before - 1)
    // The conversation the chat reads carries it: the plan approved, the follow-up after it.
    const listed = await listRuns(services, scope, app.id)
    expect(listed.runs.map((view) => [view.id, view.approval?.followUpRunId ?? null])).toEqual([
      [plan.id, followUp.id],
      [followUp.id, null],
    ])
  })

  it("approves once when approved twice, at once or one after the other", async () => {
    const { services, scope, plan, requests, runOf } = await createWorld()
    const outcomes = await Promise.allSettled([approveRun(services, scope, plan.id), approveRun(services, scope, plan.id)])
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1)
    const [rejected] = outcomes.filter((outcome) => outcome.status === "rejected")
    // Told why, not that the agent is busy with the other click's follow-up.
    expect(rejected?.reason).toMatchObject({ code: "CONFLICT", message: "This plan was already approved by Ada Lovelace." })

    const again = await refusal(approveRun(services, scope, plan.id))
    expect(again.code).toBe("CONFLICT")
    expect(again.message).toBe("This plan was already approved by Ada Lovelace.")
    expect(requests).toHaveLength(1)
    expect((await runOf(plan.id)).approval?.followUpRunId).toBe(requests[0]!.runId)
  })

  it("refuses a turn that did not end at a plan", async () => {
    const { services, scope, app, store, requests, runOf } = await createWorld()
    const plain = completedRun(app, { prompt: "Hello", answer: "Hi!", createdAt: minutesAgo(1) })
    await store.collection(runs).insert(plain)
    const tool = (name: string, output: string | null, isError = false) =>
      ({ kind: "tool", callId: newId(), name, input: {}, inputText: "", output, isError }) as const
    const ofPlan = plannedRun(app, { title: "x", createdAt: minutesAgo(0) }).transcript
    const cases: [string, Transcript][] = [
      ["a plan that failed", [tool("second.present_plan", "invalid input", true)]],
      ["a plan followed by another call", [...ofPlan, tool("Write", "ok")]],
      ["suggestions, not a plan", [tool("second.present_suggestions", "shown")]],
    ]
    expect((await refusal(approveRun(services, scope, plain.id))).code, "no tool call at all").toBe("BAD_REQUEST")
    for (const [label, transcript] of cases) {
      await store.collection(runs).updateOne({ id: plain.id }, { transcript })
      const error = await refusal(approveRun(services, scope, plain.id))
      expect(error.code, label).toBe("BAD_REQUEST")
      expect(error.message, label).toBe("This turn did not end with a plan to approve.")
    }
    await store.collection(runs).updateOne({ id: plain.id }, { transcript: ofPlan, status: "failed" })
    expect((await refusal(approveRun(services, scope, plain.id))).code, "a failed turn").toBe("BAD_REQUEST")
    expect(requests).toEqual([])
    expect((await runOf(plain.id)).approval ?? null).toBeNull()
  })

  it("refuses a plan that is no longer the latest message", async () => {
    const { services, scope, app, plan, store, requests, runOf } = await createWorld()
    await store.collection(runs).insert(completedRun(app, { prompt: "Actually, make it a dinner page", createdAt: minutesAgo(1) }))
    const error = await refusal(approveRun(services, scope, plan.id))
    expect(error.code).toBe("CONFLICT")
    expect(error.message).toMatch(/only a plan from the latest message can be approved/)
    expect(requests).toEqual([])
    expect((await runOf(plan.id)).approval ?? null).toBeNull()
  })

  it("takes the approval back when the follow-up cannot be sent, so it can be approved again", async () => {
    const { services, scope, app, plan, store, requests, runOf } = await createWorld()
    // Another tab's message holds the app (its run is being inserted): the follow-up is refused.
    await store.collection(apps).updateOne({ id: app.id }, { activeRunId: newId(), updatedAt: new Date().toISOString() })
    expect((await refusal(approveRun(services, scope, plan.id))).code).toBe("CONFLICT")
    expect((await runOf(plan.id)).approval ?? null).toBeNull()
    expect(requests).toEqual([])

    await store.collection(apps).updateOne({ id: app.id }, { activeRunId: null })
    const followUp = await approveRun(services, scope, plan.id)
    expect((await runOf(plan.id)).approval?.followUpRunId).toBe(followUp.id)
  })

  it("is for people who see the app only", async () => {
    const { services, scope, plan, requests } = await createWorld()
    const colleague = { ...scope, user: { id: newId(), displayName: "Grace" } } as unknown as WorkspaceScope
    expect((await refusal(approveRun(services, colleague, plan.id))).code).toBe("NOT_FOUND")
    expect(requests).toEqual([])
  })
})

describe("a turn sent to the worker", () => {
  it("carries the builder's system prompt and the app's workspace", async () => {
    const { services, scope, app, requests } = await createWorld()
    await sendMessage(services, scope, app.id, { prompt: "Add a total" })
    expect(requests[0]).toMatchObject({ systemPrompt: BUILDER_SYSTEM_PROMPT, workspaceId: app.workspaceId })
  })
})

describe("a settled turn", () => {
  const report = (appId: string, transcript: Transcript) =>
    ({ appId, outcome: "completed", error: null, runtime: "claude", nativeSessionId: null, transcript, source: null }) as const
  const settle = async (transcript: Transcript) => {
    const world = await createWorld()
    const view = await sendMessage(world.services, world.scope, world.app.id, { prompt: "Add a total" })
    expect(await completeRun(world.services, view.id, report(world.app.id, transcript))).toBe("settled")
    const [listed] = (await listRuns(world.services, world.scope, world.app.id)).runs.slice(-1)
    return { stored: await world.runOf(view.id), listed: listed! }
  }
  const write = { kind: "tool", callId: "w1", name: "Write", input: { file_path: "a.ts" }, inputText: "", output: "ok", isError: false } as const

  it("is built, with the agent's summary, when it called done_building", async () => {
    const done = { ...write, callId: "d1", name: "second.done_building", input: { summary: "Added a total per person." } }
    const { stored, listed } = await settle([write, done])
    expect(stored.build).toEqual({ state: "built", summary: "Added a total per person." })
    expect(listed.build).toEqual(stored.build)
  })

  it("is incomplete when it changed files and never said it was built", async () => {
    const { stored, listed } = await settle([write, { kind: "text", text: "Done!" }])
    expect(stored.build).toEqual({ state: "incomplete" })
    expect(listed.build).toEqual({ state: "incomplete" })
  })

  it("says nothing of a turn that only talked, and older runs without the field read as null", async () => {
    const { stored, listed } = await settle([{ kind: "text", text: "What should it do?" }])
    expect(stored.build).toBeNull()
    expect(listed).toMatchObject({ build: null, approval: null })
    // The fixture stores a run as older versions did, without either field.
    const { services, scope, app, plan } = await createWorld()
    expect(plan).not.toHaveProperty("build")
    expect((await listRuns(services, scope, app.id)).runs[0]).toMatchObject({ id: plan.id, build: null, approval: null })
  })
})
