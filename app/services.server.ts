// Everything a request handler may use, opened once per process from the config: the durable
// store, live coordination, the worker client and the logger. Handlers get it as Remix load
// context, so the server entry owns its lifecycle (open at boot, close on shutdown).

import { join, resolve } from "node:path"
import type { WebConfig } from "./config/config.server.ts"
import { createMemoryLive } from "./live/memory-live.server.ts"
import type { LiveCoordination } from "./live/live.server.ts"
import { createRedisLive } from "./live/redis-live.server.ts"
import type { Log } from "./log.server.ts"
import { allCollections, type InstanceDocument } from "./store/collections.server.ts"
import { ensureInstance } from "./store/instance.server.ts"
import { openMongoStore } from "./store/mongo-store.server.ts"
import { openSqliteStore } from "./store/sqlite-store.server.ts"
import type { DurableStore } from "./store/store.server.ts"
import { createWorkerClient, type WorkerClient } from "./worker-client/worker-client.server.ts"

export interface WebServices {
  readonly config: WebConfig
  readonly store: DurableStore
  readonly live: LiveCoordination
  readonly worker: WorkerClient
  readonly log: Log
  readonly instance: InstanceDocument
  /** Set when shutdown begins, so load balancers see /healthz fail before connections close. */
  readonly lifecycle: { draining: boolean }
}

declare module "@remix-run/node" {
  interface AppLoadContext {
    readonly services: WebServices
  }
}

export const SQLITE_FILE_NAME = "second.db"

async function openStore(config: WebConfig, log: Log): Promise<DurableStore> {
  if (config.mongodbUri) {
    return openMongoStore({ uri: config.mongodbUri.reveal(), collections: allCollections, warn: (m) => log.warn(m) })
  }
  return openSqliteStore({ file: join(resolve(config.dataDir), SQLITE_FILE_NAME), collections: allCollections })
}

export async function openServices(config: WebConfig, log: Log): Promise<WebServices> {
  const store = await openStore(config, log)
  try {
    const live = config.redisUrl ? await createRedisLive({ url: config.redisUrl.reveal() }) : createMemoryLive()
    const instance = await ensureInstance(store)
    const worker = createWorkerClient({ baseUrl: config.workerUrl, token: config.internalApiToken })
    return { config, store, live, worker, log, instance, lifecycle: { draining: false } }
  } catch (error) {
    await store.close()
    throw error
  }
}

export async function closeServices(services: WebServices): Promise<void> {
  await Promise.allSettled([services.live.close(), services.store.close()])
}
