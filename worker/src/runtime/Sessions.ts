// Agent sessions, one per app: the runtime session that holds the conversation, at most one turn
// at a time (claimed atomically, so a double click starts one turn), cancellation from anywhere,
// start-up failures retried with backoff, and idle sessions closed with every process they
// started. The runtime may change between turns; the old session is closed first.

import { Context, Effect, Layer, Option, Redacted, Schema } from "effect"
import { HttpServer } from "effect/http"
import type { RunEvent, RuntimeId } from "#shared/runtime/run-event.ts"
import { WorkerConfig } from "../config/WorkerConfig.ts"
import { McpTokens } from "../mcp/McpTokens.ts"
import { appWorkdir } from "../sandbox/app-directories.ts"
import { hasSource, restoreSource } from "../sandbox/restore-source.ts"
import { SandboxEnv, type SandboxAppIdError } from "../sandbox/SandboxEnv.ts"
import { revealAll, SecretStore, type OpencodeProvider } from "../secrets/SecretStore.ts"
import { RuntimeStartError, type RuntimeSession, type SessionSetup } from "./adapters/runtime-adapter.ts"
import { startProcess } from "./process/supervised-process.ts"
import { Runtimes, type RuntimeUnavailableError } from "./Runtimes.ts"
import { controlTurn, stopWhenLeft } from "./turn-control.ts"

export class SessionBusyError extends Schema.TaggedError<SessionBusyError>()("SessionBusyError", { appId: Schema.String }) {
  override get message() {
    return "This app's agent is already working on a message; wait for it to finish or cancel it."
  }
}

export interface SendRequest {
  readonly prompt: string
  readonly runtime: RuntimeId
  readonly model: string | null
  readonly systemPrompt: string | null
  readonly runId: string
  readonly resumeSessionId: string | null
  /** The app's last persisted source, written only when this worker has none (a new worker). */
  readonly sourceFiles: Readonly<Record<string, string>> | null
  /** The same source's files that are not text, base64-encoded. */
  readonly sourceBinaryFiles?: Readonly<Record<string, string>> | null
}

export interface SessionStatus {
  readonly exists: boolean
  readonly busy: boolean
  readonly runtime: RuntimeId | null
  /** The runtime's own session id, for resuming in a later process. */
  readonly nativeSessionId: string | null
  readonly lastActiveAt: string | null
  /** Whether this worker holds the app's source (false on a new worker: send the snapshot). */
  readonly hasSource: boolean
}

interface Entry {
  readonly runtime: RuntimeId
  readonly session: RuntimeSession
  readonly token: Redacted.Redacted<string>
  lastActiveAt: number
  idleTimer: NodeJS.Timeout | null
}

/** Waits between attempts to start a runtime that failed to come up. */
export const START_BACKOFF_MS = [250, 1_000] as const
/** A claimed turn whose events nobody started reading is released after this long. */
const UNSTARTED_CLAIM_MS = 30_000

export class Sessions extends Context.Service<
  Sessions,
  {
    /** Claims the app's turn and returns its events. Fails at once when busy or the runtime is unusable. */
    readonly send: (
      appId: string,
      request: SendRequest,
    ) => Effect.Effect<AsyncIterable<RunEvent>, SessionBusyError | RuntimeUnavailableError | SandboxAppIdError>
    /** Cancels the app's turn in progress; with `runId`, only if that is the run it belongs to. */
    readonly cancel: (appId: string, runId?: string) => Effect.Effect<{ readonly cancelled: boolean }>
    readonly status: (appId: string) => Effect.Effect<SessionStatus>
    readonly destroy: (appId: string) => Effect.Effect<void>
  }
>()("worker/Sessions") {
  static readonly layer = Layer.effect(
    Sessions,
    Effect.gen(function* () {
      const config = yield* WorkerConfig
      const sandbox = yield* SandboxEnv
      const secrets = yield* SecretStore
      const tokens = yield* McpTokens
      const runtimes = yield* Runtimes
      const address = (yield* HttpServer.HttpServer).address
      const workerPort = address._tag === "UnixPathAddress" ? 0 : address.port
      const entries = new Map<string, Entry>()
      /** The turn in progress per app: the one claim that makes a second message "busy". */
      const turns = new Map<string, AbortController>()
      /** Which run each claimed turn belongs to, so a stop meant for one run never cancels the next. */
      const turnRuns = new WeakMap<AbortController, string>()

      const closeEntry = async (appId: string, entry: Entry) => {
        if (entries.get(appId) === entry) entries.delete(appId)
        if (entry.idleTimer) clearTimeout(entry.idleTimer)
        await entry.session.close()
        await Effect.runPromise(tokens.revoke(entry.token))
      }

      const scheduleIdleClose = (appId: string, entry: Entry) => {
        if (entry.idleTimer) clearTimeout(entry.idleTimer)
        entry.idleTimer = setTimeout(() => {
          if (!turns.has(appId)) void closeEntry(appId, entry)
        }, config.sessionIdleMs)
        entry.idleTimer.unref()
      }

      yield* Effect.addFinalizer(() =>
        Effect.promise(async () => {
          for (const turn of turns.values()) turn.abort("cancelled")
          await Promise.allSettled([...entries].map(([appId, entry]) => closeEntry(appId, entry)))
        }),
      )

      const setupFor = Effect.fn("Sessions.setup")(function* (appId: string, request: SendRequest) {
        const { detection, adapter } = yield* runtimes.require(request.runtime)
        const dirs = yield* sandbox.directories(appId, request.runtime)
        const minted = yield* tokens.mint({ appId, runId: request.runId, runtime: request.runtime, tools: [] })
        const opencodeProvider = (request.model?.split("/")[0] ?? "openai") as OpencodeProvider
        const setup: SessionSetup = {
          appId,
          runId: request.runId,
          model: request.model,
          systemPrompt: request.systemPrompt,
          resumeSessionId: request.resumeSessionId,
          dirs,
          detection,
          start: ({ args, variables }) =>
            startProcess(sandbox.command({ dirs, command: detection.binary!, args, variables, installation: detection.installation })),
          providerVariables: revealAll(secrets.environmentFor(request.runtime, opencodeProvider)),
          codexLoginKey: Option.getOrNull(Option.map(secrets.codexLoginKey, Redacted.value)),
          providerEndpoints: config.providerEndpoints,
          mcp: { url: `http://127.0.0.1:${workerPort}/mcp/${request.runId}`, token: Redacted.value(minted.token) },
          claudeSubprocessEnvScrub: config.claudeSubprocessEnvScrub,
          codexSandbox: config.codexSandbox,
          keepWarm: config.codexAppServerWarm,
        }
        return { setup, adapter, token: minted.token }
      })

      /** The app's session for this runtime, opened (or reopened after a runtime switch) when needed. */
      const entryFor = async (appId: string, request: SendRequest): Promise<Entry> => {
        const current = entries.get(appId)
        if (current && current.runtime === request.runtime) return current
        if (current) await closeEntry(appId, current)
        const { setup, adapter, token } = await Effect.runPromise(setupFor(appId, request))
        const session = await adapter.open(setup)
        const entry: Entry = { runtime: request.runtime, session, token, lastActiveAt: Date.now(), idleTimer: null }
        entries.set(appId, entry)
        return entry
      }

      /** Runs the turn, retrying a runtime that fails before producing anything. */
      async function* runTurn(appId: string, request: SendRequest, signal: AbortSignal): AsyncGenerator<RunEvent> {
        for (let attempt = 0; ; attempt += 1) {
          let entry: Entry | null = null
          try {
            entry = await entryFor(appId, request)
            if (entry.idleTimer) clearTimeout(entry.idleTimer)
            const events = entry.session.turn({ prompt: request.prompt, signal })
            const first = await events.next()
            if (first.done) return
            yield first.value
            yield* events
            return
          } catch (error) {
            if (!(error instanceof RuntimeStartError)) throw error
            if (entry) await closeEntry(appId, entry)
            const backoff = START_BACKOFF_MS[attempt]
            if (backoff === undefined || signal.aborted) {
              yield { type: "error", message: error.message, retryable: true, code: "runtime_start_failed" }
              yield { type: "turn.completed", outcome: "failed" }
              return
            }
            await new Promise((resolve) => setTimeout(resolve, backoff))
          }
        }
      }

      return Sessions.of({
        send: Effect.fn("Sessions.send")(function* (appId, request) {
          // Check and claim in one synchronous step: nothing can run between them.
          const abort = yield* Effect.sync(() => {
            if (turns.has(appId)) return null
            const claim = new AbortController()
            turns.set(appId, claim)
            turnRuns.set(claim, request.runId)
            return claim
          })
          if (abort === null) return yield* new SessionBusyError({ appId })
          // Not null from here on; named again because the generator below does not see the check.
          const claim = abort
          const release = () => {
            if (turns.get(appId) === abort) turns.delete(appId)
            const entry = entries.get(appId)
            if (entry) {
              entry.lastActiveAt = Date.now()
              scheduleIdleClose(appId, entry)
            }
          }
          // Refuse an unusable runtime or a bad app id before anything starts.
          yield* Effect.gen(function* () {
            yield* runtimes.require(request.runtime)
            const dirs = yield* sandbox.directories(appId, request.runtime)
            const files = request.sourceFiles
            if (files) yield* Effect.sync(() => restoreSource(dirs.workdir, files, request.sourceBinaryFiles ?? {}))
          }).pipe(Effect.onError(() => Effect.sync(release)))

          let started = false
          const unstarted = setTimeout(() => started || release(), UNSTARTED_CLAIM_MS)
          unstarted.unref()
          const limits = { timeoutMs: config.turnTimeoutMs, idleTimeoutMs: config.turnIdleTimeoutMs }
          async function* claimedTurn() {
            try {
              yield* controlTurn((signal) => runTurn(appId, request, signal), limits, claim.signal)
            } finally {
              release()
            }
          }
          return {
            [Symbol.asyncIterator]() {
              started = true
              clearTimeout(unstarted)
              return stopWhenLeft(claimedTurn(), () => claim.abort("cancelled"))
            },
          }
        }),

        cancel: (appId, runId) =>
          Effect.sync(() => {
            const turn = turns.get(appId)
            if (!turn || (runId !== undefined && turnRuns.get(turn) !== runId)) return { cancelled: false }
            turn.abort("cancelled")
            return { cancelled: true }
          }),

        status: (appId) =>
          Effect.sync(() => {
            const entry = entries.get(appId)
            return {
              exists: entry !== undefined,
              busy: turns.has(appId),
              runtime: entry?.runtime ?? null,
              nativeSessionId: entry?.session.nativeSessionId() ?? null,
              lastActiveAt: entry ? new Date(entry.lastActiveAt).toISOString() : null,
              hasSource: hasSource(appWorkdir(config.workspacesDir, appId)),
            }
          }),

        destroy: (appId) =>
          Effect.promise(async () => {
            turns.get(appId)?.abort("cancelled")
            const entry = entries.get(appId)
            if (entry) await closeEntry(appId, entry)
          }),
      })
    }),
  )
}
