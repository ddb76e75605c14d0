// What the agents components' tests share: a configuration hash, and the approval facts of that
// configuration before anyone has approved it, with whatever a test changes.

import type { ApprovalFacts } from "./agents-view.ts"

export const HASH = `v1:${"a".repeat(64)}`

/** The facts of a configuration (HASH) nobody has approved, which the viewer may approve live; `extra` changes any of them. */
export const approvalFactsWith = (extra: Partial<ApprovalFacts> = {}): ApprovalFacts => ({
  state: "not-approved",
  approvedHash: null,
  approvedBy: null,
  approvedAt: null,
  approvedMode: null,
  clearedAt: null,
  clearedReason: null,
  currentHash: HASH,
  canApprove: true,
  approveMode: "live",
  canRevoke: false,
  ...extra,
})
