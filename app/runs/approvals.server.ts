// Approving the plan a turn ended with (present_plan is an approval stop): the approval is recorded on
// the run once, atomically (a double click approves once), and the builder gets the follow-up message
// that starts building. A follow-up that could not be sent takes its approval back with it.

import { PresentPlanInput } from "#shared/mcp/builder-tools.ts"
import { AppError } from "../errors.server.ts"
import type { WebServices } from "../services.server.ts"
import { runs, type RunApproval, type RunDocument } from "../store/collections.server.ts"
import { nowIso, type WorkspaceScope } from "../workspaces/scope.server.ts"
import { approvalPrompt } from "./approval-prompt.ts"
import { endingApprovalStop } from "#shared/runs/approval-stop.ts"
import { decodeToolInput, isCallOf, type ToolPart } from "./builder-tool-parts.ts"
import { NEWEST_FIRST, requireVisibleRun, sendMessage, type RunView } from "./runs.server.ts"

/** The plan the run ended with, or why it cannot be approved. */
async function requireApprovablePlan(services: WebServices, run: RunDocument): Promise<ToolPart> {
  if (run.approval) throw new AppError("CONFLICT", `This plan was already approved by ${run.approval.byName}.`)
  if (run.status !== "completed") {
    throw new AppError("BAD_REQUEST", "Only a plan from a turn that completed can be approved; this turn is still running or did not complete.")
  }
  const last = run.transcript[endingApprovalStop(run.transcript)]
  if (last?.kind !== "tool" || !isCallOf(last, "present_plan")) {
    throw new AppError("BAD_REQUEST", "This turn did not end with a plan to approve.")
  }
  const [latest] = await services.store.collection(runs).findMany({ appId: run.appId, workspaceId: run.workspaceId }, { sort: NEWEST_FIRST, limit: 1 })
  if (latest?.id !== run.id) {
    throw new AppError("CONFLICT", "The conversation has moved on since this plan: only a plan from the latest message can be approved.")
  }
  return last
}

/** Answers the follow-up run (the one that builds the plan), as sending and retrying answer theirs. */
export async function approveRun(services: WebServices, scope: WorkspaceScope, runId: string): Promise<RunView> {
  const run = await requireVisibleRun(services, scope, runId)
  const plan = await requireApprovablePlan(services, run)
  const approval: RunApproval = { byUserId: scope.user.id, byName: scope.user.displayName, at: nowIso(), followUpRunId: null }
  const ofRun = { id: run.id, workspaceId: run.workspaceId }
  // The one atomic step: whoever sets the approval first sends the follow-up; everyone else is told.
  const claimed = await services.store.collection(runs).updateOne({ ...ofRun, status: "completed", approval: null }, { approval })
  if (!claimed) {
    const current = await services.store.collection(runs).findOne(ofRun)
    throw new AppError("CONFLICT", current?.approval ? `This plan was already approved by ${current.approval.byName}.` : "This plan can no longer be approved.")
  }
  const title = decodeToolInput(PresentPlanInput, plan)?.title ?? null
  let followUp: RunView
  try {
    // NOTE: a worker that cannot start the turn does not throw: the follow-up exists and failed
    // retryably, and retrying it sends this message again, so the approval stands.
    followUp = await sendMessage(services, scope, run.appId, { prompt: approvalPrompt(title) })
  } catch (error) {
    // Nothing half-written: the plan can be approved again once the reason is gone (a turn running, say).
    // Only this call can have set the approval, so it is this call's to take back.
    await services.store.collection(runs).updateOne(ofRun, { approval: null })
    throw error
  }
  await services.store.collection(runs).updateOne(ofRun, { approval: { ...approval, followUpRunId: followUp.id } })
  return followUp
}
