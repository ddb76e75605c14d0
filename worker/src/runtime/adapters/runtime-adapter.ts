// The contract between the session layer and each runtime's adapter. An adapter knows its CLI
// (arguments, configuration files, protocol module); it does not know about HTTP, timeouts or
// sessions of other apps. Processes are started only through `start`, which applies the sandbox.

import type { RunEvent, RuntimeId } from "#shared/runtime/run-event.ts"
import type { AppDirectories } from "../../sandbox/app-directories.ts"
import type { RuntimeDetection } from "../detection.ts"
import type { SupervisedProcess } from "../process/supervised-process.ts"
import { redactSecrets } from "../protocol/redact-secrets.ts"

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

export { redactSecrets }

/**
 * The runtime failed before it produced anything: a missing binary, a crash at start-up. The
 * session layer retries these with backoff; everything later is reported as events instead.
 */
export class RuntimeStartError extends Error {
  constructor(message: string) {
    super(redactSecrets(message))
    this.name = "RuntimeStartError"
  }
}
