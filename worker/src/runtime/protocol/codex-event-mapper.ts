// Codex app-server notifications → RunEvents, one mapper per app-server process. Stateful: it
// follows the thread the process last started (thread/started) or resumed (no thread/started
// then: the thread's first turn/started announces it) and that thread's active turn, remembers
// which items already streamed deltas, and sums the turn's token usage. Notifications of
// sub-agents' threads and anything not understood are kept as `raw`; chatter with nothing for a
// run stream (status changes, rate limits, the user's own message) is dropped on purpose. Never
// throws on unexpected input.

import { posix } from "node:path"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import { codexMcpToolName } from "./mcp-tool-names.ts"
import { redactSecrets } from "./redact-secrets.ts"

export interface CodexMapped {
  readonly events: RunEvent[]
  /** True on the session thread's turn/completed: the turn is over. */
  readonly turnEnded: boolean
  /** Set when this notification told the session's thread id. */
  readonly threadId?: string
}

export interface CodexEventMapper {
  map(method: string, params: unknown): CodexMapped
}

type Rec = Record<string, unknown>
const rec = (value: unknown): Rec => (value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Rec) : {})
const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined)
const num = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0)

/** Known notifications that carry nothing for a run stream. */
const IGNORED = new Set([
  "thread/status/changed", "account/rateLimits/updated", "serverRequest/resolved", "remoteControl/status/changed",
  "account/login/completed", "account/updated", "thread/goal/cleared", "turn/diff/updated", "item/fileChange/outputDelta",
  "item/reasoning/summaryPartAdded", "mcpServer/startupStatus/updated", "skills/changed", "thread/settings/updated",
])

/** Bound on tool output kept in one event: a command printing megabytes must not bloat the stream. */
const MAX_OUTPUT_CHARS = 32_000
const bounded = (text: string) => (text.length > MAX_OUTPUT_CHARS ? `${text.slice(0, MAX_OUTPUT_CHARS)}\n… (${text.length - MAX_OUTPUT_CHARS} more characters)` : text)

// codexErrorInfo values that mean "try again later", and those that never get better by retrying.
const RETRYABLE_INFO = new Set(["rateLimitExceeded", "serverOverloaded", "internalServerError", "flexUnavailable", "policyCapacityUnavailable"])
const RETRYABLE_TEXT = /rate.?limit|too many requests|overloaded|high demand|temporar|timed? ?out|\b5\d\d\b/i
const FINAL_TEXT = /unauthori[sz]ed|forbidden|invalid.?api.?key|invalid_request|\b40[0134]\b/i

/**
 * Whether the same message may well work if tried again: Codex says it retries itself, the error
 * is a rate limit, overload or server error (by codexErrorInfo, HTTP status, or failing those the
 * message), or a connection failed with no HTTP status. Auth and invalid requests never are.
 */
export function classifyCodexError(message: string, info: unknown, willRetry: boolean): { retryable: boolean; code: string } {
  const variant = typeof info === "string" ? info : Object.keys(rec(info))[0]
  const verdict = (retryable: boolean) => ({ retryable, code: variant ?? "unknown" })
  if (willRetry || (variant !== undefined && RETRYABLE_INFO.has(variant))) return verdict(true)
  if (variant !== undefined && typeof info === "object" && info !== null) {
    // httpConnectionFailed, responseStreamDisconnected, responseTooManyFailedAttempts, …
    const status = rec(rec(info)[variant])["httpStatusCode"]
    if (typeof status === "number") return verdict(status === 408 || status === 429 || status >= 500)
    if (status === null) return verdict(true) // no HTTP answer at all: the network, not the request
  }
  // unauthorized, badRequest, usageLimitExceeded, contextWindowExceeded, …: retrying the same fails the same.
  if (typeof info === "string" && info !== "other") return verdict(false)
  return verdict(!FINAL_TEXT.test(message) && RETRYABLE_TEXT.test(message))
}

const CHANGE_KIND = { add: "created", update: "modified", delete: "deleted" } as const
const CHANGE_LETTER = { add: "A", update: "M", delete: "D" } as const

export function createCodexEventMapper(options: { readonly workdir: string; readonly model?: string | null }): CodexEventMapper {
  let threadId: string | undefined
  let turnId: string | undefined
  const subAgents = new Set<string>()
  let turnErrorSent = false
  let usage: { input: number; output: number; cached: number } | undefined
  const streamed = new Set<string>() // items whose text already came as deltas
  const started = new Set<string>() // tool items that got their tool.started
  const output = new Map<string, string>() // command output deltas, for when aggregatedOutput is null

  /** The path relative to the working directory, or undefined when it lies outside it. */
  const relativePath = (path: string): string | undefined => {
    const inside = posix.relative(posix.normalize(options.workdir), posix.resolve(options.workdir, path))
    return inside === "" || inside === ".." || inside.startsWith("../") || posix.isAbsolute(inside) ? undefined : inside
  }
  const raw = (method: string, params: unknown): CodexMapped => ({ events: [{ type: "raw", runtime: "codex", payload: { method, params } }], turnEnded: false })
  const none: CodexMapped = { events: [], turnEnded: false }
  const startSession = (id: string, model: string | null): CodexMapped => {
    threadId = id
    resetTurn()
    return { events: [{ type: "session.started", runtime: "codex", sessionId: id, model }], turnEnded: false, threadId: id }
  }
  /** Forgets the turn: its usage, its errors, which of its items streamed or started. */
  function resetTurn(): void {
    turnId = undefined
    turnErrorSent = false
    usage = undefined
    streamed.clear()
    started.clear()
    output.clear()
  }
  const error = (message: string, info: unknown, willRetry: boolean): RunEvent => ({ type: "error", message: redactSecrets(message), ...classifyCodexError(message, info, willRetry) })

  function toolStart(item: Rec, id: string): RunEvent[] {
    if (started.has(id)) return []
    started.add(id)
    const type = item["type"]
    if (type === "commandExecution") return [{ type: "tool.started", callId: id, name: "shell", input: { command: str(item["command"]) ?? "" } }]
    if (type === "fileChange") {
      const changes = Array.isArray(item["changes"]) ? item["changes"].map(rec) : []
      return [{ type: "tool.started", callId: id, name: "apply_patch", input: { changes: changes.map((change) => ({ path: relativePath(str(change["path"]) ?? "") ?? str(change["path"]) ?? "", kind: str(rec(change["kind"])["type"]) ?? "unknown" })) } }]
    }
    if (type === "mcpToolCall") return [{ type: "tool.started", callId: id, name: codexMcpToolName(str(item["server"]) ?? "unknown", str(item["tool"]) ?? "unknown"), input: item["arguments"] ?? null }]
    if (type === "dynamicToolCall") return [{ type: "tool.started", callId: id, name: str(item["tool"]) ?? "unknown", input: item["arguments"] ?? null }]
    return [{ type: "tool.started", callId: id, name: "web_search", input: { query: str(item["query"]) ?? "" } }]
  }

  function toolEnd(item: Rec, id: string): RunEvent[] {
    const status = str(item["status"])
    const refused = status === "failed" || status === "declined"
    const events = toolStart(item, id)
    const result = (text: string, isError: boolean) => events.push({ type: "tool.result", callId: id, output: bounded(text), isError })
    switch (item["type"]) {
      case "commandExecution": {
        const exitCode = item["exitCode"]
        const text = str(item["aggregatedOutput"]) ?? output.get(id) ?? ""
        output.delete(id)
        result(status === "declined" ? `declined${text ? `\n${text}` : ""}` : text, refused || (typeof exitCode === "number" && exitCode !== 0))
        break
      }
      case "fileChange": {
        const changes = (Array.isArray(item["changes"]) ? item["changes"] : []).map(rec).flatMap((change): { path: string; type: keyof typeof CHANGE_KIND }[] => {
          const kind = rec(change["kind"])
          const type = str(kind["type"])
          const path = str(change["path"])
          if (path === undefined || (type !== "add" && type !== "update" && type !== "delete")) return []
          const movedTo = str(kind["move_path"])
          // A rename: the old path is gone and the content lives at the new one.
          if (type === "update" && movedTo) return [{ path, type: "delete" }, { path: movedTo, type: "add" }]
          return [{ path, type }]
        })
        result(status === "completed" ? changes.map((change) => `${CHANGE_LETTER[change.type]} ${relativePath(change.path) ?? change.path}`).join("\n") : `${status ?? "unknown"}: the patch was not applied`, status !== "completed")
        // Only changes that reached the disk (a declined or failed patch changed nothing), and
        // only inside the working directory: a file elsewhere is not the app's.
        if (status === "completed") {
          for (const change of changes) {
            const path = relativePath(change.path)
            if (path !== undefined) events.push({ type: "file.changed", path, change: CHANGE_KIND[change.type] })
          }
        }
        break
      }
      case "mcpToolCall":
      case "dynamicToolCall": {
        const failure = str(rec(item["error"])["message"])
        const content = item["type"] === "mcpToolCall" ? rec(item["result"])["content"] : item["contentItems"]
        const texts = (Array.isArray(content) ? content : []).map((part) => str(rec(part)["text"])).filter((text) => text !== undefined)
        const text = failure ?? (texts.length > 0 ? texts.join("\n") : JSON.stringify(rec(item["result"])["structuredContent"] ?? ""))
        result(text, refused || failure !== undefined || item["success"] === false)
        break
      }
      default:
        result(JSON.stringify(item["results"] ?? item["action"] ?? null), refused)
    }
    return events
  }

  function item(method: string, params: Rec): CodexMapped {
    const value = rec(params["item"])
    const id = str(value["id"]) ?? ""
    const completed = method === "item/completed"
    switch (value["type"]) {
      case "userMessage":
        return none
      case "agentMessage":
      case "reasoning": {
        if (!completed || streamed.delete(id)) return none
        // No deltas came for it (a replayed or non-streamed item): its text, once.
        const text = value["type"] === "agentMessage" ? (str(value["text"]) ?? "") : [value["summary"], value["content"]].flatMap((part) => (Array.isArray(part) ? part.filter((s): s is string => typeof s === "string") : [])).join("\n")
        if (text === "") return none
        return { events: [{ type: value["type"] === "agentMessage" ? "text.delta" : "reasoning.delta", text }], turnEnded: false }
      }
      case "commandExecution":
      case "fileChange":
      case "mcpToolCall":
      case "dynamicToolCall":
      case "webSearch": {
        const events = completed ? toolEnd(value, id) : toolStart(value, id)
        if (completed) started.delete(id)
        return { events, turnEnded: false }
      }
      default:
        return raw(method, params)
    }
  }

  function turnCompleted(params: Rec): CodexMapped {
    const turn = rec(params["turn"])
    const status = str(turn["status"])
    const events: RunEvent[] = []
    if (usage) events.push({ type: "usage", inputTokens: usage.input, outputTokens: usage.output, cachedInputTokens: usage.cached, costUsd: null })
    const turnError = rec(turn["error"])
    if (status === "failed" && !turnErrorSent) events.push(error(str(turnError["message"]) ?? "the Codex turn failed", turnError["codexErrorInfo"], false))
    events.push({ type: "turn.completed", outcome: status === "completed" ? "completed" : status === "interrupted" ? "cancelled" : "failed" })
    resetTurn()
    return { events, turnEnded: true }
  }

  function threadStarted(params: Rec): CodexMapped {
    const thread = rec(params["thread"])
    const id = str(thread["id"])
    if (id === undefined) return raw("thread/started", params)
    // A sub-agent's thread names its parent: kept raw, and its notifications too.
    if (str(thread["parentThreadId"]) !== undefined) {
      subAgents.add(id)
      return raw("thread/started", params)
    }
    return id === threadId ? none : startSession(id, str(thread["model"]) ?? options.model ?? null)
  }

  return {
    map(method, input) {
      const params = rec(input)
      if (method === "thread/started") return threadStarted(params)
      if (IGNORED.has(method)) return none
      const thread = str(params["threadId"])
      let announced: CodexMapped | undefined
      // Usage is matched by turn id below, which also drops what a resume replays before any turn.
      if (thread !== undefined && thread !== threadId && method !== "thread/tokenUsage/updated") {
        // A thread resumed in this process sends no thread/started: its first turn announces it.
        if (method !== "turn/started" || subAgents.has(thread)) return raw(method, input)
        announced = startSession(thread, options.model ?? null)
      }
      switch (method) {
        case "turn/started":
          turnId = str(rec(params["turn"])["id"])
          return announced ?? none
        case "turn/completed":
          return turnCompleted(params)
        case "item/started":
        case "item/completed":
          return item(method, params)
        case "item/agentMessage/delta":
        case "item/reasoning/textDelta":
        case "item/reasoning/summaryTextDelta": {
          const text = str(params["delta"]) ?? ""
          streamed.add(str(params["itemId"]) ?? "")
          if (text === "") return none
          return { events: [{ type: method === "item/agentMessage/delta" ? "text.delta" : "reasoning.delta", text }], turnEnded: false }
        }
        case "item/commandExecution/outputDelta": {
          const id = str(params["itemId"]) ?? ""
          output.set(id, ((output.get(id) ?? "") + (str(params["delta"]) ?? "")).slice(-MAX_OUTPUT_CHARS * 2))
          return none
        }
        case "thread/tokenUsage/updated": {
          // `last` is one model call and `total` the whole thread; a resume replays the last
          // turn's numbers before any turn starts. The turn's usage is the sum of its calls' `last`.
          if (turnId === undefined || str(params["turnId"]) !== turnId) return none
          const last = rec(rec(params["tokenUsage"])["last"])
          usage ??= { input: 0, output: 0, cached: 0 }
          usage.input += num(last["inputTokens"])
          usage.output += num(last["outputTokens"])
          usage.cached += num(last["cachedInputTokens"])
          return none
        }
        case "error": {
          const failure = rec(params["error"])
          const willRetry = params["willRetry"] === true
          if (!willRetry) turnErrorSent = true
          return { events: [error(str(failure["message"]) ?? "Codex reported an error", failure["codexErrorInfo"], willRetry)], turnEnded: false }
        }
        default:
          return raw(method, input)
      }
    },
  }
}
