// The worker's composition root: every layer is put together here, and only here: the HTTP
// routes (sessions, agent runs, the MCP broker) over RuntimeLayer (Runtimes, Sessions), SandboxEnvLayer,
// SecretStoreLayer, McpBrokerLayer (run tokens, builder tools) and BuildLayer (done_building's
// builds and their way into runs), all configured by WorkerConfig. WorkerRegistry counts turns and
// announces the worker; Draining lets running turns finish on shutdown before the server closes.

import { createServer } from "node:http"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Cause, Effect, Layer, Logger, ManagedRuntime } from "effect"
import { HttpRouter, HttpServer } from "effect/http"
import { ConfigError } from "#shared/config/env.ts"
import type { LiveCoordination } from "#shared/live/live.server.ts"
import { describeListenError } from "#shared/config/listen-error.ts"
import { AppBuilds } from "./build/AppBuilds.ts"
import { BuildProgress } from "./build/BuildProgress.ts"
import { loadWorkerConfig, WorkerConfig, type WorkerSettings } from "./config/WorkerConfig.ts"
import { ErrorResponses } from "./http/ErrorResponses.ts"
import { HealthRoutes } from "./http/HealthRoutes.ts"
import { InternalAuth } from "./http/InternalAuth.ts"
import { SessionRoutes } from "./http/SessionRoutes.ts"
import { AgentRunRoutes } from "./http/AgentRunRoutes.ts"
import { AgentRuns } from "./agents/AgentRuns.ts"
import { AppTools } from "./mcp/AppTools.ts"
import { BuilderTools } from "./mcp/BuilderTools.ts"
import { AppDataTools } from "./mcp/AppDataTools.ts"
import { McpBrokerRoutes } from "./mcp/McpBroker.ts"
import { McpTokens } from "./mcp/McpTokens.ts"
import { claudeAdapter } from "./runtime/adapters/claude-adapter.ts"
import { codexAdapter } from "./runtime/adapters/codex-adapter.ts"
import { opencodeAdapter } from "./runtime/adapters/opencode-adapter.ts"
import { RunDriver } from "./runs/RunDriver.ts"
import { RunLive } from "./runs/RunLive.ts"
import { WorkerRegistry } from "./registry/WorkerRegistry.ts"
import { Runtimes } from "./runtime/Runtimes.ts"
import { Sessions } from "./runtime/Sessions.ts"
import { SandboxEnv } from "./sandbox/SandboxEnv.ts"
import { SecretStore } from "./secrets/SecretStore.ts"
import { watchShutdownSignals } from "./shutdown-signals.ts"
import { errorReportingLoggers } from "./telemetry/ErrorReporting.ts"

const Routes = Layer.mergeAll(HealthRoutes, SessionRoutes, AgentRunRoutes, McpBrokerRoutes, InternalAuth, ErrorResponses)

/** Where runtimes start: app directories, the allowlisted environment, bubblewrap. */
const SandboxEnvLayer = SandboxEnv.layer
/** The provider keys, as Redacted values handed only to the runtime that needs them. */
const SecretStoreLayer = SecretStore.layer
/** The broker's run tokens, and what the builder's and app agents' tools do (the routes are McpBrokerRoutes). */
const McpBrokerLayer = Layer.mergeAll(McpTokens.layer, BuilderTools.layer, AppDataTools.layer, AppTools.layer)
/** App builds in the sandbox (done_building), and the channel their events take into the run's turn. */
const BuildLayer = AppBuilds.layer.pipe(Layer.provideMerge(BuildProgress.layer))

/**
 * Detection and adapters, sessions and app agent runs with their turn supervision, and the
 * detached runs they drive (which write run streams through RunLive). Sessions and AgentRuns also
 * read the server's own address (for MCP URLs), and admit every turn through WorkerRegistry,
 * which announces the worker in the same live port. Built before them, the registry closes after
 * them: the worker is withdrawn once its turns are stopped and reported.
 */
const RuntimeLayer = (injectedLive: LiveCoordination | undefined) =>
  Layer.mergeAll(Sessions.layer, AgentRuns.layer, RunDriver.layer).pipe(
    Layer.provideMerge(WorkerRegistry.layer),
    Layer.provideMerge(RunLive.layer(injectedLive)),
    Layer.provideMerge(Runtimes.layerWith({ claude: claudeAdapter, codex: codexAdapter, opencode: opencodeAdapter })),
  )

/** Everything the routes use. */
const WorkerServices = (injectedLive: LiveCoordination | undefined) =>
  RuntimeLayer(injectedLive).pipe(
    Layer.provideMerge(McpBrokerLayer),
    Layer.provideMerge(BuildLayer),
    Layer.provideMerge(SandboxEnvLayer),
    Layer.provideMerge(SecretStoreLayer),
  )

const StartupWarnings = Layer.effectDiscard(
  Effect.gen(function* () {
    const config = yield* WorkerConfig
    if (config.internalApiToken === undefined) {
      yield* Effect.logWarning(
        "INTERNAL_API_TOKEN is not set: the worker accepts unauthenticated requests. Set it before anything else can reach this port.",
      )
    }
  }),
)

const LogListening = Layer.effectDiscard(
  Effect.gen(function* () {
    const server = yield* HttpServer.HttpServer
    yield* Effect.logInfo(`worker listening on ${HttpServer.formatAddress(server.address)}`)
  }),
)

/**
 * Graceful shutdown's first step. Acquired after the HTTP server, so its finalizer runs before the
 * server closes: the running turns' runtimes still call /mcp while they finish. It refuses new
 * turns (worker_draining), says so in the registry, and waits for the running turns up to
 * SECOND_WORKER_DRAIN_SECONDS; then the rest closes as before (RunDriver stops what still runs,
 * and its turns end failed, retryable, and are reported).
 */
const Draining = Layer.effectDiscard(
  Effect.gen(function* () {
    yield* HttpServer.HttpServer
    const registry = yield* WorkerRegistry
    yield* Effect.addFinalizer(() => registry.drain)
  }),
)

const loggerLayer = (settings: WorkerSettings) =>
  Logger.layer([settings.production ? Logger.consoleJson : Logger.consolePretty(), ...errorReportingLoggers(settings)])

/** HTTP server on the configured host and port, and its services; logging through the caller's logger. */
const serving = (settings: WorkerSettings, options: WorkerOptions) =>
  Draining.pipe(
    Layer.provideMerge(
      HttpRouter.serve(Routes, { disableListenLog: true, disableLogger: true }).pipe(
        Layer.merge(StartupWarnings),
        Layer.provideMerge(WorkerServices(options.live)),
        Layer.provideMerge(
          NodeHttpServer.layer(() => createServer(), {
            port: settings.port,
            host: settings.host,
            // Open streams must not hold a shutdown for the default 20 s.
            gracefulShutdownTimeout: "2 seconds",
          }),
        ),
      ),
    ),
    Layer.provide(WorkerConfig.layer(settings)),
  )

/** The whole worker as one layer: HTTP server on the configured host and port, and its services. */
export const workerLayer = (settings: WorkerSettings, options: WorkerOptions = {}) =>
  serving(settings, options).pipe(Layer.provide(loggerLayer(settings)))

export interface WorkerOptions {
  /** The live port to write run streams to, shared with an embedding web tier (else REDIS_URL). */
  readonly live?: LiveCoordination
}

export interface RunningWorker {
  readonly url: URL
  /** Drains (up to SECOND_WORKER_DRAIN_SECONDS while turns run), then stops everything. */
  close(): Promise<void>
}

/** Starts the worker inside another Node process (the embedded default) and says where it listens. */
export async function startWorker(settings: WorkerSettings, options: WorkerOptions = {}): Promise<RunningWorker> {
  const runtime = ManagedRuntime.make(workerLayer(settings, options))
  try {
    const server = await runtime.runPromise(HttpServer.HttpServer)
    const address = server.address
    if (address._tag === "UnixPathAddress") throw new Error("The worker must listen on TCP")
    const host = settings.host.includes(":") ? `[${settings.host}]` : settings.host
    return { url: new URL(`http://${host}:${address.port}`), close: () => runtime.dispose() }
  } catch (error) {
    await runtime.dispose()
    throw error
  }
}

/** The standalone worker process: config from the environment, then serve until SIGINT/SIGTERM. */
export function runWorker(env: NodeJS.ProcessEnv): void {
  let settings: WorkerSettings
  try {
    settings = loadWorkerConfig(env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(error.message)
    process.exit(1)
  }
  // One logger (JSON in production) for every line: the listening line, the signals, and a failure
  // that ends the worker, which runMain would otherwise log with its own pretty logger.
  const logger = loggerLayer(settings)
  const signals = watchShutdownSignals({
    info: (message) => Effect.runSync(Effect.logInfo(message).pipe(Effect.provide(logger))),
    warn: (message) => Effect.runSync(Effect.logWarning(message).pipe(Effect.provide(logger))),
  })
  const program = Layer.launch(LogListening.pipe(Layer.provideMerge(serving(settings, {})))).pipe(
    Effect.catchTag("ServeError", (error) =>
      Effect.sync(() => {
        const message = describeListenError(error.cause, "PORT")
        if (message === null) throw error
        console.error(message)
        process.exit(1)
      }),
    ),
    Effect.tapCause((cause) => (Cause.hasInterruptsOnly(cause) ? Effect.void : Effect.logError("worker stopped", cause))),
    Effect.provide(logger),
  )
  NodeRuntime.runMain(program, { disableErrorReporting: true, teardown: signals.teardown })
}
