// When the runtime that takes a message has not seen the conversation (the person switched
// runtimes, or a new worker lost the native session), the earlier turns are handed over as text
// in front of the new message, so the agent continues instead of starting over.

import type { Transcript } from "#shared/runs/transcript.ts"
import type { RunDocument } from "../store/collections.server.ts"

/** Keeps the newest part of a long conversation; the agent can read the files for the rest. */
const MAX_HANDOFF_CHARS = 40_000
/** The most turns read for a handover: far more than fit in its characters, unless they are tiny. */
export const HANDOFF_TURNS = 200

const assistantText = (transcript: Transcript) =>
  transcript
    .map((part) => {
      if (part.kind === "text") return part.text
      if (part.kind === "tool") return `[used ${part.name}]`
      if (part.kind === "file") return `[${part.change} ${part.path}]`
      return ""
    })
    .filter((text) => text.length > 0)
    .join("\n")

export function withHandoff(prompt: string, earlier: readonly RunDocument[]): string {
  if (earlier.length === 0) return prompt
  const turns = earlier.map((run) => `User: ${run.prompt}\nAssistant: ${assistantText(run.transcript) || `(${run.status})`}`)
  let history = turns.join("\n\n")
  if (history.length > MAX_HANDOFF_CHARS) history = `…${history.slice(history.length - MAX_HANDOFF_CHARS)}`
  return [
    "You are continuing a conversation about this app that started in another agent session.",
    "The app's current files are in the working directory. The conversation so far:",
    "",
    history,
    "",
    "The new message:",
    prompt,
  ].join("\n")
}
