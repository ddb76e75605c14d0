// The contract between the session layer and each runtime's adapter. An adapter knows its CLI
// (arguments, configuration files, protocol module); it does not know about HTTP, timeouts or
// sessions of other apps. Processes are started only through `start`, which applies the sandbox
// and ties each process to a scope: the session's for a process that outlives a turn, the turn
// stream's own for one that does not.

import { Effect, Exit, Schema, Scope, Stream } from "effect"
import type { BuiltinToolName } from "#shared/agents/agents-config.ts"
import type { ToolSet } from "#shared/mcp/tool-names.ts"
import type { RunEvent, RuntimeId } from "#shared/runtime/run-event.ts"
import type { AppDirectories } from "../../sandbox/app-directories.ts"
import type { RuntimeDetection } from "../detection.ts"
import type { ProcessStartError, RuntimeProcess } from "../process/RuntimeProcess.ts"
import { redactSecrets } from "../protocol/redact-secrets.ts"

export interface RuntimeSession {
  readonly runtime: RuntimeId
  /** The CLI's own session/thread id, to resume the conversation in a later process. */
  nativeSessionId(): string | null
  /**
   * One turn's events, ending after turn.completed (or when the runtime stops without one).
   * Fails with RuntimeStartError only before producing anything. Leaving the stream early — for
   * any reason — stops the processes working on the turn.
   */
  turn(prompt: string): Stream.Stream<RunEvent, RuntimeStartError>
}

export interface StartRequest {
  readonly args: readonly string[]
  /** The runtime's own variables (config locations, switches, its provider key), added to the allowlist. */
  readonly variables: Readonly<Record<string, string | undefined>>
}

export interface SessionSetup {
  readonly appId: string
  readonly runId: string
  readonly model: string | null
  readonly systemPrompt: string | null
  /** A previous process's session id, when the conversation should continue. */
  readonly resumeSessionId: string | null
  readonly dirs: AppDirectories
  readonly detection: RuntimeDetection
  /** Starts a sandboxed process in the given scope; closing the scope stops its whole tree. */
  readonly start: (request: StartRequest) => Effect.Effect<RuntimeProcess, ProcessStartError, Scope.Scope>
  /** This runtime's provider variables, already revealed for its environment (Claude, OpenCode). */
  readonly providerVariables: Readonly<Record<string, string>>
  /** Codex's key, given through its login call and never its environment. */
  readonly codexLoginKey: string | null
  readonly providerEndpoints: { readonly anthropic: URL | undefined; readonly openai: URL | undefined }
  /** Where this run reaches the worker's tool sets (one MCP server each), with its short-lived token. */
  readonly mcp: { readonly servers: Readonly<Partial<Record<ToolSet, string>>>; readonly token: string } | null
  readonly claudeSubprocessEnvScrub: boolean
  readonly codexSandbox: "workspace-write" | "danger-full-access"
  /** Keep Codex's app-server alive between turns (local development only). */
  readonly keepWarm: boolean
  /**
   * What the session is for (absent: the builder). An app agent's session gets no tool that
   * touches files or runs commands: only its MCP tool sets and `allowedBuiltins`.
   */
  readonly purpose?: "builder" | "agent"
  /** An agent's runtime tools it may use besides MCP (WebSearch, WebFetch); ignored for the builder. */
  readonly allowedBuiltins?: readonly BuiltinToolName[]
}

/** Whether the session is an app agent's, restricted to its MCP tools and granted built-ins. */
export const isAgentSession = (setup: Pick<SessionSetup, "purpose">): boolean => setup.purpose === "agent"

/**
 * How long a runtime waits for one broker tool call. done_building runs the app's build (its own
 * limit is SECOND_BUILD_TIMEOUT_MS, 120 s by default), so this is longer than any build may take.
 */
export const MCP_TOOL_TIMEOUT_MS = 180_000

/** The configured tool sets, in a stable order. */
export const mcpServers = (mcp: NonNullable<SessionSetup["mcp"]>) =>
  (Object.entries(mcp.servers) as [ToolSet, string | undefined][]).flatMap(([name, url]) => (url ? [{ name, url }] : []))

export interface RuntimeAdapter {
  readonly id: RuntimeId
  /** Opens a session whose processes live at most as long as the scope (closed on idle, switch or shutdown). */
  open(setup: SessionSetup): Effect.Effect<RuntimeSession, never, Scope.Scope>
}

export { redactSecrets }

/**
 * The runtime failed before it produced anything: a missing binary, a crash at start-up. The
 * session layer retries these with backoff; everything later is reported as events instead.
 * Build it with `runtimeStartError`, which keeps key-like strings out of the message.
 */
export class RuntimeStartError extends Schema.TaggedError<RuntimeStartError>()("RuntimeStartError", {
  message: Schema.String,
}) {}

export const runtimeStartError = (message: string) => new RuntimeStartError({ message: redactSecrets(message) })

/** For `Effect.onExit`: whatever was started in `scope` goes unless the step succeeded (failed, or stopped half-way). */
export const closeUnlessSucceeded =
  (scope: Scope.Closeable) =>
  <A, E>(exit: Exit.Exit<A, E>): Effect.Effect<void> =>
    Exit.isSuccess(exit) ? Effect.void : Scope.close(scope, Exit.void)

/**
 * Starts a process that outlives one turn (Claude's, a warm Codex app-server) in a child scope of
 * the session's: closing that scope stops it alone, and closing the session stops it too. A start
 * that fails, or is stopped while it starts, leaves nothing in the session unowned.
 */
export const startInChildScope = (
  session: Scope.Scope,
  start: Effect.Effect<RuntimeProcess, ProcessStartError, Scope.Scope>,
  name: string,
): Effect.Effect<{ readonly process: RuntimeProcess; readonly scope: Scope.Closeable }, RuntimeStartError> =>
  Effect.gen(function* () {
    const scope = yield* Scope.fork(session)
    const process = yield* start.pipe(
      Scope.provide(scope),
      Effect.onExit(closeUnlessSucceeded(scope)),
      Effect.mapError((error) => runtimeStartError(`${name} could not start: ${error.message}`)),
    )
    return { process, scope }
  })

/** The words of an unknown failure, for a message. */
export const describeFailure = (error: unknown): string => (error instanceof Error ? error.message : String(error))
