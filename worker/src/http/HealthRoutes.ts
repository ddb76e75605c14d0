// Liveness for orchestrators (public, says only "ok") and health for the web tier (authenticated).

import { Effect, Layer } from "effect"
import { HttpRouter, HttpServerResponse } from "effect/http"

const startedAt = Date.now()

const Liveness = HttpRouter.add("GET", "/healthz", HttpServerResponse.text("ok"))

const Health = HttpRouter.add(
  "GET",
  "/health",
  Effect.sync(() =>
    HttpServerResponse.jsonUnsafe({ status: "ok", uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) }),
  ),
)

export const HealthRoutes = Layer.mergeAll(Liveness, Health)
