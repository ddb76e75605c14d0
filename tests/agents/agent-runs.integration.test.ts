// App agent runs on the web tier, in-process (real SQLite file, in-process live port, tRPC through
// createCaller with its real authorization) against a fake worker over real HTTP (the real worker
// client): refused before approval, started as the session's user after it (with no builtin
// tools under a mock-only approval, and the trigger's answer naming who started it), settled by the
// worker's report through the real internal route (usage added up, a second report refused),
// cancelled with and without the worker's confirmation (saying who cancelled it), restarted once
// by the reaper after its worker stopped and failed as retryable the second time, and a blocking
// tool failure turned into one builder repair run. Who may act through a run once they lose the
// app: tests/agents/agent-run-access.integration.test.ts.

import { afterEach, describe, expect, it } from "vitest"
import { exampleAgentsConfig } from "#shared/agents/agents-config.fixture.ts"
import { agentsConfigHash } from "#shared/agents/canonical-hash.ts"
import { runLeaseKey, runStreamKey } from "#shared/runs/run-stream.ts"
import type { Transcript } from "#shared/runs/transcript.ts"
import { agentRuns } from "#app/agents/agent-run-collections.server.ts"
import { reapAgentRun } from "#app/agents/agent-run-reaper.server.ts"
import { findAgentRunForUser, MAX_ACTIVE_AGENT_RUNS } from "#app/agents/agent-runs.server.ts"
import { startRepairRun } from "#app/agents/repair-runs.server.ts"
import { AppError } from "#app/errors.server.ts"
import { apps, auditEvents, runs } from "#app/store/collections.server.ts"
import { createWorkerClient } from "#app/worker-client/worker-client.server.ts"
import { eventually } from "#tests/fixtures/eventually.ts"
import { append, cleanUp, completion, given, triggered, type Given } from "./agent-runs-world.ts"
import { refusal } from "./agents-turns.ts"

afterEach(cleanUp)

describe("triggering an app agent", () => {
  it("is refused until the agents are approved, saying an admin must approve them on the Agents page", async () => {
    const g = await given()
    const refused = await refusal(g.world.caller(g.creator).agentRuns.trigger({ ...g.ids, agentId: "ticket-triage", prompt: "Go" }))
    expect(refused.code).toBe("CONFLICT")
    expect(refused.message).toMatch(/admin must approve them on the app's Agents page/)
    expect((refused.cause as AppError).reasonCode).toBe("agents_not_approved")
    expect(await g.world.services.store.collection(agentRuns).count({ appId: g.app.id })).toBe(0)
    expect(g.worker.starts).toEqual([])
  })

  it("runs as the signed-in person with the approved agent's tools, never as someone the input names", async () => {
    const g = await given()
    await g.approve()
    const trigger = g.world.caller(g.creator).agentRuns.trigger
    const injected = await refusal(trigger({ ...g.ids, agentId: "ticket-triage", prompt: "Go", triggeredByUserId: g.admin.id } as never))
    expect(injected.code).toBe("BAD_REQUEST")
    expect(injected.message).toMatch(/triggeredByUserId/)
    const unknown = await refusal(trigger({ ...g.ids, agentId: "nobody", prompt: "Go" }))
    expect(unknown.code).toBe("NOT_FOUND")
    expect(unknown.message).toMatch(/no agent "nobody"/)

    const run = await triggered(g)
    expect(run).toMatchObject({
      status: "running",
      triggeredByUserId: g.creator.id,
      agentId: "ticket-triage",
      agentName: "Ticket triage",
      mode: "live",
      scope: "draft",
      attempts: 1,
    })
    expect(run.configHash).toBe(agentsConfigHash(exampleAgentsConfig()))
    const [start] = g.worker.starts
    expect(start).toMatchObject({
      runId: run.id,
      appId: g.app.id,
      agentId: "ticket-triage",
      prompt: "Triage ticket 42",
      dataCollections: ["tickets"],
      builtinTools: [],
    })
    expect(start!.tools.map((tool) => tool.name)).toEqual(["get_ticket"])
    expect(start!.tools[0]!.inputSchema).toMatchObject({ type: "object", required: ["ticketId"] })
    expect(start!.systemPrompt).toMatch(/^You triage support tickets\./)
    expect(start!.systemPrompt).toContain("Ada triggered this run")
    expect(start!.systemPrompt).toContain("report_tool_call_failed")

    const listed = await g.world.caller(g.admin).agentRuns.list({ ...g.ids })
    expect(listed.map((view) => [view.id, view.triggeredByName])).toEqual([[run.id, "Ada"]])
    // Another member who cannot see the app cannot see its runs either.
    expect((await refusal(g.world.caller(g.world.people.otherMember).agentRuns.get({ workspaceId: g.ids.workspaceId, runId: run.id }))).code).toBe(
      "NOT_FOUND",
    )
    const audit = await g.world.services.store.collection(auditEvents).findMany({ workspaceId: g.ids.workspaceId, action: "agent_run.started" })
    expect(audit.map((event) => [event.actorUserId, event.after?.["agentRunId"]])).toEqual([[g.creator.id, run.id]])
  })

  it("gives a mock-only run no builtin tools (WebSearch and WebFetch would reach the web), and a live one those approved", async () => {
    const g = await given()
    // Ada is a member: her approval is for mock data only.
    await g.world.caller(g.creator).agents.approve({ ...g.ids, expectedHash: agentsConfigHash(exampleAgentsConfig()) })
    const mock = await triggered(g, "researcher")
    expect(mock.mode).toBe("mock")
    const [mockStart] = g.worker.starts
    expect(mockStart).toMatchObject({ runId: mock.id, agentId: "researcher", builtinTools: [], tools: [] })
    expect(mockStart!.systemPrompt).not.toMatch(/WebSearch|WebFetch/)
    expect(mockStart!.systemPrompt).toContain("You have no custom tools in this run.")

    await g.approve()
    const live = await triggered(g, "researcher")
    expect(live.mode).toBe("live")
    expect(g.worker.starts[1]).toMatchObject({ runId: live.id, builtinTools: ["WebSearch", "WebFetch"] })
    expect(g.worker.starts[1]!.systemPrompt).toContain("Your tools: WebSearch, WebFetch.")
  })

  it("answers a trigger with who triggered it, as get does", async () => {
    const g = await given()
    await g.approve()
    const { runId, run } = await g.world.caller(g.creator).agentRuns.trigger({ ...g.ids, agentId: "ticket-triage", prompt: "Triage ticket 42" })
    expect(run).toMatchObject({ id: runId, triggeredByUserId: g.creator.id, triggeredByName: "Ada", cancelledByName: null })
    expect((await g.world.caller(g.creator).agentRuns.get({ workspaceId: g.ids.workspaceId, runId })).triggeredByName).toBe("Ada")
  })

  it("streams to whoever can see the app, and holds at most 5 active runs per app", async () => {
    const g = await given()
    await g.approve()
    const first = await triggered(g)
    const { creator, admin, otherMember, outsider } = g.world.people
    expect((await findAgentRunForUser(g.world.services, creator, first.id))?.id).toBe(first.id)
    expect((await findAgentRunForUser(g.world.services, admin, first.id))?.id).toBe(first.id)
    expect(await findAgentRunForUser(g.world.services, otherMember, first.id)).toBeNull()
    expect(await findAgentRunForUser(g.world.services, outsider, first.id)).toBeNull()

    for (let count = 2; count <= MAX_ACTIVE_AGENT_RUNS; count += 1) await triggered(g)
    const refused = await refusal(g.world.caller(g.creator).agentRuns.trigger({ ...g.ids, agentId: "researcher", prompt: "One more" }))
    expect(refused.code).toBe("TOO_MANY_REQUESTS")
    expect(refused.message).toMatch(/wait for one to finish \(or cancel one\)/)
    expect(await g.world.services.store.collection(agentRuns).count({ appId: g.app.id })).toBe(MAX_ACTIVE_AGENT_RUNS)
    // Newest first.
    const listed = await g.world.caller(g.creator).agentRuns.list({ ...g.ids, limit: 2 })
    const newest = await g.world.services.store.collection(agentRuns).findMany(
      { appId: g.app.id },
      {
        sort: [
          ["createdAt", -1],
          ["id", -1],
        ],
        limit: 2,
      },
    )
    expect(listed.map((view) => view.id)).toEqual(newest.map((run) => run.id))
    // Once one ends, the next trigger gets its place.
    await g.world.caller(g.creator).agentRuns.cancel({ workspaceId: g.ids.workspaceId, runId: first.id })
    expect((await triggered(g, "researcher")).status).toBe("running")
  })

  it("fails the run as retryable when no worker can be reached", async () => {
    const g = await given()
    await g.approve()
    Object.assign(g.world.services, { worker: createWorkerClient({ baseUrl: new URL("http://127.0.0.1:9"), token: undefined }) })
    const run = await triggered(g)
    expect(run).toMatchObject({ status: "failed", error: { code: "worker_unavailable", retryable: true } })
    expect((await g.events(run.id)).map((event) => event.type)).toEqual(["error", "turn.completed", "run.settled"])
  })
})

describe("the worker's completion report", () => {
  it("settles the agent run with its usage added up, once", async () => {
    const g = await given()
    await g.approve()
    const run = await triggered(g)
    const transcript: Transcript = [
      { kind: "text", text: "Ticket 42 is about a printer." },
      { kind: "usage", inputTokens: 100, outputTokens: 20, cachedInputTokens: 50, costUsd: 0.01 },
      { kind: "usage", inputTokens: 40, outputTokens: 5, cachedInputTokens: null, costUsd: 0.002 },
    ]
    const first = await g.report(run.id, completion(g.app, transcript))
    expect(first.status).toBe(200)
    expect(await g.runNow(run.id)).toMatchObject({
      status: "completed",
      error: null,
      transcript: transcript,
      usage: { inputTokens: 140, outputTokens: 25, cachedTokens: 50 },
    })
    expect((await g.runNow(run.id)).usage!.costUsd).toBeCloseTo(0.012)
    expect((await g.report(run.id, completion(g.app, transcript))).status).toBe(409)
    // Reported for another app: no such run.
    expect((await g.report(run.id, { ...completion(g.app, transcript), appId: g.ids.workspaceId })).status).toBe(404)
    expect((await g.events(run.id)).at(-1)).toEqual({ type: "run.settled", status: "completed" })
  })
})

describe("cancelling an agent run", () => {
  it("ends it as cancelled on the worker's own report when the worker confirms", async () => {
    const g = await given()
    await g.approve()
    g.worker.onCancel = "confirm-and-report"
    const run = await triggered(g)
    const view = await g.world.caller(g.creator).agentRuns.cancel({ workspaceId: g.ids.workspaceId, runId: run.id })
    expect(view.status).toBe("cancelled")
    expect(g.worker.cancels).toEqual([run.id])
    // Settled by the worker's report, and still saying who cancelled it.
    expect(view).toMatchObject({ cancelledByUserId: g.creator.id, cancelledByName: "Ada" })
  })

  it("ends it itself, and the stream for everyone watching, when the worker knows nothing of it", async () => {
    const g = await given()
    await g.approve()
    const run = await triggered(g)
    await append(g, run.id, [{ type: "tool.started", callId: "c1", name: "get_ticket", input: { ticketId: "42" } }])
    const view = await g.world.caller(g.admin).agentRuns.cancel({ workspaceId: g.ids.workspaceId, runId: run.id })
    expect(view).toMatchObject({ status: "cancelled", cancelledByUserId: g.admin.id, cancelledByName: "Grace" })
    expect(view.transcript?.[0]).toMatchObject({ kind: "tool", callId: "c1", cutShort: "stopped" })
    const [listed] = await g.world.caller(g.creator).agentRuns.list({ ...g.ids })
    expect(listed).toMatchObject({ id: run.id, cancelledByName: "Grace", triggeredByName: "Ada" })
    expect((await g.events(run.id)).slice(-2)).toEqual([
      { type: "turn.completed", outcome: "cancelled" },
      { type: "run.settled", status: "stopped" },
    ])
    // The worker's late report finds it settled.
    expect((await g.report(run.id, completion(g.app, [], "cancelled"))).status).toBe(409)
  })
})

describe("a worker that stops mid-run", () => {
  /** Reaps until the reaper acts (the lease must stay missing for a whole lease length). */
  const reaped = async (g: Given, runId: string) => {
    let outcome = "left"
    await eventually(async () => {
      outcome = await reapAgentRun(g.world.services, await g.runNow(runId))
      return outcome !== "left"
    }, 10_000)
    return outcome
  }

  it("restarts a run that called no tool once, continuing its stream; then fails it as retryable", async () => {
    const g = await given()
    await g.approve()
    const run = await triggered(g)
    await append(g, run.id, [{ type: "text.delta", text: "Looking at ticket 42" }])
    // The worker dies: its lease lapses.
    await g.world.services.live.deleteKey(runLeaseKey(run.id))
    expect(await reaped(g, run.id)).toBe("restarted")
    const restarted = await g.runNow(run.id)
    expect(restarted).toMatchObject({ status: "running", attempts: 2 })
    const events = await g.events(run.id)
    expect(events.at(-1)).toMatchObject({ type: "error", code: "worker_restarted", retryable: true })
    const second = g.worker.starts[1]!
    expect(second).toMatchObject({ runId: run.id, agentId: "ticket-triage", prompt: "Triage ticket 42" })
    expect(second.streamAfterId).toBe((await g.world.services.live.streamInfo(runStreamKey(run.id))).lastId)

    // The second worker dies too: no third attempt.
    await g.world.services.live.deleteKey(runLeaseKey(run.id))
    expect(await reaped(g, run.id)).toBe("settled")
    const failed = await g.runNow(run.id)
    expect(failed).toMatchObject({ status: "failed", attempts: 2, error: { code: "worker_lost", retryable: true } })
    expect(failed.error!.message).toMatch(/already been restarted once/)
    expect((await g.events(run.id)).slice(-3).map((event) => event.type)).toEqual(["error", "turn.completed", "run.settled"])
    expect(g.worker.starts).toHaveLength(2)
  })

  it("keeps the first attempt in the transcript of a restarted run that completes", async () => {
    const g = await given()
    await g.approve()
    const run = await triggered(g)
    await append(g, run.id, [{ type: "text.delta", text: "First try." }])
    await g.world.services.live.deleteKey(runLeaseKey(run.id))
    expect(await reaped(g, run.id)).toBe("restarted")
    await append(g, run.id, [
      { type: "text.delta", text: "Second try." },
      { type: "turn.completed", outcome: "completed" },
    ])
    expect((await g.report(run.id, completion(g.app, [{ kind: "text", text: "Second try." }]))).status).toBe(200)
    const done = await g.runNow(run.id)
    expect(done.status).toBe("completed")
    expect(done.transcript.map((part) => part.kind)).toEqual(["text", "error", "text"])
  })

  it("fails a run that already called a tool instead of repeating it", async () => {
    const g = await given()
    await g.approve()
    const run = await triggered(g)
    await append(g, run.id, [
      { type: "tool.started", callId: "c1", name: "get_ticket", input: { ticketId: "42" } },
      { type: "tool.result", callId: "c1", output: "{}", isError: false },
    ])
    await g.world.services.live.deleteKey(runLeaseKey(run.id))
    expect(await reaped(g, run.id)).toBe("settled")
    const failed = await g.runNow(run.id)
    expect(failed).toMatchObject({ status: "failed", attempts: 1, error: { code: "worker_lost", retryable: true } })
    expect(failed.error!.message).toMatch(/already called tools/)
    expect(g.worker.starts).toHaveLength(1)
  })
})

describe("a blocking tool failure", () => {
  const report = { description: "get_ticket answers 404 for every id", toolName: "get_ticket", blocking: true }

  it("starts one builder repair run, in the app's chat, as the person who triggered the agent", async () => {
    const g = await given()
    await g.approve()
    const agentRun = await triggered(g)
    const outcome = await startRepairRun(g.world.services, { app: g.app, agentRun, report })
    expect(outcome.state).toBe("started")
    const repair = (await g.world.services.store.collection(runs).findOne({ id: outcome.runId! }))!
    expect(repair).toMatchObject({ appId: g.app.id, createdByUserId: g.creator.id, status: "running" })
    expect(repair.prompt).toContain('The app agent "Ticket triage" reported that tool "get_ticket" failed')
    expect(repair.prompt).toContain("> get_ticket answers 404 for every id")
    expect(repair.prompt).toContain("call present_agents again if agents.json changed")
    expect(g.worker.builderTurns.map((turn) => turn.appId)).toEqual([g.app.id])
    expect((await g.runNow(agentRun.id)).repair).toMatchObject({ state: "started", runId: repair.id, toolName: "get_ticket" })

    // At most one per agent run.
    expect((await startRepairRun(g.world.services, { app: g.app, agentRun, report })).state).toBe("already")
    expect(g.worker.builderTurns).toHaveLength(1)

    // Another agent run's report while the builder is busy with the repair: recorded and said, not lost.
    const other = await triggered(g)
    const busy = await startRepairRun(g.world.services, {
      app: (await g.world.services.store.collection(apps).findOne({ id: g.app.id }))!,
      agentRun: other,
      report,
    })
    expect(busy.state).toBe("busy")
    expect(busy.message).toMatch(/builder is busy/)
    expect((await g.runNow(other.id)).repair).toMatchObject({ state: "busy", runId: null })
    const audit = await g.world.services.store
      .collection(auditEvents)
      .findMany({ workspaceId: g.ids.workspaceId, action: "agent_run.repair_requested" })
    expect(audit.map((event) => event.after?.["state"]).sort()).toEqual(["busy", "started"])
  })
})
