// What a turn left the app in, read from its transcript: "built" when the agent said so with
// done_building after its last change, "incomplete" when a completed turn changed files and did not
// (unless it stopped at a plan for the person's approval), nothing to say otherwise. The chat shows
// it on the turn.

import { DoneBuildingInput } from "#shared/mcp/builder-tools.ts"
import { endingApprovalStop } from "#shared/runs/approval-stop.ts"
import type { Transcript } from "#shared/runs/transcript.ts"
import { decodeToolInput, isCallOf, returnedWithoutError } from "./builder-tool-parts.ts"

export type RunBuild = { readonly state: "built"; readonly summary: string } | { readonly state: "incomplete" }

/** The runtimes' own file-writing tools (Claude Code, OpenCode, Codex): a call that returned changed files. */
export const FILE_WRITING_TOOLS: ReadonlySet<string> = new Set(["Write", "Edit", "MultiEdit", "write", "edit", "apply_patch"])

const writesFiles = (part: Transcript[number]) =>
  part.kind === "file" || (part.kind === "tool" && FILE_WRITING_TOOLS.has(part.name) && returnedWithoutError(part))

export function buildOutcome(status: "completed" | "failed" | "stopped", transcript: Transcript): RunBuild | null {
  const lastWrite = transcript.findLastIndex(writesFiles)
  const lastDone = transcript.findLastIndex((part) => part.kind === "tool" && isCallOf(part, "done_building") && returnedWithoutError(part))
  // Said after the last change: the summary describes the app as the turn left it.
  const done = transcript[lastDone]
  if (done?.kind === "tool" && lastDone > lastWrite) {
    const input = decodeToolInput(DoneBuildingInput, done)
    if (input) return { state: "built", summary: input.summary }
  }
  // A turn that stopped or failed says so itself; only a completed one is left unfinished.
  if (status !== "completed" || lastWrite < 0) return null
  // Stopped at a plan, the agent waits for the person (it should not have written yet, but the
  // plan is what they answer). Suggestions come after done_building, so they excuse nothing.
  const ending = transcript[endingApprovalStop(transcript)]
  if (ending?.kind === "tool" && isCallOf(ending, "present_plan")) return null
  return { state: "incomplete" }
}
