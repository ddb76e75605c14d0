// OpenCode as a runtime: one `opencode run --format json` process per turn, continuing the
// session by id, with a private generated config (provider, the MCP broker with this run's token
// in a header, tool permissions) in the runtime's home.

import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import { createOpencodeParser } from "../protocol/opencode-json.ts"
import { readTurnLines } from "./read-turn-lines.ts"
import { RuntimeStartError, type RuntimeAdapter, type RuntimeSession, type SessionSetup, type TurnRequest } from "./runtime-adapter.ts"

export const DEFAULT_OPENCODE_MODEL = "openai/gpt-5.5"
/** The provider id OpenCode uses for a configured OpenAI-compatible endpoint (a gateway or proxy). */
const GATEWAY_PROVIDER = "second"
/** OpenCode without its network side trips (updates, model lists, sharing, downloads, plugins) or Claude Code's files. */
export const OPENCODE_QUIET = {
  OPENCODE_DISABLE_AUTOUPDATE: "1",
  OPENCODE_DISABLE_MODELS_FETCH: "1",
  OPENCODE_DISABLE_SHARE: "1",
  OPENCODE_DISABLE_LSP_DOWNLOAD: "1",
  OPENCODE_DISABLE_DEFAULT_PLUGINS: "1",
  OPENCODE_DISABLE_CLAUDE_CODE: "1",
} as const

/** The agent that carries the system prompt, when one is given. */
const AGENT = "second-builder"

/** The model as OpenCode is asked for it: through the gateway when OPENAI_BASE_URL is set. */
export function opencodeModel(setup: SessionSetup): string {
  const model = setup.model ?? DEFAULT_OPENCODE_MODEL
  const [provider, ...rest] = model.split("/")
  return provider === "openai" && setup.providerEndpoints.openai ? `${GATEWAY_PROVIDER}/${rest.join("/")}` : model
}

function writeConfig(setup: SessionSetup, model: string): string {
  const directory = join(setup.dirs.home, ".second")
  mkdirSync(directory, { recursive: true, mode: 0o700 })
  const file = join(directory, "opencode.json")
  const [provider, ...rest] = model.split("/")
  const modelId = rest.join("/")
  const endpoint = setup.providerEndpoints.openai
  const config = {
    $schema: "https://opencode.ai/config.json",
    model,
    small_model: model,
    autoupdate: false,
    share: "disabled",
    // Writes and commands inside the app's directory only; nothing to ask, nobody to answer.
    permission: { edit: "allow", bash: "allow", webfetch: "deny", external_directory: "deny", question: "deny" },
    mcp: {
      second: { type: "remote", url: setup.mcp.url, enabled: true, headers: { Authorization: `Bearer ${setup.mcp.token}` } },
    },
    ...(setup.systemPrompt ? { agent: { [AGENT]: { mode: "primary", prompt: setup.systemPrompt } } } : {}),
    ...(provider === GATEWAY_PROVIDER && endpoint
      ? {
          provider: {
            [GATEWAY_PROVIDER]: {
              npm: "@ai-sdk/openai-compatible",
              name: "OpenAI-compatible gateway",
              options: { baseURL: endpoint.href.replace(/\/$/, ""), apiKey: "{env:OPENAI_API_KEY}" },
              models: { [modelId]: { name: modelId, tool_call: true, limit: { context: 200_000, output: 32_000 } } },
            },
          },
        }
      : {}),
  }
  writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 })
  return file
}

class OpencodeSession implements RuntimeSession {
  readonly runtime = "opencode" as const
  readonly #setup: SessionSetup
  readonly #model: string
  readonly #config: string
  #sessionId: string | null
  #stop: (() => Promise<unknown>) | null = null

  constructor(setup: SessionSetup) {
    this.#setup = setup
    this.#model = opencodeModel(setup)
    this.#config = writeConfig(setup, this.#model)
    this.#sessionId = setup.resumeSessionId
  }

  nativeSessionId() {
    return this.#sessionId
  }

  async *turn(request: TurnRequest): AsyncGenerator<RunEvent> {
    const home = this.#setup.dirs.home
    const args = [
      "run",
      "--format",
      "json",
      "--model",
      this.#model,
      ...(this.#setup.systemPrompt ? ["--agent", AGENT] : []),
      ...(this.#sessionId ? ["--session", this.#sessionId] : []),
      "--",
      request.prompt,
    ]
    let process
    try {
      process = await this.#setup.start({
        args,
        variables: {
          ...this.#setup.providerVariables,
          OPENCODE_CONFIG: this.#config,
          XDG_CONFIG_HOME: join(home, ".config"),
          XDG_DATA_HOME: join(home, ".local/share"),
          XDG_STATE_HOME: join(home, ".local/state"),
          XDG_CACHE_HOME: join(home, ".cache"),
          ...OPENCODE_QUIET,
        },
      })
    } catch (error) {
      throw new RuntimeStartError(`OpenCode could not start: ${error instanceof Error ? error.message : String(error)}`)
    }
    process.closeInput()
    this.#stop = () => process.terminate()
    try {
      yield* readTurnLines({
        process,
        parser: createOpencodeParser({ workdir: this.#setup.dirs.workdir, model: this.#model }),
        signal: request.signal,
        name: "OpenCode",
        onSessionId: (id) => (this.#sessionId = id),
        onProcessGone: () => undefined,
      })
    } finally {
      // The run is over either way: nothing of it may linger.
      this.#stop = null
      await process.terminate()
    }
  }

  async close() {
    await this.#stop?.()
  }
}

export const opencodeAdapter: RuntimeAdapter = {
  id: "opencode",
  async open(setup) {
    return new OpencodeSession(setup)
  },
}
