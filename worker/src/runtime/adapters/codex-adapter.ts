// Codex as a runtime: `codex app-server` over stdio JSON-RPC. The API key goes through the
// account/login/start call, never into Codex's environment; approvals are declined by policy; the
// commands Codex runs get their own HOME and no key, token or secret variable. In local
// development the app-server stays warm between turns; otherwise each turn resumes the thread in
// a fresh process.

import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import { AsyncQueue } from "../async-queue.ts"
import type { SupervisedProcess } from "../process/supervised-process.ts"
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
import { RuntimeStartError, type RuntimeAdapter, type RuntimeSession, type SessionSetup, type TurnRequest } from "./runtime-adapter.ts"

export const DEFAULT_CODEX_MODEL = "gpt-5.5"
const GATEWAY_PROVIDER = "second"
/** How long an interrupted turn may take to say it stopped before its process is. */
const INTERRUPT_WAIT_MS = 1_500
const toml = (value: string) => JSON.stringify(value)

/** CODEX_HOME/config.toml: provider, sandbox, shell environment policy and the MCP broker. */
export function codexConfig(setup: SessionSetup): string {
  const endpoint = setup.providerEndpoints.openai
  return [
    `model = ${toml(setup.model ?? DEFAULT_CODEX_MODEL)}`,
    `model_provider = ${toml(endpoint ? GATEWAY_PROVIDER : "openai")}`,
    `approval_policy = "never"`,
    `sandbox_mode = ${toml(setup.codexSandbox)}`,
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
    `[projects.${toml(setup.dirs.workdir)}]`,
    `trust_level = "trusted"`,
    "",
    // Commands the model runs: their own HOME, and nothing that looks like a credential.
    "[shell_environment_policy]",
    `inherit = "core"`,
    `exclude = ["*KEY*", "*TOKEN*", "*SECRET*", "*PASSWORD*", "CODEX_*", "SECOND_*", "AUTHORIZATION", "COOKIE"]`,
    `set = { HOME = ${toml(setup.dirs.shellHome)} }`,
    "",
    "[mcp_servers.second]",
    `url = ${toml(setup.mcp.url)}`,
    `bearer_token_env_var = "SECOND_MCP_TOKEN"`,
    "",
  ].join("\n")
}

interface Notification {
  readonly method: string
  readonly params: unknown
}

interface Connection {
  readonly process: SupervisedProcess
  readonly rpc: CodexRpc
  readonly notifications: AsyncQueue<Notification>
}

class CodexSession implements RuntimeSession {
  readonly runtime = "codex" as const
  readonly #setup: SessionSetup
  readonly #codexHome: string
  readonly #options: CodexSessionOptions
  #connection: Connection | null = null
  #threadId: string | null

  constructor(setup: SessionSetup) {
    this.#setup = setup
    this.#threadId = setup.resumeSessionId
    this.#codexHome = join(setup.dirs.home, ".codex")
    mkdirSync(this.#codexHome, { recursive: true, mode: 0o700 })
    writeFileSync(join(this.#codexHome, "config.toml"), codexConfig(setup), { mode: 0o600 })
    this.#options = {
      cwd: setup.dirs.workdir,
      model: setup.model ?? DEFAULT_CODEX_MODEL,
      instructions: setup.systemPrompt,
      sandbox: setup.codexSandbox,
      approvals: "decline",
    }
  }

  nativeSessionId() {
    return this.#threadId
  }

  async #connect(): Promise<Connection> {
    if (this.#connection) return this.#connection
    const process = await this.#setup.start({
      args: ["app-server"],
      variables: { CODEX_HOME: this.#codexHome, SECOND_MCP_TOKEN: this.#setup.mcp.token },
    })
    const notifications = new AsyncQueue<Notification>()
    const rpc = new CodexRpc(
      { write: (line) => void process.write(line) },
      { onServerRequest: codexServerRequestHandler, onNotification: (method, params) => notifications.push({ method, params }) },
    )
    const connection = { process, rpc, notifications }
    this.#connection = connection
    void (async () => {
      for (let line = await process.nextLine(); line !== null; line = await process.nextLine()) rpc.handleLine(line)
      rpc.close("Codex stopped")
      notifications.end()
      if (this.#connection === connection) this.#connection = null
    })()
    try {
      await startCodexSession(rpc, { apiKey: this.#setup.codexLoginKey, clientVersion: "1.0.0" })
      this.#threadId = await openCodexThread(rpc, { ...this.#options, resumeThreadId: this.#threadId })
    } catch (error) {
      await this.#disconnect()
      throw new RuntimeStartError(`Codex could not start a session: ${error instanceof Error ? error.message : String(error)}; ${lastWords(process)}`)
    }
    return connection
  }

  async #disconnect() {
    const connection = this.#connection
    this.#connection = null
    await connection?.process.terminate()
  }

  async *turn(request: TurnRequest): AsyncGenerator<RunEvent> {
    let connection: Connection
    try {
      connection = await this.#connect()
    } catch (error) {
      if (error instanceof RuntimeStartError) throw error
      throw new RuntimeStartError(`Codex could not start: ${error instanceof Error ? error.message : String(error)}`)
    }
    const threadId = this.#threadId!
    const mapper = createCodexEventMapper({ workdir: this.#setup.dirs.workdir })
    yield { type: "session.started", runtime: "codex", sessionId: threadId, model: this.#options.model }
    let turnId: string
    try {
      turnId = await startCodexTurn(connection.rpc, threadId, { text: request.prompt }, this.#options)
    } catch (error) {
      await this.#disconnect()
      throw new RuntimeStartError(`Codex refused the turn: ${error instanceof Error ? error.message : String(error)}`)
    }

    const stopped = new Promise<"stopped">((resolve) => {
      if (request.signal.aborted) resolve("stopped")
      request.signal.addEventListener("abort", () => resolve("stopped"), { once: true })
    })
    let interruptDeadline: number | null = null
    try {
      for (;;) {
        const waitForInterrupt =
          interruptDeadline === null
            ? stopped
            : new Promise<"late">((resolve) => setTimeout(() => resolve("late"), Math.max(0, interruptDeadline! - Date.now())))
        const next = await Promise.race([connection.notifications.next(), waitForInterrupt])
        if (next === "stopped") {
          // Ask Codex to stop the turn; if it does not say so in time, stop the process.
          interruptDeadline = Date.now() + INTERRUPT_WAIT_MS
          await interruptCodexTurn(connection.rpc, threadId, turnId).catch(() => false)
          continue
        }
        if (next === "late") {
          await this.#disconnect()
          return
        }
        if (next === null) {
          yield { type: "error", message: `Codex stopped unexpectedly: ${lastWords(connection.process)}`, retryable: true, code: "runtime_exited" }
          yield { type: "turn.completed", outcome: "failed" }
          return
        }
        const mapped = mapper.map(next.method, next.params)
        // The session started event is ours (resumed threads announce nothing).
        for (const event of mapped.events) if (event.type !== "session.started") yield event
        if (mapped.turnEnded) return
      }
    } finally {
      if (!this.#setup.keepWarm || request.signal.aborted) await this.#disconnect()
    }
  }

  async close() {
    await this.#disconnect()
  }
}

export const codexAdapter: RuntimeAdapter = {
  id: "codex",
  async open(setup) {
    return new CodexSession(setup)
  },
}
