// The web's one WorkerClient, chosen from the config: the worker WORKER_URL names when it names
// one and discovery is off, else a routing pool over every worker the web may call.

import type { Secret } from "#shared/config/secret.ts"
import type { LiveCoordination } from "#shared/live/live.server.ts"
import type { WorkerAnnouncement } from "#shared/workers/worker-registry.ts"
import type { WorkerDiscovery } from "../config/worker-urls.server.ts"
import { createWorkerClient, type WorkerClient } from "./worker-client.server.ts"
import { createWorkerDirectory } from "./worker-directory.server.ts"
import { createWorkerPool } from "./worker-pool.server.ts"

export interface OpenWorkerClientOptions {
  readonly live: LiveCoordination
  readonly urls: readonly URL[]
  readonly discovery: WorkerDiscovery
  readonly token: Secret | undefined
  /** Called when the worker registry cannot be read (pool only). */
  readonly onRegistryError?: (error: unknown) => void
  /** Called when workers are registered but WORKER_URL allows none of them (pool only). */
  readonly onNoneAllowed?: (registered: readonly WorkerAnnouncement[], listed: readonly URL[]) => void
}

export function openWorkerClient(options: OpenWorkerClientOptions): WorkerClient {
  const [only] = options.urls
  // One listed worker and no discovery: there is nowhere else to route, so it is called directly,
  // exactly as before scale-out. The pool would send a session fence, and a worker that remembers
  // none (after any restart: `npm start` keeps leases in memory, a restarted compose worker has a
  // new id) takes a fence for "changed elsewhere": it would resync every app from its snapshot
  // with a text handover instead of resuming the CLI's session on its own disk copy, and clean out
  // an app that has files but no snapshot.
  if (only !== undefined && options.urls.length === 1 && options.discovery === "off") {
    return createWorkerClient({ baseUrl: only, token: options.token })
  }
  const directory = createWorkerDirectory({
    live: options.live,
    urls: options.urls,
    discovery: options.discovery,
    token: options.token,
    ...(options.onRegistryError ? { onRegistryError: options.onRegistryError } : {}),
    ...(options.onNoneAllowed ? { onNoneAllowed: options.onNoneAllowed } : {}),
  })
  return createWorkerPool({ live: options.live, directory })
}
