// The worker's session API for the web tier (behind InternalAuth): send a message and stream the
// turn's normalized events as NDJSON, status, the app's files, cancel, and destroy; plus the
// runtime detection report. An app id is validated before it reaches anything else.

import { Effect, Layer, Schema, Stream } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"
import {
  AppSourceAnswer,
  CancelAnswer,
  RuntimesReport,
  StartTurnAccepted,
  StartTurnRequest,
  WORKER_BUSY,
  WORKER_DRAINING,
  WorkerSessionStatus,
} from "#shared/runs/internal-api.ts"
import { WorkerConfig } from "../config/WorkerConfig.ts"
import { RunDriver } from "../runs/RunDriver.ts"
import { Runtimes } from "../runtime/Runtimes.ts"
import { Sessions } from "../runtime/Sessions.ts"
import { appWorkdir, isAppId, removeAppDirectories } from "../sandbox/app-directories.ts"
import { SandboxEnv } from "../sandbox/SandboxEnv.ts"
import { readAppSource } from "./app-files.ts"
import { errorResponse } from "./errorResponse.ts"

/** Every answer goes out through its shared schema: what the web decodes is what was encoded here. */
const answer = <A, I>(schema: Schema.Codec<A, I>, value: A, status = 200) =>
  HttpServerResponse.jsonUnsafe(Schema.encodeSync(schema)(value), { status })

const invalidAppId = errorResponse(400, "invalid_app_id", "The app id must be 1–64 lowercase letters, digits, '-' or '_'.")

/** Runs the handler with the validated :appId, or answers 400 before anything else happens. */
const forApp = <E, R>(handle: (appId: string) => Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>) =>
  Effect.gen(function* () {
    const { appId } = yield* HttpRouter.params
    if (appId === undefined || !isAppId(appId)) return invalidAppId
    return yield* handle(appId)
  })

const Messages = HttpRouter.add(
  "POST",
  "/sessions/:appId/messages",
  forApp((appId) =>
    Effect.gen(function* () {
      const body = yield* HttpServerRequest.schemaBodyJson(StartTurnRequest)
      const sessions = yield* Sessions
      const driver = yield* RunDriver
      if (body.delivery && !driver.available) {
        return errorResponse(503, "run_streams_unavailable", "This worker has nowhere to write run streams: set REDIS_URL to the web's Redis.")
      }
      const events = yield* sessions.send(appId, {
        prompt: body.prompt,
        runtime: body.runtime,
        runId: body.runId,
        workspaceId: body.workspaceId ?? null,
        model: body.model ?? null,
        systemPrompt: body.systemPrompt ?? null,
        resumeSessionId: body.resumeSessionId ?? null,
        handoffPrompt: body.handoffPrompt ?? null,
        snapshotAvailable: body.snapshotAvailable ?? false,
        sourceFiles: body.sourceFiles ?? null,
        sourceBinaryFiles: body.sourceBinaryFiles ?? null,
        replaceSource: body.replaceSource ?? false,
        ...(body.sessionFence !== undefined ? { sessionFence: body.sessionFence } : {}),
      })
      if (body.delivery) {
        // Only this run's turn: by the time a cancel comes, the app may be on its next turn.
        const cancel = Effect.asVoid(sessions.cancel(appId, body.runId))
        yield* driver.start({ appId, runId: body.runId, runtime: body.runtime, leaseMs: body.delivery.leaseMs, events, cancel })
        return answer(StartTurnAccepted, { accepted: true }, 202)
      }
      const lines = events.pipe(
        Stream.map((event) => `${JSON.stringify(event)}\n`),
        Stream.encodeText,
      )
      return HttpServerResponse.stream(lines, { contentType: "application/x-ndjson", headers: { "cache-control": "no-store" } })
    }),
  ).pipe(
    Effect.catchTags({
      SessionBusyError: (error) => Effect.succeed(errorResponse(409, "busy", error.message)),
      SessionSourceNeededError: (error) => Effect.succeed(errorResponse(409, "source_needed", error.message)),
      RuntimeUnavailableError: (error) => Effect.succeed(errorResponse(503, "runtime_unavailable", error.message)),
      WorkerBusyError: (error) => Effect.succeed(errorResponse(503, WORKER_BUSY, error.message)),
      WorkerDrainingError: (error) => Effect.succeed(errorResponse(503, WORKER_DRAINING, error.message)),
      SandboxAppIdError: () => Effect.succeed(invalidAppId),
    }),
  ),
)

const Status = HttpRouter.add(
  "GET",
  "/sessions/:appId/status",
  forApp((appId) => Effect.map(Sessions.use((sessions) => sessions.status(appId)), (status) => answer(WorkerSessionStatus, status))),
)

const Files = HttpRouter.add(
  "GET",
  "/sessions/:appId/files",
  forApp((appId) =>
    Effect.gen(function* () {
      const { workspacesDir } = yield* WorkerConfig
      const source = yield* Effect.sync(() => readAppSource(appWorkdir(workspacesDir, appId)))
      if ("tooLarge" in source) return errorResponse(413, "too_large", `The app's source is too large to send: ${source.tooLarge}.`)
      return answer(AppSourceAnswer, source)
    }),
  ),
)

const Cancel = HttpRouter.add(
  "POST",
  "/sessions/:appId/cancel",
  forApp((appId) =>
    Effect.gen(function* () {
      // Optional ?runId=: cancel only that run's turn (a stop must not hit the next turn).
      const request = yield* HttpServerRequest.HttpServerRequest
      const runId = new URL(request.url, "http://worker").searchParams.get("runId") ?? undefined
      const result = yield* Sessions.use((sessions) => sessions.cancel(appId, runId))
      return answer(CancelAnswer, result)
    }),
  ),
)

const Destroy = HttpRouter.add(
  "DELETE",
  "/sessions/:appId",
  // Deleting an app: its session and processes go first, then its source and private homes.
  forApp((appId) =>
    Effect.gen(function* () {
      yield* Sessions.use((sessions) => sessions.destroy(appId))
      const { workspacesDir } = yield* WorkerConfig
      yield* Effect.sync(() => removeAppDirectories(workspacesDir, appId))
      return HttpServerResponse.empty({ status: 204 })
    }),
  ),
)

const RuntimesRoute = HttpRouter.add(
  "GET",
  "/runtimes",
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const refresh = new URL(request.url, "http://worker").searchParams.get("refresh") === "1"
    const runtimes = yield* (yield* Runtimes).detect({ refresh })
    const sandbox = yield* SandboxEnv
    return answer(RuntimesReport, {
      runtimes: runtimes.map(({ id, usable, reason, version, credentialsConfigured, models, defaultModel }) => ({
        id,
        usable,
        reason,
        version,
        credentialsConfigured,
        models,
        defaultModel,
      })),
      sandbox: { mode: sandbox.mode, missingProtections: sandbox.missingProtections },
    })
  }),
)

export const SessionRoutes = Layer.mergeAll(Messages, Status, Files, Cancel, Destroy, RuntimesRoute)
