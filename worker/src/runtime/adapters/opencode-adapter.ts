// OpenCode as a runtime: one `opencode run --format json` process per turn, continuing the
// session by id, with a private generated config (provider, the MCP broker with this run's token
// in a header, tool permissions) in the runtime's home.

import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { Effect, Stream } from "effect"
import { TOOL_SETS } from "#shared/mcp/tool-names.ts"
import { createOpencodeParser, OPENCODE_ERROR_LOG } from "../protocol/opencode-json.ts"
import { readTurnLines } from "./read-turn-lines.ts"
import { isAgentSession, MCP_TOOL_TIMEOUT_MS, mcpServers, runtimeStartError, type RuntimeAdapter, type RuntimeSession, type SessionSetup } from "./runtime-adapter.ts"

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

/**
 * Writes and commands inside the app's directory only, and the broker's tools: nothing to ask,
 * nobody to answer (`opencode run` rejects whatever would ask). OpenCode names an MCP tool
 * `<server>_<tool>` and lets the last matching key win, so the broker's keys come last: an
 * unlisted tool is allowed today, and these stay allowed should that default change.
 */
export const OPENCODE_PERMISSION: Readonly<Record<string, "allow" | "deny" | "ask">> = {
  edit: "allow",
  bash: "allow",
  webfetch: "deny",
  external_directory: "deny",
  question: "deny",
  ...Object.fromEntries(TOOL_SETS.map((set) => [`${set}_*`, "allow"])),
}

/** OpenCode's names for an agent's granted built-ins. */
const OPENCODE_BUILTINS = { WebSearch: "websearch", WebFetch: "webfetch" } as const

/**
 * An app agent's permissions: every tool denied (files, shell, sub-agents, todo lists, questions)
 * except the broker's tool sets of its run and its granted built-ins. Keys match in order and the
 * last match wins, so the deny-all comes first.
 */
export function opencodeAgentPermission(setup: SessionSetup): Record<string, "allow" | "deny"> {
  const servers = setup.mcp ? mcpServers(setup.mcp).map(({ name }) => name) : []
  return {
    "*": "deny",
    ...Object.fromEntries((setup.allowedBuiltins ?? []).map((tool) => [OPENCODE_BUILTINS[tool], "allow"])),
    ...Object.fromEntries(servers.map((name) => [`${name}_*`, "allow"])),
  }
}

/** The same as tool switches, which take a denied tool out of the list the model sees rather than refusing its calls. */
function opencodeAgentTools(setup: SessionSetup): Record<string, boolean> {
  return Object.fromEntries(Object.entries(opencodeAgentPermission(setup)).map(([name, decision]) => [name, decision === "allow"]))
}


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
    ...(isAgentSession(setup)
      ? { permission: opencodeAgentPermission(setup), tools: opencodeAgentTools(setup) }
      : { permission: OPENCODE_PERMISSION }),
    ...(setup.mcp
      ? {
          mcp: Object.fromEntries(
            mcpServers(setup.mcp).map(({ name, url }) => [
              name,
              {
                type: "remote",
                url,
                enabled: true,
                headers: { Authorization: `Bearer ${setup.mcp!.token}` },
                // The bearer header is the whole of its authentication: no OAuth discovery to try first.
                oauth: false,
                // NOTE: OpenCode's default (5 s) covers connecting and every call; on a busy machine the
                // connection alone can outlast it, and the turn then runs without the builder's tools.
                // It also bounds each call, and done_building's build may take a while.
                timeout: MCP_TOOL_TIMEOUT_MS,
              },
            ]),
          ),
        }
      : {}),
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

/**
 * Removes the file locks OpenCode keeps in its state directory. NOTE: a process stopped mid-turn
 * (an approval stop, a cancel, a deadline) leaves its lock behind, and the next `opencode run`
 * waits for it to go stale: a full minute before the next message is answered. The home is this
 * app's OpenCode session's alone and its one process has exited, so no lock there is anyone's.
 */
function clearLocks(home: string): void {
  rmSync(join(home, ".local/state/opencode/locks"), { recursive: true, force: true })
}

export const opencodeAdapter: RuntimeAdapter = {
  id: "opencode",
  open: (setup) =>
    Effect.sync(() => {
      const model = opencodeModel(setup)
      const config = writeConfig(setup, model)
      const home = setup.dirs.home
      let sessionId = setup.resumeSessionId
      const turnArguments = (prompt: string) => [
        "run",
        "--format",
        "json",
        "--model",
        model,
        ...(setup.systemPrompt ? ["--agent", AGENT] : []),
        ...(sessionId ? ["--session", sessionId] : []),
        "--",
        prompt,
      ]
      const variables = {
        ...setup.providerVariables,
        OPENCODE_CONFIG: config,
        XDG_CONFIG_HOME: join(home, ".config"),
        XDG_DATA_HOME: join(home, ".local/share"),
        XDG_STATE_HOME: join(home, ".local/state"),
        XDG_CACHE_HOME: join(home, ".cache"),
        ...OPENCODE_QUIET,
        // Its reasons for failing a run reach only its log: have them on stderr for the parser.
        ...OPENCODE_ERROR_LOG,
      }
      return {
        runtime: "opencode",
        nativeSessionId: () => sessionId,
        // One process per turn, in the turn stream's own scope: the run is over either way when
        // the stream is left, and nothing of it may linger.
        turn: (prompt) =>
          Stream.unwrap(
            Effect.gen(function* () {
              // Runs after the process is gone (finalizers run in reverse): see clearLocks.
              yield* Effect.addFinalizer(() => Effect.sync(() => clearLocks(home)))
              const process = yield* setup
                .start({ args: turnArguments(prompt), variables })
                .pipe(Effect.mapError((error) => runtimeStartError(`OpenCode could not start: ${error.message}`)))
              yield* process.closeInput
              return readTurnLines({
                process,
                parser: createOpencodeParser({ workdir: setup.dirs.workdir, model, stderr: () => process.stderrTail() }),
                name: "OpenCode",
                onSessionId: (id) => (sessionId = id),
                stopProcess: Effect.asVoid(process.terminate()),
                onProcessGone: () => undefined,
              })
            }),
          ),
      } satisfies RuntimeSession
    }),
}
