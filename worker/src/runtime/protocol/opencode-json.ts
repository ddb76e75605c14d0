// OpenCode's `opencode run --format json` output (1.18.33), turned into RunEvents. Owns the
// mapping of every line OpenCode prints; nothing here starts or watches processes, so a CLI
// upgrade touches this file alone.
//
// What `run --format json` prints (read from the CLI, confirmed against the fake model): one
// object a line, {type, timestamp, sessionID, part | error}, with type step_start, text,
// reasoning (only with --thinking), tool_use, step_finish or error. Parts are printed when they
// are finished — text and reasoning once their time.end is set, tools once completed or failed —
// so text does not stream token by token and a tool shows up with its result. The parser still
// copes with a part printed several times (emitting only new text, one tool.started per callId)
// in case a later version streams. The model is never named in this output, hence the option.
//
// End of the run: OpenCode loops over steps until one finishes for a reason other than
// "tool-calls" or "unknown", then the session goes idle and the process exits. So a step_finish
// with any other reason ends the turn — except "content-filter" and "error", after which OpenCode
// prints an `error` line, which then ends the turn as failed. An `error` line with no finished
// step before it (a rejected API call) ends the turn too.
//
// Failures inside OpenCode's own server (a model it does not have, a provider it cannot set up)
// reach stdout only as an UnknownError "Unexpected server error. Check server logs for
// details." with a `ref`, and the process exits 1. (OpenCode also publishes the real reason as a
// session error, but `run` prints the failed prompt call and exits before that event arrives.)
// The reason is in OpenCode's error log under the same ref — and only on stderr when the process
// runs with OPENCODE_ERROR_LOG (its log file loses the line when the process exits), as
//   timestamp=… level=ERROR run=… message=failed ref=err_1f8b7923 error="ProviderModelNotFoundError: Model not found: foo/bar. Did you mean: …?" cause="…stack…"
// so the parser takes the process's stderr as an option and looks the ref up there. OpenCode
// writes that line about 10 ms before the stdout line.

import type { RunEvent } from "#shared/runtime/run-event.ts"
import {
  NOTHING, neverThrowing, numberOf, rawLine, readJsonLine, recordOf, recordsOf, stringOf,
  type Json, type LineParser, type ParsedLine,
} from "./parsed-line.ts"
import { redactSecrets } from "./redact-secrets.ts"
import { relativeToWorkdir } from "./relative-path.ts"
import { isRetryableStatus, statusKind } from "./http-failure.ts"
import { opencodeToolName } from "./mcp-tool-names.ts"

/** step_finish reasons after which OpenCode runs another step. */
const CONTINUING = new Set(["tool-calls", "unknown"])
/** step_finish reasons after which OpenCode reports an error line that ends the run. */
const FAILING = new Set(["content-filter", "error"])
const TRANSIENT_TEXT = /overloaded|rate.?limit|timed? ?out|timeout|connect|network|ECONNRESET|ECONNREFUSED|socket hang up|temporarily/i

/**
 * The environment that makes OpenCode print its error log lines — and nothing else — on stderr
 * (the same as `--print-logs --log-level ERROR`). Without it the reason behind an "Unexpected
 * server error" is lost. A run that goes well prints nothing there.
 */
export const OPENCODE_ERROR_LOG = { OPENCODE_PRINT_LOGS: "1", OPENCODE_LOG_LEVEL: "ERROR" } as const

export interface OpencodeParserOptions {
  readonly workdir: string
  /** The model given to --model ("provider/model"), reported in session.started and in errors. */
  readonly model?: string
  /**
   * OpenCode's stderr so far (the process's stderr tail), read when an error line refers to its
   * log. Run OpenCode with OPENCODE_ERROR_LOG, or there is nothing to find.
   */
  readonly stderr?: () => string
}

export function createOpencodeParser(options: OpencodeParserOptions): LineParser {
  let sessionId: string | undefined
  let turnOpen = true
  /** Text already emitted per part id, so a part printed again only adds what is new. */
  const partText = new Map<string, string>()
  const startedCalls = new Set<string>()
  const finishedCalls = new Set<string>()

  const grown = (partId: string, text: string): string => {
    const before = partText.get(partId) ?? ""
    // A rewrite that is not an extension cannot be taken back from the stream; keep what was shown.
    if (!text.startsWith(before)) return ""
    partText.set(partId, text)
    return text.slice(before.length)
  }

  const tool = (part: Json): RunEvent[] => {
    const state = recordOf(part["state"])
    const callId = stringOf(part["callID"]) ?? stringOf(part["id"])
    const name = stringOf(part["tool"]) ?? "unknown"
    if (callId === undefined) return []
    const events: RunEvent[] = []
    if (!startedCalls.has(callId)) {
      startedCalls.add(callId)
      events.push({ type: "tool.started", callId, name: opencodeToolName(name), input: state["input"] ?? null })
    }
    const status = state["status"]
    if ((status !== "completed" && status !== "error") || finishedCalls.has(callId)) return events
    finishedCalls.add(callId)
    const isError = status === "error"
    const output = stringOf(isError ? state["error"] : state["output"]) ?? ""
    events.push({ type: "tool.result", callId, output, isError })
    if (!isError) events.push(...fileChanges(name, state, options.workdir))
    return events
  }

  const endTurn = (outcome: "completed" | "cancelled" | "failed", events: RunEvent[]): ParsedLine => {
    if (!turnOpen) return { events, turnEnded: false }
    turnOpen = false
    return { events: [...events, { type: "turn.completed", outcome }], turnEnded: true }
  }

  const body = (line: Json): ParsedLine => {
    const part = recordOf(line["part"])
    switch (line["type"]) {
      case "step_start":
        turnOpen = true
        return NOTHING
      case "text":
      case "reasoning": {
        const text = grown(stringOf(part["id"]) ?? String(line["type"]), stringOf(part["text"]) ?? "")
        if (text === "") return NOTHING
        return { events: [{ type: line["type"] === "text" ? "text.delta" : "reasoning.delta", text }], turnEnded: false }
      }
      case "tool_use":
        return { events: tool(part), turnEnded: false }
      case "step_finish": {
        const tokens = recordOf(part["tokens"])
        const cache = recordOf(tokens["cache"])
        const cacheRead = numberOf(cache["read"])
        const usage: RunEvent = {
          type: "usage",
          // OpenCode counts cached input apart and reasoning apart from output; these are totals.
          inputTokens: (numberOf(tokens["input"]) ?? 0) + (cacheRead ?? 0) + (numberOf(cache["write"]) ?? 0),
          outputTokens: (numberOf(tokens["output"]) ?? 0) + (numberOf(tokens["reasoning"]) ?? 0),
          cachedInputTokens: cacheRead ?? null,
          costUsd: numberOf(part["cost"]) ?? null,
        }
        const reason = stringOf(part["reason"]) ?? "unknown"
        if (CONTINUING.has(reason) || FAILING.has(reason)) return { events: [usage], turnEnded: false }
        return endTurn("completed", [usage])
      }
      case "error": {
        const { event, cancelled } = errorEvent(recordOf(line["error"]), options)
        return endTurn(cancelled ? "cancelled" : "failed", [event])
      }
      default:
        return rawLine("opencode", line)
    }
  }

  return neverThrowing("opencode", (text) => {
    const read = readJsonLine(text)
    if (read.kind === "blank") return NOTHING
    if (read.kind === "other") return rawLine("opencode", read.payload)
    const line = read.value
    const parsed = body(line)
    const revealed = stringOf(line["sessionID"]) ?? stringOf(recordOf(line["part"])["sessionID"])
    if (sessionId !== undefined || revealed === undefined) return parsed
    sessionId = revealed
    const started: RunEvent = { type: "session.started", runtime: "opencode", sessionId, model: options.model ?? null }
    return { ...parsed, events: [started, ...parsed.events], sessionId }
  })
}

/** Files a finished tool changed, from its input and the metadata OpenCode attaches. */
function fileChanges(tool: string, state: Json, workdir: string): RunEvent[] {
  const input = recordOf(state["input"])
  const metadata = recordOf(state["metadata"])
  const change = (path: string | undefined, kind: "created" | "modified" | "deleted"): RunEvent[] => {
    const relative = path === undefined ? undefined : relativeToWorkdir(path, workdir)
    return relative === undefined ? [] : [{ type: "file.changed", path: relative, change: kind }]
  }
  switch (tool) {
    case "write":
      // metadata.exists tells whether the file was there before the write.
      return change(stringOf(input["filePath"]) ?? stringOf(metadata["filepath"]), metadata["exists"] === false ? "created" : "modified")
    case "edit":
    case "multiedit":
      return change(stringOf(input["filePath"]) ?? stringOf(recordOf(metadata["filediff"])["file"]), "modified")
    case "apply_patch":
    case "patch":
      // The patch tool (used for GPT models) lists each file with add/update/move/delete.
      return recordsOf(metadata["files"]).flatMap((file) => {
        const path = stringOf(file["filePath"])
        switch (file["type"]) {
          case "add":
            return change(path, "created")
          case "delete":
            return change(path, "deleted")
          case "move":
            return [...change(path, "deleted"), ...change(stringOf(file["movePath"]), "created")]
          default:
            return change(path, "modified")
        }
      })
    default:
      return []
  }
}

/** OpenCode's named errors whose cause a plain retry does not remove. */
const LASTING_ERRORS: Readonly<Record<string, string>> = {
  ProviderAuthError: "authentication_failed",
  MessageOutputLengthError: "max_output_tokens",
  ContextOverflowError: "context_overflow",
  ContentFilterError: "content_filter",
}

/** What OpenCode says, word for word, when it has no such model (ProviderModelNotFoundError's message). */
const MODEL_NOT_FOUND = /^Model not found: (\S+?)\.(?:\s|$)/
/** The message of OpenCode's server when a request failed inside it; the reason is logged under `ref`. */
const INTERNAL_ERROR = /^Unexpected server error\b/
/** A message shown to a person stays one readable line. */
const MAX_REASON = 500

/** One ERROR line of OpenCode's log: its ref and the `error` field ("Name: message"). */
interface LoggedError {
  readonly ref: string | undefined
  readonly name: string
  readonly message: string
}

/** The value of `key="…"` (escaped quotes and newlines inside) or `key=word` in a logfmt line. */
function logField(logLine: string, key: string): string | undefined {
  const match = new RegExp(`(?:^|\\s)${key}=(?:"((?:[^"\\\\]|\\\\.)*)"|(\\S+))`).exec(logLine)
  if (!match) return undefined
  if (match[2] !== undefined) return match[2]
  try {
    return JSON.parse(`"${match[1]}"`) as string
  } catch {
    return match[1]
  }
}

/** Every ERROR line OpenCode printed on stderr (with OPENCODE_ERROR_LOG), oldest first. */
function loggedErrors(stderr: string): LoggedError[] {
  return stderr.split("\n").flatMap((logLine) => {
    if (!/(?:^|\s)level=ERROR(?:\s|$)/.test(logLine)) return []
    const error = logField(logLine, "error")
    if (error === undefined) return []
    const firstLine = error.split("\n")[0]!.trim()
    const named = /^([A-Za-z][\w.]*(?:Error|Exception)): ([\s\S]*)$/.exec(firstLine)
    return [{ ref: logField(logLine, "ref"), name: named?.[1] ?? "UnknownError", message: (named?.[2] ?? firstLine).trim() }]
  })
}

const oneLine = (text: string): string => redactSecrets(text.replace(/\s+/g, " ").trim().slice(0, MAX_REASON))

/**
 * The errors OpenCode logged on stderr (run it with OPENCODE_ERROR_LOG), each as one redacted
 * line "Name: message (ref …)", for the worker's own log.
 */
export function opencodeLoggedErrors(stderr: string): string[] {
  return loggedErrors(stderr).map((error) => oneLine(`${error.name}: ${error.message}${error.ref ? ` (ref ${error.ref})` : ""}`))
}

const snakeCase = (name: string): string => name.replace(/Error$/, "").replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase() || "unknown"

/**
 * The error event of an `error` line. Retryable: what OpenCode itself says (APIError's
 * isRetryable: HTTP 408/409/429/5xx, connection failures), else by status, else by message
 * (timeouts, connection resets, overload); never auth, output length, context overflow or content
 * filter. An aborted message is a cancellation, not a failure to retry. A failure inside
 * OpenCode's server is told by the reason it logged under the line's ref: a model it does not
 * have is "model_unavailable" (retryable, as a person may pick another model or fix the config
 * and try again); without the log, the event still names the model and the ref.
 */
function errorEvent(error: Json, options: OpencodeParserOptions): { readonly event: RunEvent; readonly cancelled: boolean } {
  const name = stringOf(error["name"]) ?? "UnknownError"
  const data = recordOf(error["data"])
  const status = numberOf(data["statusCode"])
  let message = stringOf(data["message"]) ?? stringOf(error["message"]) ?? name
  if (status === undefined && (INTERNAL_ERROR.test(message) || MODEL_NOT_FOUND.test(message))) {
    return { event: internalErrorEvent(message, stringOf(data["ref"]), options), cancelled: false }
  }
  if (status !== undefined && !message.includes(String(status))) message = `${message} (HTTP ${status})`
  message = redactSecrets(message)
  if (name === "MessageAbortedError") return { event: { type: "error", message, retryable: false, code: "aborted" }, cancelled: true }
  const lasting = LASTING_ERRORS[name]
  if (lasting !== undefined) return { event: { type: "error", message, retryable: false, code: lasting }, cancelled: false }
  const stated = typeof data["isRetryable"] === "boolean" ? data["isRetryable"] : undefined
  const retryable = stated ?? (status !== undefined ? isRetryableStatus(status) : TRANSIENT_TEXT.test(message))
  const code = status !== undefined ? statusKind(status) : snakeCase(name)
  return { event: { type: "error", message, retryable, code }, cancelled: false }
}

/**
 * A failure inside OpenCode: its reason, from the line itself (the session error "Model not
 * found: …") or from what OpenCode logged on stderr under the line's ref.
 */
function internalErrorEvent(said: string, ref: string | undefined, options: OpencodeParserOptions): RunEvent {
  const logged: LoggedError | undefined = MODEL_NOT_FOUND.test(said)
    ? { ref, name: "ProviderModelNotFoundError", message: said }
    : ref === undefined ? undefined : loggedErrors(options.stderr?.() ?? "").findLast((entry) => entry.ref === ref)
  const model = options.model ?? (logged ? MODEL_NOT_FOUND.exec(logged.message)?.[1] : undefined)
  const failed = (message: string, retryable: boolean, code: string): RunEvent => ({ type: "error", message: oneLine(message), retryable, code })
  if (logged === undefined) {
    const refText = ref ? ` (ref ${ref})` : ""
    return failed(`OpenCode failed with an internal error it did not explain${refText}${model ? ` while running model ${model}` : ""}`, true, "opencode_internal")
  }
  if (logged.name === "ProviderModelNotFoundError" || MODEL_NOT_FOUND.test(logged.message)) {
    return failed(`Model ${model ?? "requested"} is not available to OpenCode: ${logged.message}`, true, "model_unavailable")
  }
  const lasting = LASTING_ERRORS[logged.name]
  return failed(`OpenCode could not run ${model ? `model ${model}` : "the turn"}: ${logged.message}`, lasting === undefined, lasting ?? snakeCase(logged.name))
}
