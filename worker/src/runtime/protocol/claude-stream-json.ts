// Claude Code's stream-json protocol (2.1.197, run as `claude -p --verbose --output-format
// stream-json --input-format stream-json --include-partial-messages …`), turned into RunEvents.
// Owns the mapping of every line Claude prints and the one stdin line that sends a user message;
// nothing here starts or watches processes, so a CLI upgrade touches this file alone.
//
// Two rules carry the weight:
// - Text is emitted once. With partial messages on, `stream_event` lines stream each message
//   (message_start … content_block_delta …) and Claude then prints the same content again as
//   `assistant` lines (one per finished content block, same message id). Messages announced by a
//   message_start are therefore not re-read from their `assistant` lines; messages that were
//   never streamed (no --include-partial-messages, or a CLI that stops streaming) still are.
// - One tool.started per callId, from whichever line reveals the call first. Streamed, that is
//   content_block_start with input null, followed by tool.input deltas whose concatenation is the
//   JSON input; the complete input in the later `assistant` line is not re-emitted. Not streamed,
//   the `assistant` line gives tool.started with the complete input and no tool.input.

import type { RunEvent } from "#shared/runtime/run-event.ts"
import {
  NOTHING, neverThrowing, numberOf, rawLine, readJsonLine, recordOf, recordsOf, stringOf,
  type Json, type LineParser, type ParsedLine,
} from "./parsed-line.ts"
import { redactSecrets } from "./redact-secrets.ts"
import { relativeToWorkdir } from "./relative-path.ts"
import { isRetryableStatus, statusKind } from "./http-failure.ts"
import { claudeToolName } from "./mcp-tool-names.ts"

/** The stdin line (without its newline) that sends one user message to `claude -p --input-format stream-json`. */
export function claudeUserMessage(text: string): string {
  return JSON.stringify({ type: "user", message: { role: "user", content: [{ type: "text", text }] } })
}

const TOOL_BLOCKS = new Set(["tool_use", "server_tool_use", "mcp_tool_use"])
const FILE_TOOLS = new Set(["Write", "Edit", "MultiEdit", "NotebookEdit"])
/** Kinds Claude puts in an `assistant` line's `error` field that a later retry may well get past. */
const RETRYABLE_KINDS = new Set(["rate_limit", "overloaded", "server_error"])
const TRANSIENT_TEXT = /overloaded|rate.?limit|timed? ?out|timeout|connection|network|ECONNRESET|ECONNREFUSED|socket hang up|\b5\d\d\b/i
const PERMANENT_TEXT = /auth|api key|permission|forbidden|invalid|sandbox|billing|credit/i

export function createClaudeStreamParser(options: { readonly workdir: string }): LineParser {
  /** Messages announced by a streamed message_start: their `assistant` lines repeat what was streamed. */
  let streamedMessages = new Set<string>()
  /** Content block index → tool_use id, for the message streaming now (indexes restart per message). */
  let blockCalls = new Map<number, string>()
  let startedCalls = new Set<string>()
  /** What each tool call was, to tell file changes apart when its result comes back. */
  let calls = new Map<string, { readonly name: string; input: unknown }>()
  /** The `error` kind of a synthetic assistant line (API failures), for the result that follows. */
  let errorKind: string | undefined
  /** total_cost_usd is cumulative over the process (all turns); usage events carry each turn's share. */
  let costSoFar = 0

  const startTool = (id: string, name: string, input: unknown): RunEvent[] => {
    if (startedCalls.has(id)) return []
    startedCalls.add(id)
    calls.set(id, { name, input })
    return [{ type: "tool.started", callId: id, name: claudeToolName(name), input: input ?? null }]
  }

  const streamEvent = (line: Json): ParsedLine => {
    const event = recordOf(line["event"])
    const sidechain = line["parent_tool_use_id"] != null
    switch (event["type"]) {
      case "message_start": {
        const id = stringOf(recordOf(event["message"])["id"])
        if (id !== undefined) streamedMessages.add(id)
        blockCalls = new Map()
        return NOTHING
      }
      case "content_block_start": {
        const block = recordOf(event["content_block"])
        const index = numberOf(event["index"])
        const id = stringOf(block["id"])
        const name = stringOf(block["name"])
        if (TOOL_BLOCKS.has(String(block["type"])) && id !== undefined && name !== undefined) {
          if (index !== undefined) blockCalls.set(index, id)
          return { events: startTool(id, name, null), turnEnded: false }
        }
        // Text and thinking blocks open empty; their content comes as deltas.
        return NOTHING
      }
      case "content_block_delta": {
        const delta = recordOf(event["delta"])
        switch (delta["type"]) {
          case "text_delta":
          case "thinking_delta": {
            const text = stringOf(delta["text"]) ?? stringOf(delta["thinking"]) ?? ""
            if (text === "" || sidechain) return NOTHING
            return { events: [{ type: delta["type"] === "text_delta" ? "text.delta" : "reasoning.delta", text }], turnEnded: false }
          }
          case "input_json_delta": {
            const callId = blockCalls.get(numberOf(event["index"]) ?? -1)
            const partial = stringOf(delta["partial_json"]) ?? ""
            if (callId === undefined) return rawLine("claude", line)
            return partial === "" ? NOTHING : { events: [{ type: "tool.input", callId, delta: partial }], turnEnded: false }
          }
          case "signature_delta":
          case "citations_delta":
            return NOTHING
          default:
            return rawLine("claude", line)
        }
      }
      case "content_block_stop":
      case "message_delta":
      case "message_stop":
      case "ping":
        return NOTHING
      default:
        return rawLine("claude", line)
    }
  }

  const assistant = (line: Json): ParsedLine => {
    // API failures arrive as a synthetic assistant message ("API Error: …") with an `error` kind;
    // that is not the model speaking, and the `result` line right after reports it as an error.
    if (typeof line["error"] === "string") {
      errorKind = line["error"]
      return NOTHING
    }
    const message = recordOf(line["message"])
    const id = stringOf(message["id"])
    const streamed = id !== undefined && streamedMessages.has(id)
    // A subagent's (Task) messages carry its parent call; its words are not the answer, its tools are real.
    const sidechain = line["parent_tool_use_id"] != null
    const events: RunEvent[] = []
    for (const block of recordsOf(message["content"])) {
      const type = String(block["type"])
      if (TOOL_BLOCKS.has(type)) {
        const callId = stringOf(block["id"])
        const name = stringOf(block["name"])
        if (callId === undefined || name === undefined) continue
        events.push(...startTool(callId, name, block["input"]))
        const known = calls.get(callId)
        if (known) known.input = block["input"]
      } else if (!streamed && !sidechain && type === "text") {
        const text = stringOf(block["text"]) ?? ""
        if (text !== "") events.push({ type: "text.delta", text })
      } else if (!streamed && !sidechain && type === "thinking") {
        const text = stringOf(block["thinking"]) ?? ""
        if (text !== "") events.push({ type: "reasoning.delta", text })
      }
    }
    return { events, turnEnded: false }
  }

  const user = (line: Json): ParsedLine => {
    const results = recordsOf(recordOf(line["message"])["content"]).filter((block) => block["type"] === "tool_result")
    // A user line without tool results is an echo or a notice ("[Request interrupted by user]").
    if (results.length === 0) return rawLine("claude", line)
    const structured = recordOf(line["tool_use_result"])
    const events: RunEvent[] = []
    for (const block of results) {
      const callId = stringOf(block["tool_use_id"])
      if (callId === undefined) continue
      const output = contentText(block["content"])
      const isError = block["is_error"] === true
      events.push({ type: "tool.result", callId, output, isError })
      const call = calls.get(callId)
      if (isError || call === undefined || !FILE_TOOLS.has(call.name)) continue
      const input = recordOf(call.input)
      // tool_use_result describes the (single) tool this line answers; the input is the fallback.
      const reported = results.length === 1 ? stringOf(structured["filePath"]) : undefined
      const path = reported ?? stringOf(input["file_path"]) ?? stringOf(input["notebook_path"])
      const relative = path === undefined ? undefined : relativeToWorkdir(path, options.workdir)
      if (relative === undefined) continue
      const created = call.name === "Write" && (structured["type"] === "create" || /^File created successfully/.test(output))
      events.push({ type: "file.changed", path: relative, change: created ? "created" : "modified" })
    }
    return { events, turnEnded: false }
  }

  const result = (line: Json): ParsedLine => {
    const events: RunEvent[] = []
    const usage = line["usage"]
    if (usage != null) {
      const counts = recordOf(usage)
      const fresh = numberOf(counts["input_tokens"]) ?? 0
      const cacheWrite = numberOf(counts["cache_creation_input_tokens"]) ?? 0
      const cacheRead = numberOf(counts["cache_read_input_tokens"])
      const total = numberOf(line["total_cost_usd"])
      const costUsd = total === undefined ? null : roundUsd(total >= costSoFar ? total - costSoFar : total)
      if (total !== undefined) costSoFar = total
      events.push({
        type: "usage",
        // Anthropic counts cached input apart; inputTokens is everything the model read.
        inputTokens: fresh + cacheWrite + (cacheRead ?? 0),
        outputTokens: numberOf(counts["output_tokens"]) ?? 0,
        cachedInputTokens: cacheRead ?? null,
        costUsd,
      })
    }
    const subtype = stringOf(line["subtype"]) ?? "unknown"
    if (String(line["terminal_reason"]).startsWith("aborted")) {
      events.push({ type: "turn.completed", outcome: "cancelled" })
    } else if (line["is_error"] === true || subtype !== "success") {
      events.push(resultError(line, subtype, errorKind), { type: "turn.completed", outcome: "failed" })
    } else {
      events.push({ type: "turn.completed", outcome: "completed" })
    }
    // Per-turn bookkeeping; session-wide cost stays.
    streamedMessages = new Set()
    blockCalls = new Map()
    startedCalls = new Set()
    calls = new Map()
    errorKind = undefined
    return { events, turnEnded: true }
  }

  return neverThrowing("claude", (text) => {
    const read = readJsonLine(text)
    if (read.kind === "blank") return NOTHING
    if (read.kind === "other") return rawLine("claude", read.payload)
    const line = read.value
    switch (line["type"]) {
      case "system": {
        const sessionId = stringOf(line["session_id"])
        if (line["subtype"] !== "init" || sessionId === undefined) return rawLine("claude", line)
        // Claude prints init at the start of every turn of a stream-json session: one session.started per turn.
        const model = stringOf(line["model"]) ?? null
        return { events: [{ type: "session.started", runtime: "claude", sessionId, model }], turnEnded: false, sessionId }
      }
      case "stream_event":
        return streamEvent(line)
      case "assistant":
        return assistant(line)
      case "user":
        return user(line)
      case "result":
        return result(line)
      default:
        return rawLine("claude", line)
    }
  })
}

/** A tool result's content as text: strings as they are, text blocks joined, other blocks named. */
function contentText(content: unknown): string {
  if (typeof content === "string") return content
  if (!Array.isArray(content)) return content == null ? "" : JSON.stringify(content)
  return content
    .map((block) => {
      const record = recordOf(block)
      if (typeof record["text"] === "string") return record["text"]
      // Images carry base64 data nobody wants in a text stream.
      return typeof record["type"] === "string" ? `[${record["type"]}]` : JSON.stringify(block)
    })
    .join("\n")
}

const roundUsd = (value: number): number => Math.round(value * 1e9) / 1e9

/**
 * The error event of a failed `result`. Retryable: HTTP 408/409/429/5xx (529 overloaded
 * included) or the kinds rate_limit/overloaded/server_error; never auth, billing, invalid
 * requests or the limits Claude enforces itself (max turns, budget), which a retry would hit
 * again; a crash during execution is retryable unless its message names a lasting cause.
 */
function resultError(line: Json, subtype: string, kind: string | undefined): RunEvent {
  const errors = Array.isArray(line["errors"]) ? line["errors"].filter((entry): entry is string => typeof entry === "string") : []
  // Shown to people and logged: an API error body can echo a key.
  const message = redactSecrets(stringOf(line["result"]) || errors.join("\n") || `Claude Code turn failed (${subtype})`)
  const status = numberOf(line["api_error_status"])
  if (status !== undefined) {
    const retryable = isRetryableStatus(status)
    return { type: "error", message, retryable, code: kind !== undefined && kind !== "unknown" ? kind : statusKind(status) }
  }
  if (kind !== undefined) {
    return { type: "error", message, retryable: RETRYABLE_KINDS.has(kind) || (kind === "unknown" && TRANSIENT_TEXT.test(message)), code: kind }
  }
  if (subtype === "error_during_execution") {
    return { type: "error", message, retryable: !PERMANENT_TEXT.test(message), code: "execution_error" }
  }
  if (subtype.startsWith("error_")) return { type: "error", message, retryable: false, code: subtype.slice("error_".length) }
  return { type: "error", message, retryable: TRANSIENT_TEXT.test(message), code: "unknown" }
}
