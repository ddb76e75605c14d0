// HTTP calls to the identity provider: every call is bounded by a timeout, and a network failure
// becomes an OidcError whose message names the endpoint, never the request's credentials.

import { OidcError, type OidcErrorCode } from "./oidc-error.server.ts"

export const DEFAULT_TIMEOUT_MS = 10_000

export interface JsonResponse {
  readonly status: number
  readonly contentType: string
  /** The parsed body, or undefined when it was not JSON. */
  readonly body: unknown
}

export interface CallOptions {
  /** Used in messages: "the token endpoint". */
  readonly what: string
  readonly code: OidcErrorCode
  readonly timeoutMs: number
}

export interface CallInit {
  readonly method?: "GET" | "POST"
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string
  /** Calls that carry credentials refuse redirects, so they cannot be replayed elsewhere. */
  readonly redirect?: "follow" | "error"
}

export async function fetchJson(url: URL, init: CallInit, options: CallOptions): Promise<JsonResponse> {
  const signal = AbortSignal.timeout(options.timeoutMs)
  let response: Response
  let text: string
  try {
    response = await fetch(url, { ...init, signal, headers: { accept: "application/json", ...init.headers } })
    // The same signal bounds reading the body, so a server that stalls mid-body also times out.
    text = await response.text()
  } catch (error) {
    throw new OidcError(options.code, describeFailure(error, options, url), { cause: safeCause(error) })
  }
  return { status: response.status, contentType: response.headers.get("content-type") ?? "", body: parseJson(text) }
}

function describeFailure(error: unknown, options: CallOptions, url: URL): string {
  const target = `${options.what} (${url.origin}${url.pathname})`
  if (error instanceof DOMException && error.name === "TimeoutError") {
    return `The identity provider did not answer in time: ${target} took longer than ${options.timeoutMs} ms.`
  }
  return `Could not reach the identity provider: ${target} failed (${networkReason(error)}).`
}

/** Node's fetch hides the reason (ECONNREFUSED, ENOTFOUND, a TLS error) in `cause`. */
function networkReason(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined
  if (cause instanceof Error) return "code" in cause && typeof cause.code === "string" ? cause.code : cause.message
  return error instanceof Error ? error.message : "unknown error"
}

/** Keeps the network reason for logs without keeping the Request, whose headers hold credentials. */
function safeCause(error: unknown): Error | undefined {
  if (!(error instanceof Error)) return undefined
  const cause = new Error(networkReason(error))
  cause.name = error.name
  return cause
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)
