// An agent run acts as the person who triggered it only while they can see its app. Proven on the
// in-process web tier against the fake worker over real HTTP (tests/agents/agent-runs-world.ts):
// removing a collaborator, removing a member from the workspace, or demoting an admin stops their
// active runs there and takes the runs' transcripts, streams and Cancel from them; a tool call of a
// run whose person lost access some other way is refused through the real tool-execute route; and
// a blocking failure report of such a run starts no repair, rather than one in someone else's name.

import { afterEach, describe, expect, it } from "vitest"
import { REPORT_TOOL_FAILURE } from "#shared/mcp/app-tools.ts"
import { agentRuns, type AgentRunDocument } from "#app/agents/agent-run-collections.server.ts"
import { findAgentRunForUser } from "#app/agents/agent-runs.server.ts"
import { startRepairRun } from "#app/agents/repair-runs.server.ts"
import { action as toolExecuteAction } from "#app/routes/api.internal.tool-execute.ts"
import { apps, auditEvents, runs, type UserDocument } from "#app/store/collections.server.ts"
import { INTERNAL_TOKEN } from "#tests/fixtures/version-world.ts"
import { cleanUp, given, type Given } from "./agent-runs-world.ts"
import { refusal } from "./agents-turns.ts"

afterEach(cleanUp)

/** Ada's approved app with Linus (a member) as its collaborator. */
async function withCollaborator() {
  const g = await given()
  await g.approve()
  const linus = g.world.people.otherMember
  await g.world.caller(g.creator).apps.addCollaborator({ ...g.ids, userId: linus.id })
  return { g, linus }
}

async function triggeredBy(g: Given, person: UserDocument): Promise<AgentRunDocument> {
  const { runId } = await g.world.caller(person).agentRuns.trigger({ ...g.ids, agentId: "ticket-triage", prompt: "Triage ticket 42" })
  const run = await g.runNow(runId)
  expect(run.status).toBe("running")
  return run
}

/** A tool call of the run as the worker's broker passes it on, through the real route. */
async function callTool(g: Given, run: AgentRunDocument, tool: string, input: unknown) {
  const request = new Request("http://second.test/api/internal/tool-execute", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${INTERNAL_TOKEN}` },
    body: JSON.stringify({
      claims: { workspaceId: run.workspaceId, appId: run.appId, runId: run.id, runtime: run.runtime, agentId: run.agentId },
      toolSet: "app_tools",
      tool,
      input,
    }),
  })
  const response = (await toolExecuteAction({ request, params: {}, context: { services: g.world.services, cspNonce: "" } })) as Response
  return { status: response.status, body: (await response.json()) as { result?: unknown; error?: { code: string } } }
}

/** Takes Linus off the app's collaborators without the product's removal path (as a race with it, or a change made elsewhere). */
const dropCollaboratorsBehindTheScenes = (g: Given) =>
  g.world.services.store.collection(apps).updateOne({ id: g.app.id }, { collaboratorUserIds: [] })

describe("a collaborator removed from the app", () => {
  it("has their running agent run stopped, and can no longer read, stream or cancel it", async () => {
    const { g, linus } = await withCollaborator()
    const run = await triggeredBy(g, linus)
    const asLinus = g.world.caller(linus).agentRuns
    expect((await asLinus.get({ workspaceId: g.ids.workspaceId, runId: run.id })).triggeredByName).toBe("Linus")
    expect(await findAgentRunForUser(g.world.services, linus, run.id)).not.toBeNull()

    await g.world.caller(g.creator).apps.removeCollaborator({ ...g.ids, userId: linus.id })

    expect(await g.runNow(run.id)).toMatchObject({ status: "cancelled", cancelledByUserId: g.creator.id, error: { code: "access_removed" } })
    expect(g.worker.cancels).toEqual([run.id])
    expect((await g.events(run.id)).slice(-3)).toEqual([
      { type: "error", code: "access_removed", message: "Stopped because the person who started it can no longer see this app.", retryable: false },
      { type: "turn.completed", outcome: "cancelled" },
      { type: "run.settled", status: "stopped" },
    ])
    // Having triggered it is not enough: the transcript, the stream and Cancel go with the app.
    expect((await refusal(asLinus.get({ workspaceId: g.ids.workspaceId, runId: run.id }))).code).toBe("NOT_FOUND")
    expect((await refusal(asLinus.cancel({ workspaceId: g.ids.workspaceId, runId: run.id }))).code).toBe("NOT_FOUND")
    expect(await findAgentRunForUser(g.world.services, linus, run.id)).toBeNull()
    // The app's builders still see it, and who stopped it.
    const seen = await g.world.caller(g.admin).agentRuns.get({ workspaceId: g.ids.workspaceId, runId: run.id })
    expect(seen).toMatchObject({ status: "cancelled", cancelledByName: "Ada", triggeredByName: "Linus" })
    const audit = await g.world.services.store.collection(auditEvents).findMany({ workspaceId: g.ids.workspaceId, action: "agent_run.cancelled" })
    expect(audit.map((event) => [event.actorUserId, event.after?.["agentRunId"], event.after?.["reason"]])).toEqual([[g.creator.id, run.id, "access_removed"]])
  })

  it("leaves the runs of people who still see the app running", async () => {
    const { g, linus } = await withCollaborator()
    const adas = await triggeredBy(g, g.creator)
    const graces = await triggeredBy(g, g.admin)
    await g.world.caller(g.creator).apps.removeCollaborator({ ...g.ids, userId: linus.id })
    expect((await g.runNow(adas.id)).status).toBe("running")
    expect((await g.runNow(graces.id)).status).toBe("running")
    expect(g.worker.cancels).toEqual([])
  })

  it("gets no tool call of their run through once they cannot see the app, however that happened", async () => {
    const { g, linus } = await withCollaborator()
    const run = await triggeredBy(g, linus)
    const report = { description: "get_ticket answers 404", toolName: "get_ticket", blocking: false }
    expect((await callTool(g, run, REPORT_TOOL_FAILURE, report)).status).toBe(200)

    await dropCollaboratorsBehindTheScenes(g)
    expect(await callTool(g, run, REPORT_TOOL_FAILURE, report)).toEqual({
      status: 403,
      body: { error: { code: "claims_rejected", message: "This run cannot call tools now." } },
    })
    expect(await callTool(g, run, "get_ticket", { ticketId: "42" })).toMatchObject({ status: 403, body: { error: { code: "claims_rejected" } } })
  })

  it("starts no repair from their run's blocking report, and never one in the app creator's name", async () => {
    const { g, linus } = await withCollaborator()
    const agentRun = await triggeredBy(g, linus)
    await dropCollaboratorsBehindTheScenes(g)
    const before = await g.world.services.store.collection(runs).count({ appId: g.app.id })

    const outcome = await startRepairRun(g.world.services, {
      app: g.app,
      agentRun,
      report: { description: "get_ticket answers 404 for every id", toolName: "get_ticket", blocking: true },
    })

    expect(outcome).toMatchObject({ state: "refused", runId: null })
    expect(outcome.message).toMatch(/the person who started this run can no longer change this app, and a repair is only ever sent as them/)
    expect(await g.world.services.store.collection(runs).count({ appId: g.app.id })).toBe(before)
    expect(g.worker.builderTurns).toEqual([])
    expect((await g.runNow(agentRun.id)).repair).toMatchObject({ state: "refused", runId: null, message: outcome.message })
    const audit = await g.world.services.store.collection(auditEvents).findMany({ workspaceId: g.ids.workspaceId, action: "agent_run.repair_requested" })
    expect(audit.map((event) => [event.actorUserId, event.after?.["state"]])).toEqual([[linus.id, "refused"]])
  })
})

describe("a member who loses the workspace or their admin role", () => {
  it("has their agent runs stopped when removed from the workspace", async () => {
    const { g, linus } = await withCollaborator()
    const run = await triggeredBy(g, linus)
    await g.world.caller(g.admin).members.remove({ workspaceId: g.ids.workspaceId, userId: linus.id })
    expect(await g.runNow(run.id)).toMatchObject({ status: "cancelled", cancelledByUserId: g.admin.id, error: { code: "access_removed" } })
    expect(await findAgentRunForUser(g.world.services, linus, run.id)).toBeNull()
  })

  it("has their runs on apps they saw only as an admin stopped when made a member", async () => {
    const g = await given()
    await g.approve()
    const linus = g.world.people.otherMember
    await g.world.caller(g.admin).members.changeRole({ workspaceId: g.ids.workspaceId, userId: linus.id, role: "admin" })
    const run = await triggeredBy(g, linus)
    await g.world.caller(g.admin).members.changeRole({ workspaceId: g.ids.workspaceId, userId: linus.id, role: "member" })
    expect(await g.runNow(run.id)).toMatchObject({ status: "cancelled", cancelledByUserId: g.admin.id, error: { code: "access_removed" } })
  })
})
