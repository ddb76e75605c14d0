// How the web tier calls the worker's internal HTTP API: always with the internal bearer token,
// always with a deadline. Answers are decoded here, so callers get typed results or a
// WorkerUnavailableError that says what went wrong without any worker internals.

import type { Secret } from "#shared/config/secret.ts"
import { brandedErrorClass } from "#shared/errors/branded-error.ts"
import type { RunDelivery, SourceFiles } from "#shared/runs/internal-api.ts"
import type { RuntimeId } from "#shared/runtime/run-event.ts"

export type WorkerHealth = "ok" | "unreachable" | "unauthorized"

export interface WorkerRuntimeReport {
  readonly id: RuntimeId
  readonly usable: boolean
  readonly reason: string | null
  readonly version: string | null
}

export interface WorkerSessionStatus {
  readonly busy: boolean
  readonly runtime: RuntimeId | null
  readonly nativeSessionId: string | null
  readonly hasSource: boolean
}

export interface StartRunRequest {
  readonly prompt: string
  readonly runtime: RuntimeId
  readonly model: string | null
  readonly runId: string
  readonly resumeSessionId: string | null
  readonly sourceFiles: SourceFiles | null
  readonly sourceBinaryFiles: SourceFiles | null
  readonly delivery: RunDelivery
}

export type StartRunResult =
  | { readonly started: true }
  | { readonly started: false; readonly code: string; readonly message: string; readonly retryable: boolean }

// NOTE: branded so `instanceof` holds across bundle copies (see shared/errors/branded-error.ts).
export class WorkerUnavailableError extends brandedErrorClass("WorkerUnavailableError") {
  constructor(what: string) {
    super(`The agent worker is unavailable (${what}). Try again in a moment.`)
    this.name = "WorkerUnavailableError"
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

export interface WorkerClient {
  health(): Promise<WorkerHealth>
  runtimes(): Promise<readonly WorkerRuntimeReport[]>
  startRun(appId: string, request: StartRunRequest): Promise<StartRunResult>
  status(appId: string): Promise<WorkerSessionStatus>
  /** With `runId`, cancels only that run's turn. */
  cancel(appId: string, runId?: string): Promise<{ readonly cancelled: boolean }>
  /** The app's text source; `skipped` lists the files it does not carry (binary, or too large). */
  files(appId: string): Promise<WorkerAppFiles | { readonly tooLarge: string }>
  destroy(appId: string): Promise<void>
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
      throw new WorkerUnavailableError(error instanceof Error && error.name === "TimeoutError" ? "no answer in time" : "unreachable")
    }
  }
  const json = async <T>(response: Response): Promise<T> => {
    if (!response.ok) throw new WorkerUnavailableError(`it answered ${response.status}`)
    return (await response.json()) as T
  }
  const session = (appId: string, rest = "") => `/sessions/${encodeURIComponent(appId)}${rest}`

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
      const report = await json<{ runtimes: WorkerRuntimeReport[] }>(await call("/runtimes", { timeoutMs: 15_000 }))
      return report.runtimes.map(({ id, usable, reason, version }) => ({ id, usable, reason, version }))
    },

    async startRun(appId, request) {
      // Restoring a snapshot can take a moment on a cold worker; the turn itself is not waited for.
      const response = await call(session(appId, "/messages"), { method: "POST", body: request, timeoutMs: 30_000 })
      if (response.status === 202) return { started: true }
      const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } }
      const message = body.error?.message ?? `The worker answered ${response.status}.`
      const code = body.error?.code ?? (response.status === 409 ? "busy" : "worker_error")
      return { started: false, code, message, retryable: response.status === 409 || response.status === 503 }
    },

    async status(appId) {
      const status = await json<WorkerSessionStatus>(await call(session(appId, "/status")))
      return { busy: status.busy, runtime: status.runtime, nativeSessionId: status.nativeSessionId, hasSource: status.hasSource }
    },

    async cancel(appId, runId) {
      const query = runId ? `?runId=${encodeURIComponent(runId)}` : ""
      return json<{ cancelled: boolean }>(await call(session(appId, `/cancel${query}`), { method: "POST" }))
    },

    async files(appId) {
      const response = await call(session(appId, "/files"), { timeoutMs: 30_000 })
      if (response.status === 413) return { tooLarge: ((await response.json()) as { error: { message: string } }).error.message }
      const answer = await json<{ files: Record<string, string>; binaryFiles?: Record<string, string>; skipped?: string[] }>(response)
      const skipped = answer.skipped ?? []
      return { files: answer.files, binaryFiles: answer.binaryFiles ?? {}, skipped: skipped.slice(0, SKIPPED_NAMED), skippedCount: skipped.length }
    },

    async destroy(appId) {
      const response = await call(session(appId), { method: "DELETE", timeoutMs: 10_000 })
      if (!response.ok) throw new WorkerUnavailableError(`it answered ${response.status}`)
    },
  }
}
