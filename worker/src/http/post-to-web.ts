// The worker's calls to the web's internal API (/api/internal/*): a JSON POST under
// INTERNAL_API_TOKEN. Callers own their retries, deadlines and what an answer means.

import type { WorkerSettings } from "../config/WorkerConfig.ts"

export const postToWeb = (config: Pick<WorkerSettings, "internalApiToken">, url: URL, body: string, signal: AbortSignal): Promise<Response> =>
  fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(config.internalApiToken ? { authorization: `Bearer ${config.internalApiToken.reveal()}` } : {}),
    },
    body,
    signal,
  })
