// A turn's events folded into what a person reads: text and reasoning merged into paragraphs,
// each tool call with its input and result, file changes, usage and errors. The browser folds
// the live stream with it, the worker folds the same events into the transcript it reports at
// the end of a turn, and the web persists that result, so all three agree by construction.

import type { RunEvent } from "../runtime/run-event.ts"

export type TranscriptPart =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "reasoning"; readonly text: string }
  | {
      readonly kind: "tool"
      readonly callId: string
      readonly name: string
      /** The tool's input as the runtime reported it (streamed input is joined into `inputText`). */
      readonly input: unknown
      readonly inputText: string
      readonly output: string | null
      readonly isError: boolean
    }
  | { readonly kind: "file"; readonly path: string; readonly change: "created" | "modified" | "deleted" }
  | {
      readonly kind: "usage"
      readonly inputTokens: number
      readonly outputTokens: number
      readonly cachedInputTokens: number | null
      readonly costUsd: number | null
    }
  | { readonly kind: "error"; readonly message: string; readonly code: string; readonly retryable: boolean }

export type Transcript = readonly TranscriptPart[]

/** Returns a new transcript with the event folded in; the input is never modified. */
export function foldEvent(transcript: Transcript, event: RunEvent): Transcript {
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
      const updated =
        event.type === "tool.input"
          ? { ...tool, inputText: tool.inputText + event.delta }
          : { ...tool, output: event.output, isError: event.isError }
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
    case "session.started":
    case "turn.completed":
    case "raw":
      return transcript
  }
}

export const foldEvents = (events: Iterable<RunEvent>, start: Transcript = []): Transcript => {
  let transcript = start
  for (const event of events) transcript = foldEvent(transcript, event)
  return transcript
}
