// The web's internal API (/api/internal/*) answers only the worker: the caller must present
// INTERNAL_API_TOKEN (compared in constant time). Without a configured token the API refuses in
// production and is open only in development, where the embedded process always sets one.

import { Cause, type Exit } from "effect"
import { bearerToken, tokensMatch } from "#shared/crypto/bearer-token.ts"
import type { WebConfig } from "../config/config.server.ts"

export function internalCallerProblem(request: Request, config: WebConfig): Response | null {
  const expected = config.internalApiToken
  if (!expected) {
    return config.production ? jsonProblem(503, "internal_api_disabled", "INTERNAL_API_TOKEN is not set on the web.") : null
  }
  const presented = bearerToken(request.headers.get("authorization"))
  if (presented === null || !tokensMatch(presented, expected.reveal())) {
    return jsonProblem(401, "unauthorized", "The internal API needs the internal bearer token.")
  }
  return null
}

export const jsonProblem = (status: number, code: string, message: string) =>
  Response.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store" } })

/**
 * An internal POST read against its contract: the caller checked, the method, then the JSON body
 * decoded with the contract's schema (`Schema.decodeUnknownExit(Contract)`). A refusal is the
 * response to send: 400 names the contract and, in the schema's own words (its first lines),
 * which field is wrong and why.
 */
export async function readInternalPost<A>(
  request: Request,
  config: WebConfig,
  decode: (input: unknown) => Exit.Exit<A, unknown>,
  refusal: { readonly code: string; readonly what: string; readonly contract: string },
): Promise<{ readonly ok: true; readonly value: A } | { readonly ok: false; readonly response: Response }> {
  const refused = internalCallerProblem(request, config)
  if (refused) return { ok: false, response: refused }
  if (request.method !== "POST") return { ok: false, response: jsonProblem(405, "method_not_allowed", "Use POST.") }
  const body: unknown = await request.json().catch(() => undefined)
  const decoded = decode(body)
  if (decoded._tag === "Success") return { ok: true, value: decoded.value }
  const why = Cause.squash(decoded.cause)
  const detail = why instanceof Error ? why.message.split("\n").slice(0, 2).join(" ").slice(0, 300) : ""
  return { ok: false, response: jsonProblem(400, refusal.code, `The ${refusal.what} does not match ${refusal.contract}. ${detail}`.trim()) }
}
