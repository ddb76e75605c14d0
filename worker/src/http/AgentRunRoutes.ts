// The worker's agent-run API for the web tier (behind InternalAuth): start an app agent's run,
// detached (202 at once; its events go to the run's stream and its end is reported, as for a
// builder run), and cancel it.

import { Effect, Layer, Schema } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"
import { agentRunSessionKey, StartAgentRunRequest } from "#shared/runs/agent-runs.ts"
import { CancelAnswer, StartTurnAccepted, WORKER_BUSY, WORKER_DRAINING } from "#shared/runs/internal-api.ts"
import { AgentRuns } from "../agents/AgentRuns.ts"
import { RunDriver } from "../runs/RunDriver.ts"
import { isAppId } from "../sandbox/app-directories.ts"
import { errorResponse } from "./errorResponse.ts"

const answer = <A, I>(schema: Schema.Codec<A, I>, value: A, status = 200) =>
  HttpServerResponse.jsonUnsafe(Schema.encodeSync(schema)(value), { status })

/** The run's directory is named after its id, so the id must make a directory name (see app-directories.ts). */
const RUN_ID_RULE = "An agent run's id must be 1–58 lowercase letters, digits, '-' or '_'."
const invalidRunId = errorResponse(400, "invalid_run_id", RUN_ID_RULE)
const isAgentRunId = (runId: string) => isAppId(agentRunSessionKey(runId))

const Start = HttpRouter.add(
  "POST",
  "/agent-runs",
  Effect.gen(function* () {
    const body = yield* HttpServerRequest.schemaBodyJson(StartAgentRunRequest)
    if (!isAgentRunId(body.runId)) return invalidRunId
    const driver = yield* RunDriver
    if (!driver.available) {
      return errorResponse(503, "run_streams_unavailable", "This worker has nowhere to write run streams: set REDIS_URL to the web's Redis.")
    }
    const agentRuns = yield* AgentRuns
    const events = yield* agentRuns.start(body)
    yield* driver.start({
      appId: body.appId,
      runId: body.runId,
      runtime: body.runtime,
      leaseMs: body.delivery.leaseMs,
      events,
      // The driver stops a run when the web has ended it, or when the worker shuts down: either
      // way nobody cancelled it, and a run cut short by a shutdown is worth starting again.
      cancel: agentRuns.stop(body.runId),
      reportsSource: false,
      streamAfterId: body.streamAfterId ?? null,
    })
    return answer(StartTurnAccepted, { accepted: true }, 202)
  }).pipe(
    Effect.catchTags({
      SchemaError: (error) =>
        Effect.succeed(errorResponse(400, "invalid_request", `The body is not a StartAgentRunRequest: ${error.message.slice(0, 2_000)}`)),
      AgentRunBusyError: (error) => Effect.succeed(errorResponse(409, "already_running", error.message)),
      RuntimeUnavailableError: (error) => Effect.succeed(errorResponse(503, "runtime_unavailable", error.message)),
      WorkerBusyError: (error) => Effect.succeed(errorResponse(503, WORKER_BUSY, error.message)),
      WorkerDrainingError: (error) => Effect.succeed(errorResponse(503, WORKER_DRAINING, error.message)),
      SandboxAppIdError: () => Effect.succeed(invalidRunId),
    }),
  ),
)

const Cancel = HttpRouter.add(
  "POST",
  "/agent-runs/:runId/cancel",
  Effect.gen(function* () {
    const { runId } = yield* HttpRouter.params
    if (runId === undefined || !isAgentRunId(runId)) return invalidRunId
    const result = yield* AgentRuns.use((agentRuns) => agentRuns.cancel(runId))
    return answer(CancelAnswer, result)
  }),
)

export const AgentRunRoutes = Layer.mergeAll(Start, Cancel)
