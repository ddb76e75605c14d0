// When an app agent reports a blocking tool failure (report_tool_call_failed with blocking: true),
// the app itself needs fixing: the builder gets a message with the failure's context, sent like a
// person's message so it shows in the app's chat. At most one per agent run (an agent that keeps
// reporting does not flood the chat), and never lost silently: a builder busy with another turn
// is recorded on the agent run and said in the answer, so a person can send it themselves. The
// message is only ever sent as the person who triggered the agent, and only while they can still
// change the app: the agent's words are never put in anyone else's name.

import type { ReportToolFailureInput } from "#shared/mcp/app-tools.ts"
import { can } from "#shared/auth/permissions.ts"
import { recordAudit } from "../audit/audit.server.ts"
import { canBuildApp } from "../apps/app-access.server.ts"
import { AppError } from "../errors.server.ts"
import { sendMessage } from "../runs/runs.server.ts"
import type { WebServices } from "../services.server.ts"
import { apps, users, type AppDocument } from "../store/collections.server.ts"
import { nowIso, type WorkspaceScope } from "../workspaces/scope.server.ts"
import { findWorkspaceMembership } from "../workspaces/workspaces.server.ts"
import { agentRuns, type AgentRunDocument, type AgentRunRepair } from "./agent-run-collections.server.ts"

export interface RepairRequest {
  readonly app: AppDocument
  readonly agentRun: AgentRunDocument
  readonly report: ReportToolFailureInput
}

export interface RepairOutcome {
  /**
   * "started": builder run `runId`; "busy": the builder was working on something else; "failed":
   * it could not start; "refused": the person who triggered the agent can no longer change the
   * app; "already": this agent run had asked before.
   */
  readonly state: AgentRunRepair["state"] | "already"
  readonly runId: string | null
  /** What to tell the agent (and the person). */
  readonly message: string
}

/** The agent's words are its own: bounded and quoted, so they read as a report and not as the builder's instructions. */
const quoted = (text: string, max: number) =>
  text
    .slice(0, max)
    .split(/\r?\n/)
    .map((line) => `> ${line}`)
    .join("\n")

export function repairPrompt(agentName: string, report: ReportToolFailureInput): string {
  const tool = report.toolName ? `tool "${report.toolName}"` : "one of its tools"
  return [
    `The app agent "${agentName}" reported that ${tool} failed, and that it cannot do its job until the app is fixed. Its report:`,
    quoted(report.description, 4_000),
    ...(report.attemptedTask ? ["What it was trying to do:", quoted(report.attemptedTask, 2_000)] : []),
    "Fix the app (agents.json or the code), keep changes minimal, and call present_agents again if agents.json changed.",
  ].join("\n\n")
}

/**
 * The person who triggered the agent, as they may act now: a member of the workspace who may
 * build and can see the app as it is now (not as the report found it). Null otherwise: the repair
 * is then not sent, never sent as someone else.
 */
async function actingScope(services: WebServices, app: AppDocument, agentRun: AgentRunDocument): Promise<WorkspaceScope | null> {
  const userId = agentRun.triggeredByUserId
  const [user, found, current] = await Promise.all([
    services.store.collection(users).findOne({ id: userId }),
    findWorkspaceMembership(services, app.workspaceId, userId),
    services.store.collection(apps).findOne({ id: app.id, workspaceId: app.workspaceId }),
  ])
  if (!user || !found || !current || current.deleting) return null
  const scope = { user, ...found }
  return can(found.membership.role, "apps:build") && canBuildApp(current, scope) ? scope : null
}

const NOT_SENT_WITHOUT_ACCESS: RepairOutcome = {
  state: "refused",
  runId: null,
  message:
    "No repair was started: the person who started this run can no longer change this app, and a repair is only ever sent as them. " +
    "Tell the person what failed.",
}

/** Sends the builder the repair message; a busy builder (another turn in progress) is an answer, not an error. */
async function sendRepair(services: WebServices, scope: WorkspaceScope, { app, agentRun, report }: RepairRequest): Promise<RepairOutcome> {
  try {
    const run = await sendMessage(services, scope, app.id, { prompt: repairPrompt(agentRun.agentName, report) })
    return { state: "started", runId: run.id, message: "The app's builder was asked to fix it; tell the person the app is being repaired." }
  } catch (error) {
    if (error instanceof AppError && error.code === "CONFLICT") {
      const message = "The app's builder is busy with another change, so no repair was started; tell the person to ask the builder to fix it."
      return { state: "busy", runId: null, message }
    }
    services.log.warn("could not start a repair run", { agentRunId: agentRun.id, error })
    return { state: "failed", runId: null, message: "A repair could not be started; tell the person what failed." }
  }
}

export async function startRepairRun(services: WebServices, request: RepairRequest): Promise<RepairOutcome> {
  const { app, agentRun, report } = request
  const base = { toolName: report.toolName ?? null, description: report.description.slice(0, 4_000), at: nowIso() }
  // Taken atomically: of two reports racing, one starts the repair.
  const claimed = await services.store
    .collection(agentRuns)
    .updateOne(
      { id: agentRun.id, workspaceId: agentRun.workspaceId, repair: null },
      { repair: { ...base, state: "failed", runId: null, message: "The repair is being started." } },
    )
  if (!claimed) {
    const earlier = (await services.store.collection(agentRuns).findOne({ id: agentRun.id }))?.repair
    return {
      state: "already",
      runId: earlier?.runId ?? null,
      message: "This run already asked the builder for a repair; tell the person what failed and stop.",
    }
  }
  const scope = await actingScope(services, app, agentRun)
  const outcome = scope ? await sendRepair(services, scope, request) : NOT_SENT_WITHOUT_ACCESS
  await services.store.collection(agentRuns).updateOne(
    { id: agentRun.id, workspaceId: agentRun.workspaceId },
    {
      repair: { ...base, state: outcome.state === "already" ? "failed" : outcome.state, runId: outcome.runId, message: outcome.message },
    },
  )
  await recordAudit(services.store, {
    workspaceId: app.workspaceId,
    // Their run asked, whether or not the repair could be sent as them.
    actorUserId: agentRun.triggeredByUserId,
    action: "agent_run.repair_requested",
    target: { type: "app", id: app.id },
    after: { agentRunId: agentRun.id, agentId: agentRun.agentId, toolName: base.toolName, state: outcome.state, builderRunId: outcome.runId },
  })
  return outcome
}
