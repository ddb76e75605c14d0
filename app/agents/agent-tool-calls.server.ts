// An app agent's tool calls, as the worker's broker passes them on (POST /api/internal/tool-execute
// with claims that carry agentId). The claims are re-checked against the agent run the web
// recorded: that run, of that app, workspace, agent and runtime, still running, and the person
// who triggered it still able to see the app. Everything else comes from the run, never from the
// call: whose identity a tool uses (the person who triggered it), which approved payload counts
// (the run's scope, and only while it still has the hash the run started under), which mode
// (never live for a run recorded as mock), and which collections app_data may touch (the agent's
// approved ones).

import { Schema } from "effect"
import { REPORT_TOOL_FAILURE, ReportToolFailureInput } from "#shared/mcp/app-tools.ts"
import type { ToolCallClaims, ToolExecuteRequest } from "#shared/mcp/tool-execute.ts"
import { executeAppDataTool, type AppDataToolCall, type AppDataToolOutcome } from "../app-data/app-data-tools.server.ts"
import { recordAudit } from "../audit/audit.server.ts"
import type { WebServices } from "../services.server.ts"
import { apps, type AppDocument } from "../store/collections.server.ts"
import { triggererCanSeeApp } from "./agent-run-access.server.ts"
import { agentRuns, type AgentRunDocument } from "./agent-run-collections.server.ts"
import { executeAppTool, isAppToolRefusal } from "./app-tool-execution.server.ts"
import { effectiveAgentsApproval } from "./approvals.server.ts"
import { startRepairRun } from "./repair-runs.server.ts"

export type AppToolsCall = Extract<ToolExecuteRequest, { readonly toolSet: "app_tools" }>

export type AgentToolOutcome =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly status: 400 | 403 | 404 | 409 | 413 | 502; readonly code: string; readonly message: string }

/** The same answer for every mismatch as the builder's calls get: a stale or forged claim learns nothing. */
export const claimsRejected = { ok: false, status: 403, code: "claims_rejected", message: "This run cannot call tools now." } as const

/** What a report_tool_call_failed call is answered with. */
export interface ToolFailureReportAnswer {
  readonly ok: true
  /** The builder run started to fix the app, when the report was blocking and one could start. */
  readonly repairRunId: string | null
  readonly message: string
}

/**
 * The agent run and app the claims stand for, if that run is in progress now and the person it
 * acts as can still see the app (removing them stops their runs; this covers a call already on
 * its way, and access lost any other way); null otherwise.
 */
export async function claimedAgentRun(services: WebServices, claims: ToolCallClaims): Promise<{ run: AgentRunDocument; app: AppDocument } | null> {
  if (claims.agentId === undefined) return null
  const run = await services.store.collection(agentRuns).findOne({ id: claims.runId, workspaceId: claims.workspaceId, appId: claims.appId, agentId: claims.agentId })
  if (!run || run.status !== "running" || run.runtime !== claims.runtime) return null
  const app = await services.store.collection(apps).findOne({ id: claims.appId, workspaceId: claims.workspaceId })
  if (!app || app.deleting) return null
  return (await triggererCanSeeApp(services, run, app)) ? { run, app } : null
}

/** The run's approved agent as it is now, or why it may no longer act (its payload changed or was revoked). */
async function approvedAgent(services: WebServices, run: AgentRunDocument, app: AppDocument) {
  const approval = await effectiveAgentsApproval(services, app, run.scope)
  if (!approval || approval.hash !== run.configHash) {
    return {
      ok: false,
      status: 403,
      code: "agents_not_approved",
      message: "The app's agents.json changed or lost its approval since this run started: stop, and tell the person the agents need approving again.",
    } as const
  }
  const agent = approval.config.agents.find((candidate) => candidate.id === run.agentId)
  return agent ? { ok: true, agent } as const : { ok: false, status: 403, code: "agent_not_approved", message: `The approved agents.json has no agent "${run.agentId}".` } as const
}

const decodeReport = Schema.decodeUnknownExit(ReportToolFailureInput)

async function reportToolFailure(services: WebServices, run: AgentRunDocument, app: AppDocument, input: unknown): Promise<AgentToolOutcome> {
  const decoded = decodeReport(input)
  if (decoded._tag === "Failure") {
    return { ok: false, status: 400, code: "invalid_input", message: "report_tool_call_failed takes { description, attemptedTask?, toolName?, blocking? }: description is required (1–4,000 characters)." }
  }
  const report = decoded.value
  await recordAudit(services.store, {
    workspaceId: app.workspaceId,
    actorUserId: run.triggeredByUserId,
    action: "agent.tool_failure_reported",
    target: { type: "app", id: app.id },
    // The agent's words may quote what a tool returned: they stay on the run, not in the audit log.
    after: { agentRunId: run.id, agentId: run.agentId, tool: report.toolName ?? null, blocking: report.blocking === true },
  })
  if (report.blocking !== true) {
    const answer: ToolFailureReportAnswer = { ok: true, repairRunId: null, message: "Recorded. Work around it if you can; otherwise tell the person what failed." }
    return { ok: true, result: answer }
  }
  const repair = await startRepairRun(services, { app, agentRun: run, report })
  const answer: ToolFailureReportAnswer = { ok: true, repairRunId: repair.state === "started" || repair.state === "already" ? repair.runId : null, message: repair.message }
  return { ok: true, result: answer }
}

/** A custom tool of the run's agent, or report_tool_call_failed. */
export async function executeAgentToolCall(services: WebServices, call: AppToolsCall): Promise<AgentToolOutcome> {
  const claimed = await claimedAgentRun(services, call.claims)
  if (!claimed) return claimsRejected
  const { run, app } = claimed
  if (call.tool === REPORT_TOOL_FAILURE) return reportToolFailure(services, run, app, call.input)
  const answer = await executeAppTool(services, {
    workspaceId: app.workspaceId,
    app,
    scope: run.scope,
    agentId: run.agentId,
    toolName: call.tool,
    input: call.input as Record<string, Schema.Json>,
    identityUserId: run.triggeredByUserId,
    approvedHash: run.configHash,
    runMode: run.mode,
  })
  if (!isAppToolRefusal(answer)) return { ok: true, result: answer }
  return { ok: false, status: answer.status, code: answer.code, message: answer.message }
}

/** An app_data call of an agent run: the run's scope, and only the collections its approved agent declares. */
export async function executeAgentDataCall(services: WebServices, call: AppDataToolCall): Promise<AppDataToolOutcome> {
  const claimed = await claimedAgentRun(services, call.claims)
  if (!claimed) return claimsRejected
  const { run, app } = claimed
  const approved = await approvedAgent(services, run, app)
  if (!approved.ok) return { ok: false, status: 403, code: approved.code, message: approved.message }
  return executeAppDataTool(services, app, call, { agentId: run.agentId, scope: run.scope, dataCollections: approved.agent.dataCollections ?? [] })
}
