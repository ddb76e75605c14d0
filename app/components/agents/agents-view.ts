// What the Agents page and the chat's agents cards show, as the agents route's loader hands it to
// them (mapped from agents.overview and agentRuns.list): plain, JSON-safe data, so the components
// are tested without a server and the page, the card and the tests agree on one shape.

import type { AgentsSummaryView } from "./agents-summary-view.ts"

/** live: tools call the real APIs; mock: they answer with their mock data; cleared: a change (or a revoke) undid an approval. */
export type ApprovalState = "live" | "mock" | "not-approved" | "cleared"

export interface ApprovalFacts {
  readonly state: ApprovalState
  /** The hash the standing approval is for (live or mock); null otherwise. */
  readonly approvedHash: string | null
  /** Who approved, when, in which mode: the standing approval, or the cleared one. */
  readonly approvedBy: string | null
  readonly approvedAt: string | null
  readonly approvedMode: "live" | "mock" | null
  readonly clearedAt: string | null
  /** Why it was cleared, in words ("agents.json changed in a builder turn", "revoked by Ada"). */
  readonly clearedReason: string | null
  /** The draft's current hash; null when agents.json is absent or has problems. */
  readonly currentHash: string | null
  readonly canApprove: boolean
  /** What the viewer's approval would give. */
  readonly approveMode: "live" | "mock" | null
  readonly canRevoke: boolean
}

export interface ConfigProblemView {
  readonly path: string
  readonly message: string
}

export type AgentRunStatusView = "queued" | "running" | "completed" | "failed" | "cancelled"

export interface AgentRunView {
  readonly id: string
  readonly agentId: string
  readonly agentName: string
  readonly status: AgentRunStatusView
  readonly mode: "live" | "mock"
  readonly scope: "draft" | "published"
  readonly triggeredBy: string | null
  /** Who cancelled it, for a cancelled run a person stopped; absent or null otherwise. */
  readonly cancelledBy?: string | null
  readonly prompt: string
  readonly createdAt: string
  readonly endedAt: string | null
  readonly error: string | null
  readonly canCancel: boolean
}

export interface AgentsPageView {
  /** Whether the app's source has an agents.json at all. */
  readonly present: boolean
  readonly problems: readonly ConfigProblemView[]
  /** The current configuration, when it is valid. */
  readonly summary: AgentsSummaryView | null
  readonly approval: ApprovalFacts
  /**
   * Approved (or last approved) and current effective configurations, for "Changes since approval";
   * `since` "live-approval": the left side is the last live approval (an admin facing a mock-only
   * one; null approved: nothing was approved live yet). Null when there is nothing to compare.
   */
  readonly changes: { readonly approved: unknown; readonly current: unknown; readonly since: "approval" | "live-approval" } | null
  readonly runs: readonly AgentRunView[]
}

/** The Approve button's words: what the viewer's approval would make of the agents. */
export const approveLabel = (mode: "live" | "mock") => (mode === "live" ? "Approve — live calls" : "Approve for mock data")

/** Whether approving now would change anything: a new configuration, or an admin turning mock into live. */
export function mayApproveNow(approval: ApprovalFacts): boolean {
  if (!approval.canApprove || approval.approveMode === null || approval.currentHash === null) return false
  const standing = (approval.state === "live" || approval.state === "mock") && approval.approvedHash === approval.currentHash
  return !standing || (approval.state === "mock" && approval.approveMode === "live")
}

/** "Approved live by Ada", "Approved for mock data by Bea": who made the standing approval, and how. */
export function approvedWords(approval: Pick<ApprovalFacts, "approvedMode" | "approvedBy">, verb = "Approved"): string {
  const how = approval.approvedMode === "mock" ? " for mock data" : approval.approvedMode === "live" ? " live" : ""
  return `${verb}${how}${approval.approvedBy ? ` by ${approval.approvedBy}` : ""}`
}
