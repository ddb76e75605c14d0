// The errors a script using createSecondClient meets, each saying what to fix. Refusals from a
// procedure arrive as tRPC's TRPCClientError with the server's message; everything the server did
// not word itself (unreachable, a token refused on the run stream, a proxy's HTML page) is a
// SecondClientError. describeSecondError turns either into the one line a script prints.

import { TRPCClientError } from "@trpc/client"

export type SecondClientErrorKind =
  /** createSecondClient or followRun was given something unusable (checked before any request). */
  | "invalid-options"
  /** 401: the token is wrong, expired, revoked, or its owner left the workspace. */
  | "unauthorized"
  /** 403: the token's role does not allow this, or the call is browser-only. */
  | "forbidden"
  /** 404: no such run, or it is in another workspace than the token's. */
  | "not-found"
  /** No answer at all: the server is down, or the URL is wrong. */
  | "unreachable"
  /** An answer the client cannot use: another status, or not JSON / not an event stream. */
  | "unexpected-response"
  /** A run event that does not match the schema this client was built with. */
  | "unreadable-event"

export const INVALID_TOKEN_MESSAGE =
  "The API token is not valid (401): it may be mistyped, expired or revoked, or its owner left the workspace; create a new one on your Account page."

export class SecondClientError extends Error {
  override readonly name = "SecondClientError"

  constructor(
    readonly kind: SecondClientErrorKind,
    message: string,
    /** The HTTP status the server answered with; null when there was no answer. */
    readonly status: number | null = null,
    /** For "invalid-options": which option to fix (url, token, runId, after). */
    readonly option: string | null = null,
  ) {
    super(message)
  }
}

/** Longest piece of a server's plain-text answer quoted in an error. */
const MAX_QUOTED = 300

/** The server's own words, when it answered with a short plain-text message (its refusals do). */
async function plainTextOf(response: Response): Promise<string | null> {
  if (!/^text\/plain/.test(response.headers.get("content-type") ?? "")) {
    await response.body?.cancel().catch(() => undefined)
    return null
  }
  const text = (await response.text().catch(() => "")).trim()
  return text === "" ? null : text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text
}

/**
 * The error for an answer that is not what `what` expects (a run stream, a tRPC reply). The body
 * is consumed. `notFound` words the 404 for what was asked.
 */
export async function errorForResponse(response: Response, what: string, notFound: string): Promise<SecondClientError> {
  const status = response.status
  const said = await plainTextOf(response)
  if (status === 401) return new SecondClientError("unauthorized", INVALID_TOKEN_MESSAGE, status)
  if (status === 403) return new SecondClientError("forbidden", `Second refused ${what} (403): ${said ?? "the token's role does not allow it"}.`, status)
  if (status === 404) return new SecondClientError("not-found", notFound, status)
  const type = response.headers.get("content-type") ?? "no content type"
  return new SecondClientError(
    "unexpected-response",
    `Second answered ${what} with ${status} (${said ?? type}); check that the URL is the server's origin (such as https://second.example.com) and that nothing in between rewrites the answer.`,
    status,
  )
}

/** The error for a request that got no answer at all. Never includes the request's headers. */
export function unreachable(url: string, cause: unknown): SecondClientError {
  const reason = cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause)
  return new SecondClientError("unreachable", `Could not reach Second at ${url} (${reason}): check that it is running and that the URL is right.`)
}

/** The server's words when a workspace does not exist for the caller (app/trpc/init.server.ts). */
const WORKSPACE_NOT_FOUND = "Workspace not found."

export const WORKSPACE_NOT_FOUND_MESSAGE =
  "Workspace not found (NOT_FOUND): an API token works only in the workspace it was made for; check that the workspace id is that workspace's (the id in its URL, /w/<id>)."

/** The tRPC error code (NOT_FOUND, FORBIDDEN…) the server put in an error's data, if any. */
function trpcCode(error: { readonly data?: unknown }): string | null {
  const data: unknown = error.data
  return typeof data === "object" && data !== null && "code" in data ? String(data.code) : null
}

/** True for a procedure's 404 on its workspaceId: another workspace than the token's, or none. */
export function isWorkspaceNotFound(error: unknown): boolean {
  return error instanceof TRPCClientError && trpcCode(error) === "NOT_FOUND" && error.message === WORKSPACE_NOT_FOUND
}

/** One line for a person: what went wrong and what to do, for any error a client call throws. */
export function describeSecondError(error: unknown): string {
  if (error instanceof SecondClientError) return error.message
  if (error instanceof TRPCClientError) {
    if (error.cause instanceof SecondClientError) return error.cause.message
    const code = trpcCode(error)
    if (code === "UNAUTHORIZED") return INVALID_TOKEN_MESSAGE
    if (isWorkspaceNotFound(error)) return WORKSPACE_NOT_FOUND_MESSAGE
    return code ? `${error.message} (${code})` : error.message
  }
  return error instanceof Error ? error.message : String(error)
}
