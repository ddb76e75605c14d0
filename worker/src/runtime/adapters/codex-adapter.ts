// Codex as a runtime: `codex app-server` over stdio JSON-RPC. The API key goes through the
// account/login/start call, never into Codex's environment; approvals are declined by policy; the
// commands Codex runs get their own HOME and no key, token or secret variable. In local
// development the app-server stays warm between turns; otherwise each turn resumes the thread in
// a fresh process.

import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { Cause, Effect, Exit, Queue, Scope, Stream } from "effect"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import type { RuntimeProcess } from "../process/RuntimeProcess.ts"
import {
  createCodexEventMapper,
  interruptCodexTurn,
  openCodexThread,
  startCodexSession,
  startCodexTurn,
  codexServerRequestHandler,
  type CodexSessionOptions,
} from "../protocol/codex-app-server.ts"
import { CodexRpc } from "../protocol/codex-rpc.ts"
import { lastWords } from "./read-turn-lines.ts"
import {
  closeUnlessSucceeded,
  isAgentSession,
  MCP_TOOL_TIMEOUT_MS,
  mcpServers,
  runtimeStartError,
  startInChildScope,
  type RuntimeAdapter,
  type RuntimeSession,
  type RuntimeStartError,
  type SessionSetup,
} from "./runtime-adapter.ts"

export const DEFAULT_CODEX_MODEL = "gpt-5.5"
const GATEWAY_PROVIDER = "second"
/** How long a turn left mid-way may take to answer its interrupt before its process is stopped. */
const INTERRUPT_WAIT_MS = 1_500
const toml = (value: string) => JSON.stringify(value)

/** Codex features an app agent runs without: everything that runs commands, reads files, or acts beyond its tools (sub-agents: [agents]). */
export const CODEX_AGENT_FEATURES_OFF = [
  "shell_tool",
  "unified_exec",
  "view_image",
  "goals",
  "image_generation",
  "apps",
  "plugins",
  "browser_use",
  "in_app_browser",
  "computer_use",
] as const

/** CODEX_HOME/config.toml: provider, sandbox, shell environment policy and the MCP broker. */
export function codexConfig(setup: SessionSetup): string {
  const endpoint = setup.providerEndpoints.openai
  const agent = isAgentSession(setup)
  return [
    `model = ${toml(setup.model ?? DEFAULT_CODEX_MODEL)}`,
    `model_provider = ${toml(endpoint ? GATEWAY_PROVIDER : "openai")}`,
    `approval_policy = "never"`,
    `sandbox_mode = ${toml(codexSandboxFor(setup))}`,
    ...(agent
      ? [`web_search = ${toml(setup.allowedBuiltins?.includes("WebSearch") ? "live" : "disabled")}`]
      : []),
    `cli_auth_credentials_store = "file"`,
    `check_for_update_on_startup = false`,
    "",
    ...(endpoint
      ? [
          `[model_providers.${GATEWAY_PROVIDER}]`,
          `name = "OpenAI-compatible gateway"`,
          `base_url = ${toml(endpoint.href.replace(/\/$/, ""))}`,
          `wire_api = "responses"`,
          // The key arrives through account/login/start, not an environment variable.
          "requires_openai_auth = true",
          "",
        ]
      : []),
    "[analytics]",
    "enabled = false",
    "",
    // An app agent: no shell, no file viewer, no sub-agents or browsers; only its MCP tools. Its
    // patch tool cannot be switched off, and meets the read-only sandbox instead.
    ...(agent ? ["[features]", ...CODEX_AGENT_FEATURES_OFF.map((feature) => `${feature} = false`), "", "[agents]", "enabled = false", ""] : []),
    `[projects.${toml(setup.dirs.workdir)}]`,
    `trust_level = "trusted"`,
    "",
    // Commands the model runs: their own HOME, and nothing that looks like a credential.
    "[shell_environment_policy]",
    `inherit = "core"`,
    `exclude = ["*KEY*", "*TOKEN*", "*SECRET*", "*PASSWORD*", "CODEX_*", "SECOND_*", "AUTHORIZATION", "COOKIE"]`,
    `set = { HOME = ${toml(setup.dirs.shellHome)} }`,
    "",
    ...(setup.mcp
      ? mcpServers(setup.mcp).flatMap(({ name, url }) => [
          `[mcp_servers.${name}]`,
          `url = ${toml(url)}`,
          `bearer_token_env_var = "SECOND_MCP_TOKEN"`,
          `default_tools_approval_mode = "approve"`,
          "startup_timeout_sec = 30",
          `tool_timeout_sec = ${MCP_TOOL_TIMEOUT_MS / 1000}`,
          "",
        ])
      : []),
  ].join("\n")
}

/** The builder writes the app; an app agent may write nothing (it has no files of its own to keep). */
export const codexSandboxFor = (setup: SessionSetup): CodexSessionOptions["sandbox"] => (isAgentSession(setup) ? "read-only" : setup.codexSandbox)

interface Notification {
  readonly method: string
  readonly params: unknown
}

interface Connection {
  readonly process: RuntimeProcess
  readonly rpc: CodexRpc
  readonly notifications: Queue.Queue<Notification, Cause.Done>
  readonly scope: Scope.Closeable
}

interface Step {
  readonly events: readonly RunEvent[]
  readonly last: boolean
}

export const codexAdapter: RuntimeAdapter = {
  id: "codex",
  open: (setup) =>
    Effect.gen(function* () {
      const sessionScope = yield* Effect.scope
      const codexHome = join(setup.dirs.home, ".codex")
      mkdirSync(codexHome, { recursive: true, mode: 0o700 })
      writeFileSync(join(codexHome, "config.toml"), codexConfig(setup), { mode: 0o600 })
      const options: CodexSessionOptions = {
        cwd: setup.dirs.workdir,
        model: setup.model ?? DEFAULT_CODEX_MODEL,
        instructions: setup.systemPrompt,
        sandbox: codexSandboxFor(setup),
        approvals: "decline",
      }
      let threadId = setup.resumeSessionId
      let connection: Connection | null = null

      const disconnect = Effect.suspend(() => {
        const open = connection
        connection = null
        return open ? Scope.close(open.scope, Exit.void) : Effect.void
      })

      /** The app-server, started and logged in, with the thread open (resumed when it still exists). */
      const connect = Effect.gen(function* () {
        if (connection) return connection
        const { process, scope } = yield* startInChildScope(
          sessionScope,
          setup.start({ args: ["app-server"], variables: { CODEX_HOME: codexHome, SECOND_MCP_TOKEN: setup.mcp?.token } }),
          "Codex",
        )
        const notifications = yield* Queue.unbounded<Notification, Cause.Done>()
        const rpc = new CodexRpc(
          { write: process.writeLine },
          { onServerRequest: codexServerRequestHandler, onNotification: (method, params) => void Queue.offerUnsafe(notifications, { method, params }) },
        )
        const opened: Connection = { process, rpc, notifications, scope }
        const readOutput = Effect.gen(function* () {
          for (let line = yield* process.nextLine; line !== null; line = yield* process.nextLine) rpc.handleLine(line)
          rpc.close("Codex stopped")
          Queue.endUnsafe(notifications)
          if (connection === opened) connection = null
        })
        yield* Effect.forkIn(readOutput, scope)
        yield* Effect.gen(function* () {
          yield* startCodexSession(rpc, { apiKey: setup.codexLoginKey, clientVersion: "1.0.0" })
          threadId = yield* openCodexThread(rpc, { ...options, resumeThreadId: threadId })
        }).pipe(
          Effect.mapError((error) => runtimeStartError(`Codex could not start a session: ${error.message}; ${lastWords(process)}`)),
          // Failed or stopped half-way (not logged in, no thread): nothing of it is kept for the next turn.
          Effect.onExit(closeUnlessSucceeded(scope)),
        )
        connection = opened
        return opened
      })

      /** The turn once its thread is open: acknowledged, then Codex's notifications until it ends. */
      const turnEvents = (open: Connection, thread: string, prompt: string): Stream.Stream<RunEvent, RuntimeStartError> =>
        Stream.unwrap(
          Effect.gen(function* () {
            // session.started is out already, so a refusal ends the turn rather than retrying it
            // (a retried stream that has emitted starts its schedule over, for ever). Stopped
            // while Codex acknowledges, the turn it may have started goes with its process.
            const started = yield* startCodexTurn(open.rpc, thread, { text: prompt }, options).pipe(
              Effect.map((turnId) => ({ turnId })),
              Effect.catch((error) => Effect.as(disconnect, { refused: error.message })),
              Effect.onInterrupt(() => disconnect),
            )
            if ("refused" in started) {
              return Stream.make<RunEvent[]>(
                { type: "error", message: `Codex refused the turn: ${started.refused}`, retryable: true, code: "runtime_start_failed" },
                { type: "turn.completed", outcome: "failed" },
              )
            }
            const { turnId } = started
            const mapper = createCodexEventMapper({ workdir: setup.dirs.workdir })
            let ended = false
            const step: Effect.Effect<Step, Cause.Done> = Effect.map(Queue.take(open.notifications), (next) => {
              const mapped = mapper.map(next.method, next.params)
              if (mapped.turnEnded) ended = true
              // The session started event is ours (resumed threads announce nothing).
              return { events: mapped.events.filter((event) => event.type !== "session.started"), last: mapped.turnEnded }
            })
            const events = Stream.fromEffectRepeat(step).pipe(
              Stream.takeUntil((taken) => taken.last),
              Stream.flatMap((taken) => Stream.fromIterable(taken.events)),
            )
            const died = Stream.suspend(() =>
              ended
                ? Stream.empty
                : Stream.make<RunEvent[]>(
                    { type: "error", message: `Codex stopped unexpectedly: ${lastWords(open.process)}`, retryable: true, code: "runtime_exited" },
                    { type: "turn.completed", outcome: "failed" },
                  ),
            )
            // Left mid-turn: ask Codex to stop the turn, briefly, then stop the process anyway.
            const leave = Effect.suspend(() => {
              if (ended) return setup.keepWarm ? Effect.void : disconnect
              return interruptCodexTurn(open.rpc, thread, turnId).pipe(Effect.timeoutOption(INTERRUPT_WAIT_MS), Effect.ignore, Effect.andThen(disconnect))
            })
            return Stream.concat(events, died).pipe(Stream.ensuring(leave))
          }),
        )

      const turn = (prompt: string): Stream.Stream<RunEvent, RuntimeStartError> =>
        Stream.unwrap(
          Effect.map(connect, (open) => {
            const thread = threadId!
            // Said as soon as the thread is open, while Codex acknowledges the turn (a refused
            // turn/start is retried as a start-up failure, as a failed start of the thread is).
            const started: RunEvent = { type: "session.started", runtime: "codex", sessionId: thread, model: options.model }
            return Stream.concat(Stream.make(started), turnEvents(open, thread, prompt))
          }),
        )

      return { runtime: "codex", nativeSessionId: () => threadId, turn } satisfies RuntimeSession
    }),
}
