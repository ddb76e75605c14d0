// Liveness for orchestrators (public, says only "ok"), readiness (public: 503 while the worker
// drains, or while it has a registry to announce itself in and is not in it, so a Service stops
// sending it new turns; the body says why, without addresses or errors), and health for the web tier (authenticated:
// the worker's registry id and load).

import { Effect, Layer, Schema } from "effect"
import { HttpRouter, HttpServerResponse } from "effect/http"
import { WorkerHealthReport } from "#shared/runs/internal-api.ts"
import { WorkerRegistry } from "../registry/WorkerRegistry.ts"

const startedAt = Date.now()
const encodeHealth = Schema.encodeSync(WorkerHealthReport)

const Liveness = HttpRouter.add("GET", "/healthz", HttpServerResponse.text("ok"))

const Readiness = HttpRouter.add(
  "GET",
  "/readyz",
  Effect.map(WorkerRegistry.use((registry) => registry.notReady), (why) =>
    why === null ? HttpServerResponse.text("ready") : HttpServerResponse.text(why, { status: 503 }),
  ),
)

const Health = HttpRouter.add(
  "GET",
  "/health",
  Effect.map(WorkerRegistry.use((registry) => registry.load), (load) =>
    HttpServerResponse.jsonUnsafe(
      encodeHealth({ status: "ok", uptimeSeconds: Math.round((Date.now() - startedAt) / 1000), ...load }),
    ),
  ),
)

export const HealthRoutes = Layer.mergeAll(Liveness, Readiness, Health)
