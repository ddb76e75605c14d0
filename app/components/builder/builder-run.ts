// What the builder tools make of a whole run: whether it ended at a plan that waits for the
// person's approval, who approved it, whether its build was finished; and how the person may
// answer it. Pure and router-free, shared by the route, the run card and the tool cards.

import { builderToolOf } from "#shared/mcp/tool-names.ts"
import type { Transcript } from "#shared/runs/transcript.ts"
import { planInput, toolInputFields } from "./tool-input.ts"
import { endingApprovalStop } from "#shared/runs/approval-stop.ts"

/** Who approved a run's plan, and the run their approval started. */
export interface PlanApproval {
  readonly byUserId: string
  readonly byName: string
  /** ISO 8601. */
  readonly at: string
  readonly followUpRunId: string | null
}

/** "built" when the agent called done_building; "incomplete" when the turn changed files without it. */
export type BuildOutcome = { readonly state: "built"; readonly summary: string } | { readonly state: "incomplete" }

/** How the person can answer a run from its cards. */
export interface RunAnswer {
  readonly runId: string
  /** The latest run of the conversation, it completed, and nothing is running: its stops can be answered. */
  readonly answerable: boolean
  readonly approval: PlanApproval | null
  /** This run's answer in flight: an approval, or a message sent from one of its cards. */
  readonly pending: "approve" | "send" | null
}

/**
 * The index of the plan the transcript ended at (shared/runs/approval-stop.ts), when it is a
 * present_plan that reads as a plan; else -1. That call ended the turn, so the person's next word
 * is the answer to it.
 */
export function endingPlanIndex(parts: Transcript): number {
  const index = endingApprovalStop(parts)
  const part = parts[index]
  if (part?.kind !== "tool" || builderToolOf(part.name) !== "present_plan") return -1
  return part.output !== null && !part.isError && planInput(toolInputFields(part)) !== null ? index : -1
}

/** Whether the run completed at a plan that nobody has approved yet: the agent waits for the person. */
export function awaitsApproval(run: { readonly status: string; readonly transcript: Transcript; readonly approval?: PlanApproval | null }): boolean {
  return run.status === "completed" && !run.approval && endingPlanIndex(run.transcript) >= 0
}
