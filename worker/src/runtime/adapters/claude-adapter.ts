// Claude Code as a runtime: one `claude -p` process per session holds the conversation, taking
// each user message as a stream-json line on stdin and printing stream-json events (partial
// messages on). A cancelled turn stops the process; the next turn resumes the session by id.

import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import type { SupervisedProcess } from "../process/supervised-process.ts"
import { claudeUserMessage, createClaudeStreamParser } from "../protocol/claude-stream-json.ts"
import type { LineParser } from "../protocol/parsed-line.ts"
import { readTurnLines } from "./read-turn-lines.ts"
import { RuntimeStartError, type RuntimeAdapter, type RuntimeSession, type SessionSetup, type TurnRequest } from "./runtime-adapter.ts"

/** Builder tools Claude may use without asking (there is nobody to ask). */
export const CLAUDE_ALLOWED_TOOLS = ["Bash", "Edit", "MultiEdit", "Write", "Read", "Glob", "Grep"] as const

/** The MCP servers file, private to this runtime's home: the run's token is in it. */
function writeMcpConfig(setup: SessionSetup): string {
  const directory = join(setup.dirs.home, ".second")
  mkdirSync(directory, { recursive: true, mode: 0o700 })
  const file = join(directory, "mcp.json")
  const servers = { second: { type: "http", url: setup.mcp.url, headers: { Authorization: `Bearer ${setup.mcp.token}` } } }
  writeFileSync(file, JSON.stringify({ mcpServers: servers }), { mode: 0o600 })
  return file
}

export function claudeArguments(setup: SessionSetup, mcpConfig: string, resume: string | null): string[] {
  return [
    "-p",
    "--verbose",
    "--output-format",
    "stream-json",
    "--input-format",
    "stream-json",
    "--include-partial-messages",
    "--permission-mode",
    "acceptEdits",
    "--allowedTools",
    CLAUDE_ALLOWED_TOOLS.join(","),
    "--mcp-config",
    mcpConfig,
    ...(setup.model ? ["--model", setup.model] : []),
    ...(setup.systemPrompt ? ["--append-system-prompt", setup.systemPrompt] : []),
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
    DISABLE_TELEMETRY: "1",
    DISABLE_ERROR_REPORTING: "1",
    // On by default: Claude removes provider keys from the environment of the commands it runs.
    CLAUDE_CODE_SUBPROCESS_ENV_SCRUB: setup.claudeSubprocessEnvScrub ? "1" : "0",
  }
}

class ClaudeSession implements RuntimeSession {
  readonly runtime = "claude" as const
  readonly #setup: SessionSetup
  readonly #mcpConfig: string
  #process: SupervisedProcess | null = null
  /** One per process: Claude reports cost cumulatively over a process's life, and the parser turns it into each turn's share. */
  #parser: LineParser | null = null
  #sessionId: string | null

  constructor(setup: SessionSetup) {
    this.#setup = setup
    this.#sessionId = setup.resumeSessionId
    this.#mcpConfig = writeMcpConfig(setup)
  }

  nativeSessionId() {
    return this.#sessionId
  }

  async *turn(request: TurnRequest): AsyncGenerator<RunEvent> {
    if (!this.#process) {
      try {
        this.#process = await this.#setup.start({
          args: claudeArguments(this.#setup, this.#mcpConfig, this.#sessionId),
          variables: claudeVariables(this.#setup),
        })
        this.#parser = createClaudeStreamParser({ workdir: this.#setup.dirs.workdir })
      } catch (error) {
        throw new RuntimeStartError(`Claude Code could not start: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
    const process = this.#process
    process.write(claudeUserMessage(request.prompt))
    yield* readTurnLines({
      process,
      parser: this.#parser!,
      signal: request.signal,
      name: "Claude Code",
      onSessionId: (id) => (this.#sessionId = id),
      // A stopped or crashed process cannot take the next turn; the next one resumes by id.
      onProcessGone: () => {
        if (this.#process === process) this.#process = null
      },
    })
  }

  async close() {
    const process = this.#process
    this.#process = null
    await process?.terminate()
  }
}

export const claudeAdapter: RuntimeAdapter = {
  id: "claude",
  async open(setup) {
    return new ClaudeSession(setup)
  },
}

