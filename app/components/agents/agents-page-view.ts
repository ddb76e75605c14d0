// The agents overview and the app's agent runs (the server's shapes) made into what the Agents
// page and the chat's cards show: one approval state with its words, the diff's two sides, runs
// with who started them. Pure, so the states are tested without a server.

import type { AgentsOverview } from "../../agents/agents-overview.server.ts"
import type { AgentRunView as ServerAgentRunView } from "../../agents/agent-runs.server.ts"
import type { AgentRunView, AgentsPageView, ApprovalFacts } from "./agents-view.ts"

type OverviewFacts = Pick<AgentsOverview, "present" | "hash" | "draftApproval" | "changedSinceApproval" | "viewer">

/** The draft's approval as one state: it counts (live or mock), never was, or stopped counting (and why). */
export function approvalFacts(overview: OverviewFacts): ApprovalFacts {
  const approval = overview.draftApproval
  const viewer = {
    currentHash: overview.hash,
    canApprove: overview.viewer.canApprove,
    approveMode: overview.viewer.approveMode,
    canRevoke: overview.viewer.canRevoke,
  }
  if (approval === null) {
    return { state: "not-approved", approvedHash: null, approvedBy: null, approvedAt: null, approvedMode: null, clearedAt: null, clearedReason: null, ...viewer }
  }
  const who = { approvedBy: approval.by, approvedAt: approval.at, approvedMode: approval.mode }
  if (approval.effective) return { state: approval.mode, approvedHash: approval.hash, ...who, clearedAt: null, clearedReason: null, ...viewer }
  // Not cleared yet, but no longer what the draft says (the turn that changed it has not settled).
  const reason = approval.cleared?.reason || (overview.present ? (overview.hash ? "agents.json changed since it was approved" : "agents.json has problems") : "agents.json was removed")
  return { state: "cleared", approvedHash: null, ...who, clearedAt: approval.cleared?.at ?? null, clearedReason: reason, ...viewer }
}

export function agentRunView(
  run: Pick<ServerAgentRunView, "id" | "agentId" | "agentName" | "status" | "mode" | "scope" | "triggeredByName" | "prompt" | "createdAt" | "endedAt" | "error"> &
    Partial<Pick<ServerAgentRunView, "cancelledByName">>,
): AgentRunView {
  return {
    id: run.id,
    agentId: run.agentId,
    agentName: run.agentName,
    status: run.status,
    mode: run.mode,
    scope: run.scope,
    triggeredBy: run.triggeredByName,
    cancelledBy: run.status === "cancelled" ? (run.cancelledByName ?? null) : null,
    prompt: run.prompt,
    createdAt: run.createdAt,
    endedAt: run.endedAt,
    error: run.error?.message ?? null,
    // The server decides (the person who started it, or the app's builders); anyone who sees the list may ask.
    canCancel: run.status === "queued" || run.status === "running",
  }
}

export function agentsPageView(overview: AgentsOverview, runs: readonly Parameters<typeof agentRunView>[0][]): AgentsPageView {
  return {
    present: overview.present,
    problems: overview.problems.map(({ path, message }) => ({ path, message })),
    summary: overview.summary,
    approval: approvalFacts(overview),
    // Only once something was approved is there a "since" to compare with. An admin facing a
    // mock-only approval compares with the last live one, and with nothing when there was none:
    // every line is then new to a live review.
    changes:
      overview.draftApproval && (overview.diff.approved !== null || overview.diff.since === "live-approval")
        ? { approved: overview.diff.approved, current: overview.diff.current, since: overview.diff.since }
        : null,
    runs: runs.map(agentRunView),
  }
}
