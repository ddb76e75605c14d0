// How the web tier calls the worker's internal HTTP API: always with the internal bearer token,
// always with a deadline. Every answer is decoded here with its schema from
// shared/runs/internal-api.ts, so callers get typed results, or a WorkerUnavailableError that
// says what went wrong without any worker internals.

import { Schema } from "effect"
import type { Secret } from "#shared/config/secret.ts"
import { brandedErrorClass } from "#shared/errors/branded-error.ts"
import {
  type AppSource,
  AppSourceAnswer,
  CancelAnswer,
  type RuntimeModelOffer,
  RuntimesReport,
  StartTurnAccepted,
  StartTurnRequest,
  WorkerProblem,
  WorkerSessionStatus,
} from "#shared/runs/internal-api.ts"
import { agentRunCancelPath, agentRunStartPath, StartAgentRunRequest } from "#shared/runs/agent-runs.ts"
import type { RuntimeId } from "#shared/runtime/run-event.ts"

export type WorkerHealth = "ok" | "unreachable" | "unauthorized"

export interface WorkerRuntimeReport {
  readonly id: RuntimeId
  readonly usable: boolean
  readonly reason: string | null
  readonly version: string | null
  /** The models a person may pick; empty when the worker could not find out. */
  readonly models: readonly RuntimeModelOffer[]
  /** The model used when none is picked; null: the CLI's own choice. */
  readonly defaultModel: string | null
}

export type { WorkerSessionStatus }

/** A detached turn, as the web asks for one (always with delivery). */
export type StartRunRequest = StartTurnRequest & { readonly delivery: NonNullable<StartTurnRequest["delivery"]> }

export type StartRunResult =
  | { readonly started: true }
  | { readonly started: false; readonly code: string; readonly message: string; readonly retryable: boolean }

export type WorkerFailure = "unreachable" | "timeout" | "interrupted" | "answer"

/**
 * Errors of the connection phase (DNS, TCP connect): the worker cannot have received the request.
 * Anything later (a reset while the body is sent or the answer read, UND_ERR_SOCKET) may follow a
 * request the worker already took, so it must not be started elsewhere under the same run id.
 */
const CONNECT_PHASE_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"])

const codeOf = (value: unknown): unknown => (typeof value === "object" && value !== null ? (value as { code?: unknown }).code : undefined)

/** Whether a fetch failure happened before any byte reached the worker (undici puts the cause in `cause`). */
export function failedToConnect(error: unknown): boolean {
  const cause = error instanceof Error ? error.cause : undefined
  if (CONNECT_PHASE_CODES.has(String(codeOf(cause)))) return true
  // Trying each address of a name (autoSelectFamily) may fail as an AggregateError of them all.
  return cause instanceof AggregateError && cause.errors.length > 0 && cause.errors.every((each) => CONNECT_PHASE_CODES.has(String(codeOf(each))))
}

// NOTE: branded so `instanceof` holds across bundle copies (see shared/errors/branded-error.ts).
export class WorkerUnavailableError extends brandedErrorClass("WorkerUnavailableError") {
  /**
   * unreachable: no connection was made, so the request never got there (another worker may be
   * asked); timeout and interrupted (the connection broke once made): it may have been taken, so
   * nobody else is asked; answer: the worker answered something unusable.
   */
  readonly reason: WorkerFailure

  constructor(what: string, reason: WorkerFailure = "answer") {
    super(`The agent worker is unavailable (${what}). Try again in a moment.`)
    this.name = "WorkerUnavailableError"
    this.reason = reason
  }
}

export interface WorkerAppFiles {
  readonly files: Readonly<Record<string, string>>
  /** Files that are not text (images, fonts), base64-encoded. */
  readonly binaryFiles: Readonly<Record<string, string>>
  /** The first SKIPPED_NAMED of the files left out (over the per-file limit), by path; `skippedCount` counts them all. */
  readonly skipped: readonly string[]
  readonly skippedCount: number
}

/** How many left-out paths are named (an app of thousands of images is summed up, not listed). */
export const SKIPPED_NAMED = 100

/** The worker's source answer as the web keeps it: the left-out paths named up to SKIPPED_NAMED, and counted. */
export const appFiles = (source: AppSource): WorkerAppFiles => ({
  files: source.files,
  binaryFiles: source.binaryFiles,
  skipped: source.skipped.slice(0, SKIPPED_NAMED),
  skippedCount: source.skipped.length,
})

export interface WorkerClient {
  health(): Promise<WorkerHealth>
  runtimes(): Promise<readonly WorkerRuntimeReport[]>
  /** One call per turn: the worker answers 202 and drives the run, or says why not (`source_needed`: send the snapshot). */
  startRun(appId: string, request: StartRunRequest): Promise<StartRunResult>
  status(appId: string): Promise<WorkerSessionStatus>
  /** With `runId`, cancels only that run's turn. */
  cancel(appId: string, runId?: string): Promise<{ readonly cancelled: boolean }>
  /** The app's text source; `skipped` lists the files it does not carry (binary, or too large). */
  files(appId: string): Promise<WorkerAppFiles | { readonly tooLarge: string }>
  destroy(appId: string): Promise<void>
  /** One app agent turn (POST /agent-runs): 202, or why not. */
  startAgentRun(request: StartAgentRunRequest): Promise<StartRunResult>
  /** Stops an agent run's turn; `cancelled` false when the worker has no such run. */
  cancelAgentRun(runId: string): Promise<{ readonly cancelled: boolean }>
}

export interface WorkerClientOptions {
  readonly baseUrl: URL
  readonly token: Secret | undefined
  readonly timeoutMs?: number
}

export function createWorkerClient(options: WorkerClientOptions): WorkerClient {
  const timeoutMs = options.timeoutMs ?? 2_000
  const call = async (path: string, init: { method?: string; body?: unknown; timeoutMs?: number } = {}) => {
    const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token.reveal()}` } : {}
    if (init.body !== undefined) headers["content-type"] = "application/json"
    try {
      return await fetch(new URL(path, options.baseUrl), {
        method: init.method ?? "GET",
        headers,
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        signal: AbortSignal.timeout(init.timeoutMs ?? timeoutMs),
      })
    } catch (error) {
      if (error instanceof Error && error.name === "TimeoutError") throw new WorkerUnavailableError("no answer in time", "timeout")
      if (failedToConnect(error)) throw new WorkerUnavailableError("unreachable", "unreachable")
      throw new WorkerUnavailableError("the connection broke before it answered", "interrupted")
    }
  }
  /** The answer decoded by its schema; anything else is the worker misbehaving, said without its internals. */
  const decoded = async <A, I>(schema: Schema.Codec<A, I>, response: Response): Promise<A> => {
    if (!response.ok) throw new WorkerUnavailableError(`it answered ${response.status}`)
    const body: unknown = await response.json().catch(() => undefined)
    const result = Schema.decodeUnknownExit(schema)(body)
    if (result._tag === "Failure") throw new WorkerUnavailableError("it answered something this version does not understand")
    return result.value
  }
  const encodeStart = Schema.encodeSync(StartTurnRequest)
  const encodeAgentStart = Schema.encodeSync(StartAgentRunRequest)
  const decodeProblem = Schema.decodeUnknownExit(WorkerProblem)
  const session = (appId: string, rest = "") => `/sessions/${encodeURIComponent(appId)}${rest}`
  const startAnswer = async (response: Response): Promise<StartRunResult> => {
    if (response.status === 202) {
      await decoded(StartTurnAccepted, response)
      return { started: true }
    }
    const problem = decodeProblem(await response.json().catch(() => undefined))
    const message = problem._tag === "Success" ? problem.value.error.message : `The worker answered ${response.status}.`
    const code = problem._tag === "Success" ? problem.value.error.code : response.status === 409 ? "busy" : "worker_error"
    return { started: false, code, message, retryable: response.status === 409 || response.status === 503 }
  }

  return {
    async health() {
      try {
        const response = await call("/health")
        if (response.status === 401) return "unauthorized"
        return response.ok ? "ok" : "unreachable"
      } catch {
        return "unreachable"
      }
    },

    async runtimes() {
      const report = await decoded(RuntimesReport, await call("/runtimes", { timeoutMs: 15_000 }))
      return report.runtimes.map(({ id, usable, reason, version, models, defaultModel }) => ({ id, usable, reason, version, models, defaultModel }))
    },

    async startRun(appId, request) {
      // Restoring a snapshot can take a moment on a cold worker; the turn itself is not waited for.
      const response = await call(session(appId, "/messages"), { method: "POST", body: encodeStart(request), timeoutMs: 30_000 })
      return startAnswer(response)
    },

    async startAgentRun(request) {
      // An agent run has no source to restore: the worker answers at once.
      return startAnswer(await call(agentRunStartPath, { method: "POST", body: encodeAgentStart(request), timeoutMs: 10_000 }))
    },

    async cancelAgentRun(runId) {
      // Short: a cancel must end the run within 2 s, and the web ends it itself when no answer comes.
      const response = await call(agentRunCancelPath(runId), { method: "POST", timeoutMs: 1_000 })
      // No such run on this worker (it restarted, or the turn had ended): nothing to stop there.
      if (response.status === 404) return { cancelled: false }
      return decoded(CancelAnswer, response)
    },

    async status(appId) {
      return decoded(WorkerSessionStatus, await call(session(appId, "/status")))
    },

    async cancel(appId, runId) {
      const query = runId ? `?runId=${encodeURIComponent(runId)}` : ""
      return decoded(CancelAnswer, await call(session(appId, `/cancel${query}`), { method: "POST" }))
    },

    async files(appId) {
      const response = await call(session(appId, "/files"), { timeoutMs: 30_000 })
      if (response.status === 413) {
        const problem = decodeProblem(await response.json().catch(() => undefined))
        return { tooLarge: problem._tag === "Success" ? problem.value.error.message : "The app's source is too large to send." }
      }
      const answer = await decoded(AppSourceAnswer, response)
      return "tooLarge" in answer ? answer : appFiles(answer)
    },

    async destroy(appId) {
      const response = await call(session(appId), { method: "DELETE", timeoutMs: 10_000 })
      if (!response.ok) throw new WorkerUnavailableError(`it answered ${response.status}`)
    },
  }
}
