// Every worker route but the bare liveness and readiness checks and the MCP broker requires `Authorization:
// Bearer INTERNAL_API_TOKEN`, compared in constant time. The broker (/mcp/*) takes run tokens
// only: the internal token opens nothing there, and a run token opens nothing else. The middleware is global, so unknown paths answer 401 to strangers
// instead of revealing which routes exist.

import { Effect, Layer } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"
import { bearerToken, tokensMatch } from "#shared/crypto/bearer-token.ts"
import { WorkerConfig } from "../config/WorkerConfig.ts"
import { isMcpPath } from "../mcp/McpBroker.ts"
import { errorResponse } from "./errorResponse.ts"

/** Paths anyone may call: liveness and readiness, which say nothing but "ok", "ready" or "draining". */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set(["/healthz", "/readyz"])

const pathOf = (url: string) => url.split("?")[0] ?? url

export const InternalAuth = Layer.unwrap(
  Effect.gen(function* () {
    const config = yield* WorkerConfig
    const expected = config.internalApiToken?.reveal()
    return HttpRouter.middleware(
      (httpEffect) =>
        Effect.gen(function* () {
          const request = yield* HttpServerRequest.HttpServerRequest
          const path = pathOf(request.url)
          if (PUBLIC_PATHS.has(path) || isMcpPath(path)) return yield* httpEffect
          // No token configured: production refused to start (WorkerConfig); development was warned at startup.
          if (expected === undefined) return yield* httpEffect
          const presented = bearerToken(request.headers["authorization"])
          if (presented === null || !tokensMatch(presented, expected)) {
            return errorResponse(401, "unauthorized", "Send Authorization: Bearer <INTERNAL_API_TOKEN>.")
          }
          return yield* httpEffect
        }),
      { global: true },
    )
  }),
)
