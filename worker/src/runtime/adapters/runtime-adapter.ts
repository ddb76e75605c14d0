// The contract between the session layer and each runtime's adapter. An adapter knows its CLI
// (arguments, configuration files, protocol module); it does not know about HTTP, timeouts or
// sessions of other apps. Processes are started only through `start`, which applies the sandbox.

import type { RunEvent, RuntimeId } from "#shared/runtime/run-event.ts"
import type { AppDirectories } from "../../sandbox/app-directories.ts"
import type { RuntimeDetection } from "../detection.ts"
import type { SupervisedProcess } from "../process/supervised-process.ts"

export interface TurnRequest {
  readonly prompt: string
  /** Aborted on cancel, timeout or shutdown: the adapter stops the turn's processes and returns. */
  readonly signal: AbortSignal
}

export interface RuntimeSession {
  readonly runtime: RuntimeId
  /** The CLI's own session/thread id, to resume the conversation in a later process. */
  nativeSessionId(): string | null
  /** One turn's events, ending with turn.completed unless the signal stopped it. */
  turn(request: TurnRequest): AsyncGenerator<RunEvent>
  /** Stops every process of the session. */
  close(): Promise<void>
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
  readonly start: (request: StartRequest) => Promise<SupervisedProcess>
  /** This runtime's provider variables, already revealed for its environment (Claude, OpenCode). */
  readonly providerVariables: Readonly<Record<string, string>>
  /** Codex's key, given through its login call and never its environment. */
  readonly codexLoginKey: string | null
  readonly providerEndpoints: { readonly anthropic: URL | undefined; readonly openai: URL | undefined }
  /** Where this run reaches the worker's tools, with its short-lived token. */
  readonly mcp: { readonly url: string; readonly token: string }
  readonly claudeSubprocessEnvScrub: boolean
  readonly codexSandbox: "workspace-write" | "danger-full-access"
  /** Keep Codex's app-server alive between turns (local development only). */
  readonly keepWarm: boolean
}

export interface RuntimeAdapter {
  readonly id: RuntimeId
  open(setup: SessionSetup): Promise<RuntimeSession>
}

/** Strings that look like provider keys or bearer tokens, cut from anything shown to people. */
export const redactSecrets = (text: string) =>
  text
    .replace(/\b(sk|pk|rk)-[A-Za-z0-9_-]{8,}/g, "$1-<redacted>")
    .replace(/\bAKIA[0-9A-Z]{12,}/g, "AKIA<redacted>")
    .replace(/\b(Bearer\s+)[A-Za-z0-9._~+/-]{12,}=*/gi, "$1<redacted>")
