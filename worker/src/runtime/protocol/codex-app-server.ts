// The protocol of one Codex session over `codex app-server` (pinned CLI 0.171.0): the handshake
// and API-key login, opening or resuming a thread, starting and interrupting turns, what the
// worker answers to the server's own requests, and (codex-event-mapper.ts) turning Codex's
// notifications into RunEvents. Process supervision lives elsewhere, so a CLI upgrade that
// changes method names or payloads touches only this folder. Shapes were checked against
// `codex app-server generate-ts` and the real binary (see codex-app-server.integration.test.ts).

import { Effect } from "effect"
import { TOOL_SETS } from "#shared/mcp/tool-names.ts"
import { codexRpcError, type CodexRpc } from "./codex-rpc.ts"

export { createCodexEventMapper, type CodexEventMapper, type CodexMapped } from "./codex-event-mapper.ts"

export interface CodexTurnInput {
  readonly text: string
}

export interface CodexSessionOptions {
  readonly cwd: string
  /** null: the model of Codex's own config. */
  readonly model: string | null
  /** Added to Codex's system prompt as developer instructions; null for none. */
  readonly instructions: string | null
  readonly sandbox: "read-only" | "workspace-write" | "danger-full-access"
  /** Every approval request is declined (the worker runs unattended, nobody is there to approve), except the broker's own tools. */
  readonly approvals: "decline"
}

/** JSON-RPC "invalid request": what Codex answers thread/resume with for a thread it cannot find. */
const INVALID_REQUEST = -32600
const METHOD_NOT_FOUND = -32601

/** Handshake + login: initialize, initialized, account/login/start with the key (never via env). */
export const startCodexSession = (rpc: CodexRpc, options: { readonly apiKey: string | null; readonly clientVersion: string }) =>
  Effect.gen(function* () {
    yield* rpc.request("initialize", {
      clientInfo: { name: "second-worker", title: "Second worker", version: options.clientVersion },
      capabilities: null,
    })
    rpc.notify("initialized")
    // The key goes over stdin, never into the environment, where every command the model runs
    // could read it. Without one, Codex uses whatever its config provides.
    if (options.apiKey === null) return
    const login = yield* rpc.request<{ type?: unknown }>("account/login/start", { type: "apiKey", apiKey: options.apiKey })
    if (login?.type !== "apiKey") return yield* codexRpcError("account/login/start", undefined, `account/login/start answered ${JSON.stringify(login)}`)
  })

/**
 * Settings shared by thread/start and thread/resume. approvalPolicy "never": Codex does not ask,
 * commands run inside the sandbox and what the sandbox refuses fails back to the model.
 * Instructions go in as developerInstructions: baseInstructions would replace Codex's own system
 * prompt, which is what teaches the model its tools.
 */
const threadSettings = (options: CodexSessionOptions) => ({
  cwd: options.cwd,
  approvalPolicy: "never",
  sandbox: options.sandbox,
  ...(options.model !== null ? { model: options.model } : {}),
  ...(options.instructions !== null ? { developerInstructions: options.instructions } : {}),
})

const threadIdOf = (method: string, result: unknown) => {
  const id = (result as { thread?: { id?: unknown } } | null)?.thread?.id
  return typeof id === "string" ? Effect.succeed(id) : Effect.fail(codexRpcError(method, undefined, `${method} answered without a thread id`))
}

/**
 * thread/resume when a thread id is given and still exists, else thread/start. Returns the
 * thread id (a new one when the old thread was gone: compare to know the context was lost).
 */
export const openCodexThread = (rpc: CodexRpc, options: CodexSessionOptions & { readonly resumeThreadId: string | null }) =>
  Effect.gen(function* () {
    if (options.resumeThreadId !== null) {
      // excludeTurns: the history stays in Codex; hydrating it here is deprecated and unused.
      const resumed = yield* rpc.request("thread/resume", { threadId: options.resumeThreadId, ...threadSettings(options), excludeTurns: true }).pipe(
        // "no rollout found for thread id …" (unknown, or started but never given a turn) and
        // "invalid session id …" both come as invalid-request errors. Anything else (a timeout, a
        // dead process, an internal error) is not a missing thread and must not silently drop it.
        Effect.map((result) => ({ result })),
        Effect.catchIf((error) => error.code === INVALID_REQUEST, () => Effect.succeed(null)),
      )
      if (resumed !== null) return yield* threadIdOf("thread/resume", resumed.result)
    }
    return yield* threadIdOf("thread/start", yield* rpc.request("thread/start", threadSettings(options)))
  })

/** Succeeds with the turn id once turn/start is acknowledged; the turn runs on in notifications. */
export const startCodexTurn = (rpc: CodexRpc, threadId: string, input: CodexTurnInput, options: CodexSessionOptions) =>
  Effect.gen(function* () {
    const result = yield* rpc.request<{ turn?: { id?: unknown } }>("turn/start", {
      threadId,
      input: [{ type: "text", text: input.text, text_elements: [] }],
      // Per turn as well: a resumed thread must not keep a policy some other client gave it.
      cwd: options.cwd,
      approvalPolicy: "never",
      ...(options.model !== null ? { model: options.model } : {}),
    })
    const turnId = result?.turn?.id
    if (typeof turnId !== "string") return yield* codexRpcError("turn/start", undefined, "turn/start answered without a turn id")
    return turnId
  })

/**
 * turn/interrupt: the turn then completes with status "interrupted" (turn.completed cancelled).
 * Succeeds with false when Codex had no active turn to interrupt (it ended meanwhile).
 */
export const interruptCodexTurn = (rpc: CodexRpc, threadId: string, turnId: string) =>
  rpc.request("turn/interrupt", { threadId, turnId }).pipe(
    Effect.as(true),
    Effect.catchIf(
      (error) => error.code === INVALID_REQUEST && /no active turn/i.test(error.message),
      () => Effect.succeed(false),
    ),
  )

const DECLINED = "declined by the worker: runs are unattended, nobody is there to approve"

/**
 * Whether an elicitation is Codex asking to run a tool of the broker's own MCP server. Codex
 * 0.171 asks that way (mode "form", `_meta.codex_approval_kind` "mcp_tool_call", the server in
 * `serverName`) when approvals are on and the server's tools are not pre-approved; with
 * approval_policy "never" it asks nothing and fails the call unless the server has
 * `default_tools_approval_mode = "approve"` in config.toml.
 */
function isBrokerToolApproval(params: unknown): boolean {
  const record = params !== null && typeof params === "object" ? (params as Record<string, unknown>) : {}
  const meta = record["_meta"] !== null && typeof record["_meta"] === "object" ? (record["_meta"] as Record<string, unknown>) : {}
  return typeof record["serverName"] === "string" && (TOOL_SETS as readonly string[]).includes(record["serverName"]) && meta["codex_approval_kind"] === "mcp_tool_call"
}

/**
 * What the worker answers to server requests: approvals declined by policy except a call of the
 * broker's own tools, other elicitations and questions declined or left unanswered, permission
 * requests granted nothing, and anything unknown a JSON-RPC error. Returns the result object to send.
 */
export function answerCodexServerRequest(method: string, params: unknown): { result: unknown } | { error: { code: number; message: string } } {
  switch (method) {
    // "decline" lets the turn go on (the model is told and may try something else); "cancel"
    // would end the turn. Codex 0.171.0 accepts "decline" for commands although its
    // availableDecisions list leaves it out.
    case "item/commandExecution/requestApproval":
    case "item/fileChange/requestApproval":
      return { result: { decision: "decline" } }
    // The older (v1) approval requests take a ReviewDecision.
    case "execCommandApproval":
    case "applyPatchApproval":
      return { result: { decision: { denied: { rejection: DECLINED } } } }
    // Accepting with no content runs the tool once; nothing is remembered (no `persist`).
    case "mcpServer/elicitation/request":
      return { result: { action: isBrokerToolApproval(params) ? "accept" : "decline", content: null, _meta: null } }
    case "item/permissions/requestApproval":
      return { result: { permissions: {}, scope: "turn" } }
    case "item/tool/requestUserInput":
      return { result: { answers: {} } }
    // The worker registers no dynamic tools; say so to the model rather than fail the turn.
    case "item/tool/call":
      return { result: { contentItems: [{ type: "inputText", text: "This tool is not available." }], success: false } }
    default:
      return { error: { code: METHOD_NOT_FOUND, message: `the worker does not handle ${method}` } }
  }
}

/** answerCodexServerRequest shaped for CodexRpc's onServerRequest (errors thrown as CodexRpcError). */
export function codexServerRequestHandler(method: string, params: unknown): unknown {
  const answer = answerCodexServerRequest(method, params)
  if ("error" in answer) throw codexRpcError(method, answer.error.code, answer.error.message)
  return answer.result
}
