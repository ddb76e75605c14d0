// App agent runs: one turn each, in a directory of the run's own (`agent-<runId>`: no app source,
// no template, nothing of the builder's), with only the agent's tools. The runtime's session is
// opened in the turn's scope and closed with it — no idle session is kept, since an agent run
// has no next message — and the directory is removed after it. A turn is a fiber per run that
// runs the supervised event stream into a queue its reader (the RunDriver) drains: cancel
// interrupts that fiber, and leaving the stream stops every process the run started.

import { Clock, Context, Effect, Exit, Fiber, FiberMap, Layer, Redacted, Schema, Stream } from "effect"
import { HttpServer } from "effect/http"
import { agentRunSessionKey, type StartAgentRunRequest } from "#shared/runs/agent-runs.ts"
import { APP_DATA_TOOL_NAMES } from "#shared/mcp/tool-names.ts"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import { WorkerConfig } from "../config/WorkerConfig.ts"
import { appToolsGrant } from "../mcp/AppTools.ts"
import { mcpUrl } from "../mcp/McpBroker.ts"
import { WorkerRegistry, type TurnPermit, type WorkerAdmitError } from "../registry/WorkerRegistry.ts"
import { McpTokens, type McpGrant } from "../mcp/McpTokens.ts"
import type { RuntimeStartError, SessionSetup } from "../runtime/adapters/runtime-adapter.ts"
import { Runtimes, type RuntimeUnavailableError } from "../runtime/Runtimes.ts"
import { delaysSchedule, startFailedTurn, stopEvents, superviseTurn } from "../runtime/turn-pipeline.ts"
import { readerTurn } from "../runtime/reader-turn.ts"
import { START_BACKOFF_MS } from "../runtime/Sessions.ts"
import { brokerOrigin, runtimeSetup } from "../runtime/session-setup.ts"
import { SandboxEnv, type SandboxAppIdError } from "../sandbox/SandboxEnv.ts"
import { SecretStore } from "../secrets/SecretStore.ts"
import { removeAgentRunDirectories, removeLeftoverAgentRunDirectories } from "./agent-directories.ts"

export class AgentRunBusyError extends Schema.TaggedError<AgentRunBusyError>()("AgentRunBusyError", { runId: Schema.String }) {
  override get message() {
    return `The agent run ${this.runId} is already running on this worker.`
  }
}

/** Everything starting an agent run can be refused with. */
export type AgentRunStartError = AgentRunBusyError | RuntimeUnavailableError | SandboxAppIdError | WorkerAdmitError

/** How long past the turn's own deadline its MCP token stays armed (the turn's last tool result on its way). */
const TOKEN_GRACE_MS = 5_000

/** How a run stopped by the worker going away ends: failed, and worth starting again. */
const WORKER_STOPPING: RunEvent[] = [
  { type: "error", message: "The worker running this agent stopped (a restart or deploy). Run the agent again.", retryable: true, code: "worker_stopping" },
  { type: "turn.completed", outcome: "failed" },
]

interface Running {
  fiber: Fiber.Fiber<void> | null
  /** Why the turn is being stopped from outside, once it is. */
  stop: "cancelled" | "worker_stopping" | null
  /** The run's place in the worker's count, once admitted. */
  permit: TurnPermit | null
}

export class AgentRuns extends Context.Service<
  AgentRuns,
  {
    /** Starts the run's turn and returns its events. Fails at once when the run is here already or cannot run. */
    readonly start: (request: StartAgentRunRequest) => Effect.Effect<Stream.Stream<RunEvent>, AgentRunStartError>
    /** Stops the run's turn; its events end as cancelled. */
    readonly cancel: (runId: string) => Effect.Effect<{ readonly cancelled: boolean }>
    /** Stops the run's turn because this worker cannot go on with it; its events end as a retryable failure. */
    readonly stop: (runId: string) => Effect.Effect<void>
  }
>()("worker/AgentRuns") {
  static readonly layer = Layer.effect(
    AgentRuns,
    Effect.gen(function* () {
      const config = yield* WorkerConfig
      const sandbox = yield* SandboxEnv
      const secrets = yield* SecretStore
      const tokens = yield* McpTokens
      const runtimes = yield* Runtimes
      const registry = yield* WorkerRegistry
      const origin = brokerOrigin(config.host, (yield* HttpServer.HttpServer).address)
      const layerScope = yield* Effect.scope
      const limits = { timeoutMs: config.turnTimeoutMs, idleTimeoutMs: config.turnIdleTimeoutMs }
      const running = new Map<string, Running>()
      const turns = yield* FiberMap.make<string>()

      // A worker that stopped mid-run left its runs' directories behind; no run of them is ours now.
      yield* Effect.sync(() => removeLeftoverAgentRunDirectories(config.workspacesDir))

      const interruptRun = (runId: string, reason: NonNullable<Running["stop"]>) =>
        Effect.gen(function* () {
          const run = running.get(runId)
          if (!run || run.fiber === null) return false
          run.stop ??= reason
          // Answer at once; the turn's processes are stopped by its scope meanwhile.
          yield* Effect.forkIn(Fiber.interrupt(run.fiber), layerScope)
          return true
        })

      // Shutdown: every run ends as a retryable failure (not as cancelled: nobody cancelled it).
      yield* Effect.addFinalizer(() =>
        Effect.gen(function* () {
          for (const run of running.values()) run.stop ??= "worker_stopping"
          yield* FiberMap.clear(turns)
        }),
      )

      const setupFor = Effect.fn("AgentRuns.setup")(function* (request: StartAgentRunRequest, key: string, token: string) {
        const { detection, adapter } = yield* runtimes.require(request.runtime)
        const dirs = yield* sandbox.directories(key, request.runtime)
        const granted = request.dataCollections.length > 0
        const setup: SessionSetup = {
          ...runtimeSetup({ config, sandbox, secrets }, { runtime: request.runtime, model: request.model, detection, dirs }),
          appId: key,
          runId: request.runId,
          model: request.model,
          systemPrompt: request.systemPrompt,
          resumeSessionId: null,
          mcp: {
            servers: { app_tools: mcpUrl(origin, "app_tools"), ...(granted ? { app_data: mcpUrl(origin, "app_data") } : {}) },
            token,
          },
          keepWarm: false,
          purpose: "agent",
          allowedBuiltins: request.builtinTools,
        }
        return { setup, adapter }
      })

      /** The grant of the run's token: the real app, the agent, its listed tools and collections; armed by the run's own key. */
      const grantFor = (request: StartAgentRunRequest, key: string): McpGrant => {
        const appTools = appToolsGrant(request.tools)
        return {
          workspaceId: request.workspaceId,
          appId: request.appId,
          runtime: request.runtime,
          turnKey: key,
          tools: {
            app_tools: appTools.map((tool) => tool.name),
            ...(request.dataCollections.length > 0 ? { app_data: APP_DATA_TOOL_NAMES } : {}),
          },
          agent: { agentId: request.agentId, appTools, dataCollections: [...request.dataCollections] },
        }
      }

      /** The runtime's one turn in a session opened for it, retrying a start-up failure; a lasting one ends the turn with an error. */
      const runtimeTurn = (request: StartAgentRunRequest, key: string, token: string): Stream.Stream<RunEvent, never, never> =>
        Stream.unwrap(
          Effect.gen(function* () {
            const { setup, adapter } = yield* setupFor(request, key, token)
            // Opened in this stream's scope: leaving the stream (done, deadline, cancel) stops the session's processes.
            const session = yield* adapter.open(setup)
            return session.turn(request.prompt).pipe(Stream.retry(delaysSchedule(START_BACKOFF_MS)))
          }),
        ).pipe(
          Stream.catch((error: RuntimeStartError | RuntimeUnavailableError | SandboxAppIdError) => startFailedTurn(error)),
        )

      const started = Effect.fn("AgentRuns.started")(function* (request: StartAgentRunRequest, run: Running) {
        const key = agentRunSessionKey(request.runId)
        // Refuse an unusable runtime or a run id that makes no directory name before anything starts.
        yield* runtimes.require(request.runtime)
        yield* Effect.sync(() => removeAgentRunDirectories(config.workspacesDir, key))
        yield* sandbox.directories(key, request.runtime)

        const { fiber, stream } = yield* readerTurn({
          label: `agent run ${request.runId} (${request.runtime})`,
          // Last of all, once the processes are gone: nothing of the run stays on the worker.
          setup: Effect.addFinalizer(() => Effect.sync(() => removeAgentRunDirectories(config.workspacesDir, key))),
          work: Effect.gen(function* () {
            const token = yield* Effect.acquireRelease(tokens.mint(grantFor(request, key)), (minted) => tokens.revoke(minted))
            const now = yield* Clock.currentTimeMillis
            yield* tokens.armTurn(key, request.runId, now + limits.timeoutMs + TOKEN_GRACE_MS)
            return superviseTurn(runtimeTurn(request, key, Redacted.value(token)), limits)
          }),
          stoppedEvents: () => (run.stop === "worker_stopping" ? WORKER_STOPPING : stopEvents("cancelled", limits)),
          onEnd: Effect.suspend(() => {
            if (running.get(request.runId) === run) running.delete(request.runId)
            return run.permit?.release ?? Effect.void
          }),
          fork: (turn) => FiberMap.run(turns, request.runId, turn),
        })
        run.fiber = fiber
        return stream
      })

      return AgentRuns.of({
        start: Effect.fn("AgentRuns.start")(function* (request) {
          // Check and claim in one synchronous step: a retried start cannot run the same turn twice.
          const run = yield* Effect.sync((): Running | null => {
            if (running.has(request.runId)) return null
            const created: Running = { fiber: null, stop: null, permit: null }
            running.set(request.runId, created)
            return created
          })
          if (run === null) return yield* new AgentRunBusyError({ runId: request.runId })
          // Refused or failed before its fiber owns it: the run gives back its claim and its place in
          // the count. Admitted and stored in one uninterruptible step: an interruption between them
          // would lose the place for good.
          return yield* Effect.uninterruptible(Effect.tap(registry.admit, (permit) => Effect.sync(() => (run.permit = permit)))).pipe(
            Effect.andThen(started(request, run)),
            Effect.onExit((exit) =>
              Effect.suspend(() => {
                if (Exit.isSuccess(exit) || run.fiber !== null) return Effect.void
                if (running.get(request.runId) === run) running.delete(request.runId)
                removeAgentRunDirectories(config.workspacesDir, agentRunSessionKey(request.runId))
                return run.permit?.release ?? Effect.void
              }),
            ),
          )
        }),
        cancel: (runId) => Effect.map(interruptRun(runId, "cancelled"), (cancelled) => ({ cancelled })),
        stop: (runId) => Effect.asVoid(interruptRun(runId, "worker_stopping")),
      })
    }),
  )
}
