// Where a finished turn stopped for the person: the approval-stop call (present_plan,
// present_suggestions) it ended at. Calls of the builder's other tools may finish after it (the
// pipeline lets calls made alongside it return); anything the runtime did after it means the turn
// went on. Read by the web (approving a plan, a build's outcome) and the browser (the plan card's
// buttons), so it is plain TypeScript with no Effect.

import { builderToolOf, isApprovalStop } from "../mcp/tool-names.ts"
import type { Transcript } from "./transcript.ts"

/** The index of the approval-stop call the turn ended at, or -1. */
export function endingApprovalStop(transcript: Transcript): number {
  for (let index = transcript.length - 1; index >= 0; index -= 1) {
    const part = transcript[index]!
    if (part.kind === "file") return -1
    if (part.kind !== "tool") continue
    if (isApprovalStop(part.name)) return part.output !== null && !part.isError && part.cutShort === undefined ? index : -1
    if (builderToolOf(part.name) === null) return -1
  }
  return -1
}
