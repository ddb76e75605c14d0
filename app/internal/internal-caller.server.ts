// The web's internal API (/api/internal/*) answers only the worker: the caller must present
// INTERNAL_API_TOKEN (compared in constant time). Without a configured token the API refuses in
// production and is open only in development, where the embedded process always sets one.

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
