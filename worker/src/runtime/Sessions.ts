// Agent sessions, one per app: the runtime session that holds the conversation (a scope that owns
// its processes), at most one turn at a time (claimed atomically, so a double click starts one
// turn), and idle sessions closed with every process they started. A turn is a fiber per app that
// runs the runtime's event stream into a queue its reader drains: cancel interrupts that fiber,
// the reader going away interrupts it, and shutdown interrupts them all; each way, leaving the
// stream releases the turn's processes. The runtime or model may change between turns: the old
// session is closed first, and a model change resumes the same conversation. Every turn takes its
// place in the worker's count first (WorkerRegistry: busy, draining), and an app whose session
// lease moved since this worker last served it is resynchronised first (session-source.ts).

import { Clock, Context, Duration, Effect, Exit, Fiber, FiberMap, Layer, Redacted, Schema, Scope, Stream } from "effect"
import { HttpServer } from "effect/http"
import type { RunEvent, RuntimeId } from "#shared/runtime/run-event.ts"
import { BuildProgress } from "../build/BuildProgress.ts"
import { scaffoldApp } from "../build/scaffold.ts"
import { WorkerConfig } from "../config/WorkerConfig.ts"
import { APP_DATA_TOOL_NAMES, BUILDER_TOOL_NAMES } from "#shared/mcp/tool-names.ts"
import { mcpUrl } from "../mcp/McpBroker.ts"
import { McpTokens } from "../mcp/McpTokens.ts"
import { appWorkdir } from "../sandbox/app-directories.ts"
import { WorkerRegistry, type TurnPermit, type WorkerAdmitError } from "../registry/WorkerRegistry.ts"
import { hasSource } from "../sandbox/restore-source.ts"
import { SandboxEnv, type SandboxAppIdError } from "../sandbox/SandboxEnv.ts"
import { SecretStore } from "../secrets/SecretStore.ts"
import type { RuntimeSession, RuntimeStartError, SessionSetup } from "./adapters/runtime-adapter.ts"
import { Runtimes, type RuntimeUnavailableError } from "./Runtimes.ts"
import { readerTurn } from "./reader-turn.ts"
import { brokerOrigin, runtimeSetup } from "./session-setup.ts"
import { applySourceStep, planSource } from "./session-source.ts"
import { delaysSchedule, endAtApprovalStop, startFailedTurn, stopEvents, superviseTurn, WORKER_RESTARTED } from "./turn-pipeline.ts"

export class SessionBusyError extends Schema.TaggedError<SessionBusyError>()("SessionBusyError", { appId: Schema.String }) {
  override get message() {
    return "This app's agent is already working on a message; wait for it to finish or cancel it."
  }
}

export class SessionSourceNeededError extends Schema.TaggedError<SessionSourceNeededError>()("SessionSourceNeededError", {
  appId: Schema.String,
}) {
  override get message() {
    return "This worker has no source for the app and no session to continue: send the app's snapshot, and the conversation as a handover."
  }
}

/** Everything Sessions can refuse a message with. */
export type SessionSendError = SessionBusyError | SessionSourceNeededError | RuntimeUnavailableError | SandboxAppIdError | WorkerAdmitError

export interface SendRequest {
  readonly prompt: string
  readonly runtime: RuntimeId
  readonly model: string | null
  readonly systemPrompt: string | null
  readonly runId: string
  /** The app's workspace, bound into the run's MCP token (null: the web-answered tools refuse). */
  readonly workspaceId?: string | null
  readonly resumeSessionId: string | null
  /** The prompt with the conversation so far, for a session that has not seen it (none open, none to resume). */
  readonly handoffPrompt?: string | null
  /** The web holds a snapshot of the app's source it can send (see SessionSourceNeededError). */
  readonly snapshotAvailable?: boolean
  /** The app's last persisted source, written only when this worker has none (a new worker). */
  readonly sourceFiles: Readonly<Record<string, string>> | null
  /** The same source's files that are not text, base64-encoded. */
  readonly sourceBinaryFiles?: Readonly<Record<string, string>> | null
  /** The person restored a version: the source files replace the workdir's instead of only filling an empty one. */
  readonly replaceSource?: boolean
  /** The app's session lease fence the web routed by (see session-source.ts); absent: no lease in play. */
  readonly sessionFence?: number
}

export interface SessionStatus {
  readonly exists: boolean
  readonly busy: boolean
  readonly runtime: RuntimeId | null
  /** The runtime's own session id, for resuming in a later process. */
  readonly nativeSessionId: string | null
  readonly lastActiveAt: string | null
  /** Whether this worker holds the app's source (false on a new worker: send the snapshot). */
  readonly hasSource: boolean
}

interface Entry {
  readonly runtime: RuntimeId
  readonly model: string | null
  readonly session: RuntimeSession
  readonly scope: Scope.Closeable
  readonly token: Redacted.Redacted<string>
  lastActiveAt: number
}

interface Claim {
  readonly runId: string
  /** The turn's fiber, once it is forked. */
  fiber: Fiber.Fiber<void> | null
  /** The turn's place in the worker's count, once admitted. */
  permit: TurnPermit | null
}

/** How long past the turn's own deadline its MCP token stays armed (the turn's last tool result on its way). */
const TOKEN_GRACE_MS = 5_000

/** Waits between attempts to start a runtime that failed to come up. */
export const START_BACKOFF_MS = [250, 1_000] as const

export class Sessions extends Context.Service<
  Sessions,
  {
    /** Claims the app's turn and returns its events. Fails at once when busy or the runtime is unusable. */
    readonly send: (
      appId: string,
      request: SendRequest,
    ) => Effect.Effect<Stream.Stream<RunEvent>, SessionSendError>
    /** Cancels the app's turn in progress; with `runId`, only if that is the run it belongs to. */
    readonly cancel: (appId: string, runId?: string) => Effect.Effect<{ readonly cancelled: boolean }>
    readonly status: (appId: string) => Effect.Effect<SessionStatus>
    readonly destroy: (appId: string) => Effect.Effect<void>
  }
>()("worker/Sessions") {
  static readonly layer = Layer.effect(
    Sessions,
    Effect.gen(function* () {
      const config = yield* WorkerConfig
      const sandbox = yield* SandboxEnv
      const secrets = yield* SecretStore
      const tokens = yield* McpTokens
      const buildProgress = yield* BuildProgress
      const runtimes = yield* Runtimes
      const registry = yield* WorkerRegistry
      const origin = brokerOrigin(config.host, (yield* HttpServer.HttpServer).address)
      const layerScope = yield* Effect.scope
      // The sessions' scopes (their runtime processes) are closed by this layer's finalizer, after
      // the turns: as children of the layer's scope they would close first, killing a runtime
      // mid-turn before its turn is told why it stops.
      const sessionScopes = yield* Scope.make()
      const entries = new Map<string, Entry>()
      /** The turn in progress per app: the one claim that makes a second message "busy". */
      const claims = new Map<string, Claim>()
      /** Every turn's fiber; closing the layer interrupts them all. */
      const turns = yield* FiberMap.make<string>()
      /** Per app, the wait that closes its session once it has been idle long enough. */
      const idleClosers = yield* FiberMap.make<string>()
      const limits = { timeoutMs: config.turnTimeoutMs, idleTimeoutMs: config.turnIdleTimeoutMs }
      /** Per app, the session lease fence this process last served it under (lost with the process, on purpose). */
      const servedFences = new Map<string, number>()
      /** The layer is closing: turns stopped now were stopped by the shutdown. */
      let shuttingDown = false

      const closeEntry = (appId: string, entry: Entry) =>
        Effect.gen(function* () {
          if (entries.get(appId) === entry) entries.delete(appId)
          yield* Scope.close(entry.scope, Exit.void)
          yield* tokens.revoke(entry.token)
        })

      const scheduleIdleClose = (appId: string, entry: Entry) =>
        FiberMap.run(
          idleClosers,
          appId,
          Effect.andThen(
            Effect.sleep(Duration.millis(config.sessionIdleMs)),
            Effect.suspend(() => (claims.has(appId) ? Effect.void : closeEntry(appId, entry))),
          ),
        )

      const setupFor = Effect.fn("Sessions.setup")(function* (appId: string, request: SendRequest, resumeSessionId: string | null) {
        const { detection, adapter } = yield* runtimes.require(request.runtime)
        const dirs = yield* sandbox.directories(appId, request.runtime)
        // The builder's session may call the whole builder tool set; a turn arms the token for its run.
        const token = yield* tokens.mint({
          workspaceId: request.workspaceId ?? null,
          appId,
          runtime: request.runtime,
          tools: { second: BUILDER_TOOL_NAMES, app_data: APP_DATA_TOOL_NAMES },
        })
        const setup: SessionSetup = {
          ...runtimeSetup({ config, sandbox, secrets }, { runtime: request.runtime, model: request.model, detection, dirs }),
          appId,
          runId: request.runId,
          model: request.model,
          systemPrompt: request.systemPrompt,
          resumeSessionId,
          mcp: {
            servers: { second: mcpUrl(origin, "second"), app_data: mcpUrl(origin, "app_data") },
            token: Redacted.value(token),
          },
          keepWarm: config.codexAppServerWarm,
        }
        return { setup, adapter, token }
      })

      /**
       * The app's session for this runtime and model, and the prompt it takes: an open session
       * has seen the conversation; one opened to resume the runtime's own session has too; a new
       * one is handed the conversation as text. A model change keeps the conversation by resuming
       * the open session under the new model.
       */
      const sessionFor = Effect.fn("Sessions.sessionFor")(function* (appId: string, request: SendRequest) {
        const current = entries.get(appId)
        const handedOver = request.handoffPrompt ?? request.prompt
        if (current && current.runtime === request.runtime && current.model === request.model) {
          // A session stopped before the runtime named its conversation holds none to continue.
          return { session: current.session, prompt: current.session.nativeSessionId() !== null ? request.prompt : handedOver }
        }
        const continued = current?.runtime === request.runtime ? current.session.nativeSessionId() : null
        if (current) yield* closeEntry(appId, current)
        const resume = continued ?? request.resumeSessionId
        const { setup, adapter, token } = yield* setupFor(appId, request, resume)
        const scope = yield* Scope.fork(sessionScopes)
        const session = yield* adapter.open(setup).pipe(Scope.provide(scope))
        entries.set(appId, { runtime: request.runtime, model: request.model, session, scope, token, lastActiveAt: Date.now() })
        return { session, prompt: resume !== null ? request.prompt : handedOver }
      })

      /** The runtime's turn, retrying a start-up failure in a fresh session; a lasting one ends the turn with an error. */
      const runtimeTurn = (appId: string, request: SendRequest): Stream.Stream<RunEvent, never, never> =>
        Stream.unwrap(
          Effect.map(sessionFor(appId, request), ({ session, prompt }) =>
            session.turn(prompt).pipe(
              Stream.tapError(() =>
                Effect.suspend(() => {
                  const entry = entries.get(appId)
                  return entry ? closeEntry(appId, entry) : Effect.void
                }),
              ),
            ),
          ),
        ).pipe(
          Stream.retry(delaysSchedule(START_BACKOFF_MS)),
          Stream.catch((error: RuntimeStartError | RuntimeUnavailableError | SandboxAppIdError) => startFailedTurn(error)),
        )

      const release = (appId: string, claim: Claim) =>
        Effect.gen(function* () {
          if (claims.get(appId) === claim) claims.delete(appId)
          if (claim.permit) yield* claim.permit.release
          const entry = entries.get(appId)
          if (entry) {
            entry.lastActiveAt = Date.now()
            yield* scheduleIdleClose(appId, entry)
          }
        })

      // Shutdown (after the drain): the turns still running end as worker_restarting. RunDriver
      // closes alongside (merged layers close in parallel) and reads those last events into the
      // runs' streams and reports.
      yield* Effect.addFinalizer(() =>
        Effect.gen(function* () {
          shuttingDown = true
          yield* FiberMap.clear(turns)
          yield* Effect.forEach([...entries], ([appId, entry]) => closeEntry(appId, entry), { concurrency: "unbounded", discard: true })
          yield* Scope.close(sessionScopes, Exit.void)
        }),
      )

      /** The claimed turn: checked, then forked into its fiber, which owns the claim from then on. */
      const claimedTurn = Effect.fn("Sessions.claimedTurn")(function* (appId: string, request: SendRequest, claim: Claim) {
        // Refuse an unusable runtime, a bad app id, or a message this worker lacks the app for,
        // before anything starts.
        const turnRequest = yield* Effect.gen(function* () {
          yield* runtimes.require(request.runtime)
          const dirs = yield* sandbox.directories(appId, request.runtime)
          const plan = planSource(request, {
            servedFence: servedFences.get(appId),
            hasSource: hasSource(dirs.workdir),
            openSession: entries.get(appId)?.runtime === request.runtime,
          })
          const open = entries.get(appId)
          if (plan.resync && open) yield* closeEntry(appId, open)
          if (plan.step === "source_needed") return yield* new SessionSourceNeededError({ appId })
          yield* Effect.sync(() => applySourceStep(dirs.workdir, plan.step, request))
          if (request.sessionFence !== undefined) servedFences.set(appId, request.sessionFence)
          // The session to resume lives with the app's previous owner: the handover stands for it.
          return plan.resync ? { ...request, resumeSessionId: null } : request
        })
        // A new app starts from the template; every app finds the template's packages beside its directory.
        yield* scaffoldApp(appWorkdir(config.workspacesDir, appId), config.appTemplateDir)
        yield* FiberMap.remove(idleClosers, appId)

        const { fiber, stream } = yield* readerTurn({
          label: `run ${request.runId} (${request.runtime})`,
          work: Effect.gen(function* () {
            // The session's MCP token works for this run, and only while the turn lasts: however it
            // ends (done, cancel, timeout, shutdown), closing the turn's scope disarms it.
            const now = yield* Clock.currentTimeMillis
            yield* tokens.armTurn(appId, request.runId, now + limits.timeoutMs + TOKEN_GRACE_MS)
            // done_building's build reports through the broker, not the runtime: its events join the
            // turn's (subscribed before the runtime starts, so none are missed; they keep the idle
            // deadline at bay while the runtime waits on the build) and end with the runtime's.
            const builds = yield* buildProgress.subscribe(request.runId)
            // A plan or suggestions ends the turn right after its result: the person answers next.
            return superviseTurn(Stream.merge(endAtApprovalStop(runtimeTurn(appId, turnRequest)), builds, { haltStrategy: "left" }), limits)
          }),
          // Interrupted mid-turn: a cancel ends it as cancelled; the worker's shutdown, as a failure worth sending again.
          stoppedEvents: () => (shuttingDown || registry.stopping() ? WORKER_RESTARTED : stopEvents("cancelled", limits)),
          onEnd: release(appId, claim),
          fork: (turn) => FiberMap.run(turns, appId, turn),
        })
        claim.fiber = fiber
        return stream
      })

      return Sessions.of({
        send: Effect.fn("Sessions.send")(function* (appId, request) {
          // Check and claim in one synchronous step: nothing can run between them.
          const claim = yield* Effect.sync((): Claim | null => {
            if (claims.has(appId)) return null
            const created: Claim = { runId: request.runId, fiber: null, permit: null }
            claims.set(appId, created)
            return created
          })
          if (claim === null) return yield* new SessionBusyError({ appId })
          // Until the turn's fiber owns the claim, any way out of here (a refusal, the caller
          // hanging up) gives it back, with its place in the worker's count. Admitted and stored in
          // one uninterruptible step: an interruption between them would lose the place for good.
          return yield* Effect.uninterruptible(Effect.tap(registry.admit, (permit) => Effect.sync(() => (claim.permit = permit)))).pipe(
            Effect.andThen(claimedTurn(appId, request, claim)),
            Effect.onExit((exit) => (Exit.isSuccess(exit) || claim.fiber !== null ? Effect.void : release(appId, claim))),
          )
        }),

        cancel: (appId, runId) =>
          Effect.gen(function* () {
            const claim = claims.get(appId)
            if (!claim || claim.fiber === null || (runId !== undefined && claim.runId !== runId)) return { cancelled: false }
            // Answer at once; the turn's processes are stopped by its scope meanwhile.
            yield* Effect.forkIn(Fiber.interrupt(claim.fiber), layerScope)
            return { cancelled: true }
          }),

        status: (appId) =>
          Effect.sync(() => {
            const entry = entries.get(appId)
            return {
              exists: entry !== undefined,
              busy: claims.has(appId),
              runtime: entry?.runtime ?? null,
              nativeSessionId: entry?.session.nativeSessionId() ?? null,
              lastActiveAt: entry ? new Date(entry.lastActiveAt).toISOString() : null,
              hasSource: hasSource(appWorkdir(config.workspacesDir, appId)),
            }
          }),

        destroy: (appId) =>
          Effect.gen(function* () {
            const claim = claims.get(appId)
            if (claim?.fiber) yield* Fiber.interrupt(claim.fiber)
            yield* FiberMap.remove(idleClosers, appId)
            servedFences.delete(appId)
            const entry = entries.get(appId)
            if (entry) yield* closeEntry(appId, entry)
          }),
      })
    }),
  )
}
