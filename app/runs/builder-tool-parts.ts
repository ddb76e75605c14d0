// Reading the builder's own tool calls back out of a stored transcript: whether a call returned, and
// its input decoded with the tool's shared schema (the runtimes report streamed input as text, so
// `input` alone is not enough).

import { Exit, Schema } from "effect"
import { canonicalToolName } from "#shared/mcp/tool-names.ts"
import type { BuilderToolName } from "#shared/mcp/tool-names.ts"
import type { Transcript, TranscriptPart } from "#shared/runs/transcript.ts"

export type ToolPart = Extract<TranscriptPart, { kind: "tool" }>

/** A call that came back with a result, not an error, before its turn ended. */
export const returnedWithoutError = (part: ToolPart) => part.output !== null && !part.isError && part.cutShort === undefined

export const isCallOf = (part: ToolPart, tool: BuilderToolName) => part.name === canonicalToolName("second", tool)

/** The call's input as the schema reads it, from `input` or else the streamed `inputText`; null when neither decodes. */
export function decodeToolInput<S extends Schema.Top & { readonly DecodingServices: never }>(schema: S, part: ToolPart): S["Type"] | null {
  const decode = Schema.decodeUnknownExit(schema)
  for (const candidate of [part.input, parseJson(part.inputText)]) {
    if (candidate === undefined || candidate === null) continue
    const decoded = decode(candidate)
    if (Exit.isSuccess(decoded)) return decoded.value
  }
  return null
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
