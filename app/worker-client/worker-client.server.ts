// How the web tier calls the worker's internal HTTP API: always with the internal bearer token,
// always with a deadline.

import type { Secret } from "#shared/config/secret.ts"

export type WorkerHealth = "ok" | "unreachable" | "unauthorized"

export interface WorkerClient {
  health(): Promise<WorkerHealth>
}

export interface WorkerClientOptions {
  readonly baseUrl: URL
  readonly token: Secret | undefined
  readonly timeoutMs?: number
}

export function createWorkerClient(options: WorkerClientOptions): WorkerClient {
  const headers = (): Record<string, string> =>
    options.token ? { authorization: `Bearer ${options.token.reveal()}` } : {}
  const call = (path: string) =>
    fetch(new URL(path, options.baseUrl), { headers: headers(), signal: AbortSignal.timeout(options.timeoutMs ?? 2_000) })

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
  }
}
