// What a finished turn left the app in, read from its transcript: "built" when the agent said so with
// done_building, "incomplete" when it changed files and ended without saying so (and without stopping
// for the person's approval), nothing to say otherwise. The chat shows it on the turn.

import { DoneBuildingInput } from "#shared/mcp/builder-tools.ts"
import { isApprovalStop } from "#shared/mcp/tool-names.ts"
import type { Transcript } from "#shared/runs/transcript.ts"
import { decodeToolInput, isCallOf, lastToolPart, returnedWithoutError, type ToolPart } from "./builder-tool-parts.ts"

export type RunBuild = { readonly state: "built"; readonly summary: string } | { readonly state: "incomplete" }

/** The runtimes' own file-writing tools (Claude Code, OpenCode, Codex): a call that returned changed files. */
export const FILE_WRITING_TOOLS: ReadonlySet<string> = new Set(["Write", "Edit", "MultiEdit", "write", "edit", "apply_patch"])

const wroteFiles = (transcript: Transcript) =>
  transcript.some((part) => part.kind === "file" || (part.kind === "tool" && FILE_WRITING_TOOLS.has(part.name) && returnedWithoutError(part)))

export function buildOutcome(status: "completed" | "failed" | "stopped", transcript: Transcript): RunBuild | null {
  const doneCalls = transcript.filter((part): part is ToolPart => part.kind === "tool" && isCallOf(part, "done_building") && returnedWithoutError(part))
  // The last summary is the one that describes the turn's end state.
  for (const call of doneCalls.toReversed()) {
    const input = decodeToolInput(DoneBuildingInput, call)
    if (input) return { state: "built", summary: input.summary }
  }
  if (status !== "completed" || !wroteFiles(transcript)) return null
  // A turn that stopped for approval is waiting for the person, not unfinished.
  const last = lastToolPart(transcript)
  if (last && isApprovalStop(last.name) && returnedWithoutError(last)) return null
  return { state: "incomplete" }
}
