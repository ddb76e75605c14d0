// A turn's events folded into a transcript (the stream's run.settled adds nothing). The browser
// folds the live stream with it, the worker folds the same events into the transcript it reports
// at the end of a turn, and the web persists that result, so all three agree by construction.
// Free of Effect: the browser bundles it.

import type { RunStreamEvent } from "./run-stream.ts"
import type { ToolCallCutShort, Transcript, TranscriptPart } from "./transcript.ts"

/** How much of a build's output a transcript keeps: the end, where the errors are. */
export const BUILD_OUTPUT_TAIL = 8_000

const tail = (text: string) => (text.length > BUILD_OUTPUT_TAIL ? text.slice(text.length - BUILD_OUTPUT_TAIL) : text)

/**
 * Closes every tool call still open when a turn ends: failed for a failed turn, stopped for any
 * other end (a stop, or a turn that completed without the tool's result). The web applies it to
 * transcripts it settles from an unfinished stream, where no turn.completed was folded.
 */
export function closeOpenToolCalls(transcript: Transcript, cutShort: ToolCallCutShort): Transcript {
  if (!transcript.some(isOpenToolCall)) return transcript
  return transcript.map((part) => (isOpenToolCall(part) ? { ...part, cutShort } : part))
}

const isOpenToolCall = (part: TranscriptPart) => part.kind === "tool" && part.output === null && part.cutShort === undefined

/** Returns a new transcript with the event folded in; the input is never modified. */
export function foldEvent(transcript: Transcript, event: RunStreamEvent): Transcript {
  const last = transcript.at(-1)
  const replaceLast = (part: TranscriptPart) => [...transcript.slice(0, -1), part]
  switch (event.type) {
    case "text.delta":
    case "reasoning.delta": {
      const kind = event.type === "text.delta" ? "text" : "reasoning"
      if (last?.kind === kind) return replaceLast({ kind, text: last.text + event.text })
      return [...transcript, { kind, text: event.text }]
    }
    case "tool.started":
      return [
        ...transcript,
        { kind: "tool", callId: event.callId, name: event.name, input: event.input, inputText: "", output: null, isError: false },
      ]
    case "tool.input":
    case "tool.result": {
      const index = transcript.findLastIndex((part) => part.kind === "tool" && part.callId === event.callId)
      const tool = transcript[index]
      if (tool?.kind !== "tool") return transcript
      const { cutShort: _, ...returned } = tool
      const updated =
        event.type === "tool.input"
          ? { ...tool, inputText: tool.inputText + event.delta }
          : { ...returned, output: event.output, isError: event.isError }
      return transcript.map((part, at) => (at === index ? updated : part))
    }
    case "file.changed":
      return [...transcript, { kind: "file", path: event.path, change: event.change }]
    case "usage": {
      const { type: _type, ...usage } = event
      return [...transcript, { kind: "usage", ...usage }]
    }
    case "error":
      return [...transcript, { kind: "error", message: event.message, code: event.code, retryable: event.retryable }]
    case "build.started":
      return [
        ...transcript,
        { kind: "build", buildId: event.buildId, state: "running", output: "", message: null, durationMs: null, problems: [], versionNumber: null },
      ]
    case "build.output":
    case "build.finished": {
      const index = transcript.findLastIndex((part) => part.kind === "build" && part.buildId === event.buildId)
      const build = transcript[index]
      if (build?.kind !== "build") return transcript
      const updated =
        event.type === "build.output"
          ? { ...build, output: tail(build.output + event.text) }
          : {
              ...build,
              state: event.ok ? ("succeeded" as const) : ("failed" as const),
              message: event.message,
              durationMs: event.durationMs,
              problems: event.problems,
              versionNumber: event.versionNumber,
            }
      return transcript.map((part, at) => (at === index ? updated : part))
    }
    case "turn.completed":
      return closeOpenToolCalls(transcript, event.outcome === "failed" ? "failed" : "stopped")
    case "session.started":
    case "raw":
    case "run.settled":
      return transcript
  }
}

export const foldEvents = (events: Iterable<RunStreamEvent>, start: Transcript = []): Transcript => {
  let transcript = start
  for (const event of events) transcript = foldEvent(transcript, event)
  return transcript
}
