// The one path by which an agent tool reaches the network: build the request from the approved
// tool (tool-request), check where it goes (egress-policy), send it pinned to the checked address
// (pinned-https), and read the answer. Everything that can go wrong comes back as a typed outcome
// with a message safe to show the agent; the provider's own 4xx/5xx are answers, not failures.

import type { Schema } from "effect"
import { checkEgressTarget, type EgressPolicy } from "./egress-policy.server.ts"
import { HttpToolError, type HttpToolErrorCode } from "./http-tool-error.server.ts"
import { abortError, pinnedHttpsRequest } from "./pinned-https.server.ts"
import { buildHttpToolRequest, type HttpToolCall } from "./tool-request.server.ts"

export { productionEgressPolicy, type EgressPolicy } from "./egress-policy.server.ts"
export type { HttpToolCall } from "./tool-request.server.ts"

export type HttpToolOutcome =
  | { readonly ok: true; readonly status: number; readonly body: Schema.Json }
  | { readonly ok: false; readonly code: HttpToolErrorCode; readonly message: string; readonly retryable: boolean }

export interface HttpToolLimits {
  /** The whole call: resolution, connection, request and response (default 30 s). */
  readonly deadlineMs?: number
  /** Larger responses are refused (default 1 MB). */
  readonly maxResponseBytes?: number
}

export const HTTP_TOOL_DEADLINE_MS = 30_000
export const HTTP_TOOL_MAX_RESPONSE_BYTES = 1024 * 1024

export async function executeHttpTool(call: HttpToolCall, policy: EgressPolicy, signal?: AbortSignal, limits: HttpToolLimits = {}): Promise<HttpToolOutcome> {
  const deadline = AbortSignal.timeout(limits.deadlineMs ?? HTTP_TOOL_DEADLINE_MS)
  const combined = signal ? AbortSignal.any([signal, deadline]) : deadline
  try {
    const request = buildHttpToolRequest(call)
    const target = await checkEgressTarget(request.url, call.tool.integration.domain, policy, combined)
    const response = await pinnedHttpsRequest(request, {
      target,
      ca: policy.ca,
      maxResponseBytes: limits.maxResponseBytes ?? HTTP_TOOL_MAX_RESPONSE_BYTES,
      signal: combined,
    })
    return { ok: true, status: response.status, body: decodeBody(response.body, response.contentType) }
  } catch (error) {
    const failure = error instanceof HttpToolError ? error : combined.aborted ? abortError(combined, call.tool.integration.domain) : null
    if (failure === null) throw error
    return { ok: false, code: failure.code, message: failure.message, retryable: failure.retryable }
  }
}

/** JSON when the provider says so and it parses; otherwise the text; null for an empty body. */
function decodeBody(body: Buffer, contentType: string | null): Schema.Json {
  if (body.length === 0) return null
  const text = body.toString("utf8")
  if (contentType !== null && /^application\/([\w.+-]*\+)?json\b/i.test(contentType.trim())) {
    try {
      return JSON.parse(text) as Schema.Json
    } catch {
      return text
    }
  }
  return text
}
