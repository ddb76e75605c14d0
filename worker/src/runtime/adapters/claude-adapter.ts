// Claude Code as a runtime: one `claude -p` process per session holds the conversation, taking
// each user message as a stream-json line on stdin and printing stream-json events (partial
// messages on). A cancelled turn stops the process; the next turn resumes the session by id.

import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { Effect, Exit, Scope, Stream } from "effect"
import { TOOL_SETS } from "#shared/mcp/tool-names.ts"
import type { RuntimeProcess } from "../process/RuntimeProcess.ts"
import { claudeUserMessage, createClaudeStreamParser } from "../protocol/claude-stream-json.ts"
import type { LineParser } from "../protocol/parsed-line.ts"
import { readTurnLines } from "./read-turn-lines.ts"
import { isAgentSession, MCP_TOOL_TIMEOUT_MS, mcpServers, startInChildScope, type RuntimeAdapter, type RuntimeSession, type SessionSetup } from "./runtime-adapter.ts"

/**
 * Tools Claude may use without asking (there is nobody to ask): its own builder tools and every
 * tool of the broker's MCP servers. `mcp__<server>` allows a whole server; without it a `claude -p`
 * turn answers each broker call with "Claude requested permissions to use mcp__second__…".
 */
export const CLAUDE_ALLOWED_TOOLS: readonly string[] = ["Bash", "Edit", "MultiEdit", "Write", "Read", "Glob", "Grep", ...TOOL_SETS.map((set) => `mcp__${set}`)]

/** The MCP servers file, private to this runtime's home: the run's token is in it. */
function writeMcpConfig(setup: SessionSetup & { readonly mcp: NonNullable<SessionSetup["mcp"]> }): string {
  const directory = join(setup.dirs.home, ".second")
  mkdirSync(directory, { recursive: true, mode: 0o700 })
  const file = join(directory, "mcp.json")
  const headers = { Authorization: `Bearer ${setup.mcp.token}` }
  const servers = Object.fromEntries(mcpServers(setup.mcp).map(({ name, url }) => [name, { type: "http", url, headers }]))
  writeFileSync(file, JSON.stringify({ mcpServers: servers }), { mode: 0o600 })
  return file
}

/**
 * Claude Code's own tools an app agent never gets, whatever it is granted: everything that reads
 * or writes files, runs commands or starts other agents. Denied on top of `--tools`, which already
 * leaves them out, so a CLI that ignored one would still be held by the other.
 */
export const CLAUDE_AGENT_DENIED_TOOLS: readonly string[] = [
  "Bash", "BashOutput", "KillShell", "Edit", "MultiEdit", "Write", "NotebookEdit", "Read", "Glob", "Grep", "LS",
  "Task", "Agent", "TodoWrite", "ExitPlanMode", "SlashCommand", "Skill",
]

/**
 * An app agent's tool flags: only its granted built-ins exist (`--tools`), and only they and the
 * broker's tool sets of its run are allowed; anything else is refused without asking.
 */
function agentToolArguments(setup: SessionSetup): string[] {
  const builtins = [...(setup.allowedBuiltins ?? [])]
  const servers = setup.mcp ? mcpServers(setup.mcp).map(({ name }) => `mcp__${name}`) : []
  return [
    "--permission-mode",
    "dontAsk",
    "--tools",
    builtins.join(","),
    "--allowedTools",
    [...servers, ...builtins].join(","),
    "--disallowedTools",
    CLAUDE_AGENT_DENIED_TOOLS.join(","),
    "--strict-mcp-config",
  ]
}

export function claudeArguments(setup: SessionSetup, mcpConfig: string | null, resume: string | null): string[] {
  const agent = isAgentSession(setup)
  return [
    "-p",
    "--verbose",
    "--output-format",
    "stream-json",
    "--input-format",
    "stream-json",
    "--include-partial-messages",
    ...(agent ? agentToolArguments(setup) : ["--permission-mode", "acceptEdits", "--allowedTools", CLAUDE_ALLOWED_TOOLS.join(",")]),
    ...(mcpConfig ? ["--mcp-config", mcpConfig] : []),
    ...(setup.model ? ["--model", setup.model] : []),
    // An agent's prompt is the whole of its instructions: Claude Code's own (a coding assistant) does not apply.
    ...(setup.systemPrompt ? [agent ? "--system-prompt" : "--append-system-prompt", setup.systemPrompt] : []),
    ...(resume ? ["--resume", resume] : []),
  ]
}

export function claudeVariables(setup: SessionSetup): Record<string, string | undefined> {
  return {
    ...setup.providerVariables,
    ANTHROPIC_BASE_URL: setup.providerEndpoints.anthropic?.href.replace(/\/$/, ""),
    CLAUDE_CONFIG_DIR: join(setup.dirs.home, ".claude"),
    DISABLE_AUTOUPDATER: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    // The broker on a busy machine: time to connect, and for a tool's answer.
    MCP_TIMEOUT: "30000",
    MCP_TOOL_TIMEOUT: String(MCP_TOOL_TIMEOUT_MS),
    DISABLE_TELEMETRY: "1",
    DISABLE_ERROR_REPORTING: "1",
    // On by default: Claude removes provider keys from the environment of the commands it runs.
    CLAUDE_CODE_SUBPROCESS_ENV_SCRUB: setup.claudeSubprocessEnvScrub ? "1" : "0",
  }
}

interface ClaudeProcess {
  readonly process: RuntimeProcess
  readonly scope: Scope.Closeable
  /** One per process: Claude reports cost cumulatively over a process's life, and the parser turns it into each turn's share. */
  readonly parser: LineParser
}

export const claudeAdapter: RuntimeAdapter = {
  id: "claude",
  open: (setup) =>
    Effect.gen(function* () {
      const sessionScope = yield* Effect.scope
      const mcpConfig = setup.mcp ? writeMcpConfig({ ...setup, mcp: setup.mcp }) : null
      let sessionId = setup.resumeSessionId
      let current: ClaudeProcess | null = null

      // A stopped or crashed process cannot take the next turn; the next one resumes by id.
      const ensureProcess = Effect.gen(function* () {
        if (current) return current
        const { process, scope } = yield* startInChildScope(
          sessionScope,
          setup.start({ args: claudeArguments(setup, mcpConfig, sessionId), variables: claudeVariables(setup) }),
          "Claude Code",
        )
        current = { process, scope, parser: createClaudeStreamParser({ workdir: setup.dirs.workdir }) }
        return current
      })

      return {
        runtime: "claude",
        nativeSessionId: () => sessionId,
        turn: (prompt) =>
          Stream.unwrap(
            Effect.gen(function* () {
              const running = yield* ensureProcess
              yield* running.process.write(claudeUserMessage(prompt))
              return readTurnLines({
                process: running.process,
                parser: running.parser,
                name: "Claude Code",
                onSessionId: (id) => (sessionId = id),
                stopProcess: Scope.close(running.scope, Exit.void),
                onProcessGone: () => {
                  if (current === running) current = null
                },
              })
            }),
          ),
      } satisfies RuntimeSession
    }),
}
