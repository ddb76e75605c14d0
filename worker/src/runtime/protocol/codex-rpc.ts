// JSON-RPC 2.0 as `codex app-server` speaks it on stdio: one JSON object a line and no "jsonrpc"
// field. Both sides send requests: ours carry the ids this class counts from 1, the server's
// (approval requests, elicitations) count from 0 in an id space of their own, so an incoming line
// is told apart by its shape (a "method" makes it a request or notification, never a response),
// not by its id. Knows nothing of processes: the supervisor feeds stdout lines in and gives a
// transport that writes to stdin, and calls close() when the process is gone.

import { Deferred, Effect, Exit, Schema } from "effect"
import { redactSecrets } from "./redact-secrets.ts"

export interface CodexRpcTransport {
  /** One JSON message, without the trailing newline (the transport ends the line). */
  write(line: string): void
}

/**
 * A request that failed: an error response, a timeout, or the connection closing. The message is
 * safe to show and store (key-looking strings redacted, length bounded): build it with
 * `codexRpcError`.
 */
export class CodexRpcError extends Schema.TaggedError<CodexRpcError>()("CodexRpcError", {
  method: Schema.String,
  /** The JSON-RPC error code, or undefined when no response came (timeout, closed). */
  code: Schema.optional(Schema.Number),
  message: Schema.String,
}) {}

export const codexRpcError = (method: string, code: number | undefined, message: string): CodexRpcError =>
  new CodexRpcError({ method, ...(code !== undefined ? { code } : {}), message: safeMessage(message) })

/**
 * The method under which handleLine reports lines that are not JSON-RPC messages (not JSON, no
 * method and no id, a response nobody waits for), with params { line, reason }. Codex has no
 * method of that name, so a mapper can keep such lines as `raw` events.
 */
export const UNPARSED_LINE = "rpc/unparsedLine"

/** JSON-RPC's "internal error", sent when answering a server request failed unexpectedly. */
export const INTERNAL_ERROR = -32603
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000
const MAX_MESSAGE_CHARS = 2_000
const MAX_UNPARSED_CHARS = 4_000

// OpenAI/Anthropic-style keys (sk-..., sk-proj-..., sk-ant-...) and bearer tokens. A CLI may echo
// the key it was given in an auth error; run streams and logs must never hold it.

const safeMessage = (message: string): string => {
  const redacted = redactSecrets(message)
  return redacted.length > MAX_MESSAGE_CHARS ? `${redacted.slice(0, MAX_MESSAGE_CHARS)}…` : redacted
}

export interface CodexRpcOptions {
  /**
   * Answers one request from the server. The value returned (or resolved) is sent as the result;
   * throwing a CodexRpcError sends its code and message as the error, anything else thrown sends
   * INTERNAL_ERROR.
   */
  readonly onServerRequest: (method: string, params: unknown) => unknown | Promise<unknown>
  /** Every notification, in order, and lines that are not JSON-RPC (as UNPARSED_LINE). */
  readonly onNotification: (method: string, params: unknown) => void
}

interface Pending {
  readonly method: string
  readonly answer: Deferred.Deferred<unknown, CodexRpcError>
}

type Message = Record<string, unknown>

const isId = (value: unknown): value is number | string => typeof value === "number" || typeof value === "string"

export class CodexRpc {
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private closedReason: string | null = null

  constructor(
    private readonly transport: CodexRpcTransport,
    private readonly options: CodexRpcOptions,
  ) {}

  /**
   * Feed every stdout line here. Never throws on any input: lines that are not JSON-RPC go to
   * onNotification as UNPARSED_LINE. (An exception thrown by onNotification itself propagates.)
   */
  handleLine(line: string): void {
    const trimmed = line.trim()
    if (trimmed === "") return
    let message: unknown
    try {
      message = JSON.parse(trimmed)
    } catch {
      return this.unparsed(trimmed, "not JSON")
    }
    if (message === null || typeof message !== "object" || Array.isArray(message)) return this.unparsed(trimmed, "not a JSON object")
    const record = message as Message
    const method = record["method"]
    if (typeof method === "string") {
      if (isId(record["id"])) this.answer(record["id"], method, record["params"])
      else this.options.onNotification(method, record["params"])
      return
    }
    if (isId(record["id"]) && ("result" in record || "error" in record)) return this.settle(record, trimmed)
    this.unparsed(trimmed, "not a JSON-RPC message")
  }

  /**
   * Sends a request and waits for its answer, at most `timeoutMs`. Interrupting the wait forgets
   * the request: a late answer is then reported as unparsed.
   */
  request<T = unknown>(method: string, params: unknown, options: { readonly timeoutMs?: number } = {}): Effect.Effect<T, CodexRpcError> {
    return Effect.suspend(() => {
      if (this.closedReason !== null) return Effect.fail(codexRpcError(method, undefined, `${method} not sent: ${this.closedReason}`))
      const id = this.nextId++
      const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
      const answer = Deferred.makeUnsafe<unknown, CodexRpcError>()
      this.pending.set(id, { method, answer })
      try {
        this.transport.write(JSON.stringify({ id, method, params }))
      } catch (error) {
        Deferred.doneUnsafe(answer, Exit.fail(codexRpcError(method, undefined, `${method} not sent: ${errorText(error)}`)))
      }
      return Deferred.await(answer).pipe(
        Effect.timeoutOrElse({
          duration: timeoutMs,
          orElse: () => Effect.fail(codexRpcError(method, undefined, `${method} got no response within ${timeoutMs} ms`)),
        }),
        Effect.ensuring(Effect.sync(() => this.pending.delete(id))),
      ) as Effect.Effect<T, CodexRpcError>
    })
  }

  notify(method: string, params?: unknown): void {
    // A notification to a dead process has nobody to reach; the caller learns of the death from close().
    if (this.closedReason !== null) return
    this.transport.write(JSON.stringify(params === undefined ? { method } : { method, params }))
  }

  /** Rejects every pending request (the process died); later requests reject at once. */
  close(reason: string): void {
    if (this.closedReason !== null) return
    this.closedReason = reason
    for (const pending of [...this.pending.values()]) {
      Deferred.doneUnsafe(pending.answer, Exit.fail(codexRpcError(pending.method, undefined, `${pending.method} failed: ${reason}`)))
    }
  }

  private settle(response: Message, line: string): void {
    const id = response["id"]
    const pending = typeof id === "number" ? this.pending.get(id) : undefined
    // A late answer to a request that timed out, or an id we never used.
    if (!pending) return this.unparsed(line, "a response to no pending request")
    // Settled once: a second answer with the same id finds nothing pending.
    this.pending.delete(id as number)
    if (!("error" in response) || response["error"] === undefined || response["error"] === null) {
      Deferred.doneUnsafe(pending.answer, Exit.succeed(response["result"]))
      return
    }
    const error = response["error"]
    const record = error !== null && typeof error === "object" ? (error as Message) : {}
    const code = typeof record["code"] === "number" ? record["code"] : undefined
    const message = typeof record["message"] === "string" ? record["message"] : JSON.stringify(error)
    Deferred.doneUnsafe(pending.answer, Exit.fail(codexRpcError(pending.method, code, `${pending.method} failed: ${message}`)))
  }

  private answer(id: number | string, method: string, params: unknown): void {
    const reply = (body: { result: unknown } | { error: { code: number; message: string } }) => {
      // The server's process is gone; its request died with it.
      if (this.closedReason !== null) return
      try {
        this.transport.write(JSON.stringify({ id, ...body }))
      } catch {
        // The transport failed mid-write: the process is dying, close() follows.
      }
    }
    const fail = (error: unknown) =>
      reply({
        error: error instanceof CodexRpcError && error.code !== undefined
          ? { code: error.code, message: error.message }
          : { code: INTERNAL_ERROR, message: safeMessage(`the worker could not answer ${method}: ${errorText(error)}`) },
      })
    try {
      // Promise.resolve adopts a returned promise and wraps a plain value alike.
      Promise.resolve(this.options.onServerRequest(method, params)).then((result) => reply({ result: result ?? null }), fail)
    } catch (error) {
      fail(error)
    }
  }

  private unparsed(line: string, reason: string): void {
    const kept = redactSecrets(line)
    this.options.onNotification(UNPARSED_LINE, { line: kept.length > MAX_UNPARSED_CHARS ? `${kept.slice(0, MAX_UNPARSED_CHARS)}…` : kept, reason })
  }
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error))
