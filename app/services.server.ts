// Everything a request handler may use, opened once per process from the config: the durable
// store, live coordination, the worker client and the logger. Handlers get it as Remix load
// context, so the server entry owns its lifecycle (open at boot, close on shutdown).

import { join, resolve } from "node:path"
import { createAppDataHub, type AppDataHub } from "./app-data/app-data-hub.server.ts"
import type { AuthProvider } from "./auth/external/auth-provider.server.ts"
import { createOidcProvider } from "./auth/external/oidc-provider.server.ts"
import { resolveSessionKey, type SessionKeySource } from "./auth/session-key.server.ts"
import { isLoopbackHost } from "#shared/config/common.ts"
import type { WebConfig } from "./config/config.server.ts"
import { createMemoryLive } from "#shared/live/memory-live.server.ts"
import type { LiveCoordination } from "#shared/live/live.server.ts"
import { createRedisLive } from "#shared/live/redis-live.server.ts"
import { createWorkspaceEventHub, type WorkspaceEventHub } from "./events/workspace-event-hub.server.ts"
import { egressPolicyFromConfig, type EgressPolicy } from "./integrations/egress-policy.server.ts"
import type { Log } from "./log.server.ts"
import { createRunEventHub, type RunEventHub } from "./runs/run-event-hub.server.ts"
import { openSecretStore } from "./secrets/open-secret-store.server.ts"
import type { SecretStore, SecretStoreStatus } from "#shared/secrets/secret-store.ts"
import { createStreamSlots, streamSlotLimits, type StreamSlots } from "./sse/stream-slots.server.ts"
import { allCollections, type InstanceDocument } from "./store/collections.server.ts"
import { ensureInstance } from "./store/instance.server.ts"
import { openMongoStore } from "./store/mongo-store.server.ts"
import { openSqliteStore } from "./store/sqlite-store.server.ts"
import type { DurableStore } from "./store/store.server.ts"
import { connecting } from "./server/store-connect-error.server.ts"
import { openWorkerClient } from "./worker-client/open-worker-client.server.ts"
import type { WorkerClient } from "./worker-client/worker-client.server.ts"

export interface WebServices {
  readonly config: WebConfig
  readonly store: DurableStore
  readonly live: LiveCoordination
  /** This process's fan-out of workspace events to open SSE streams. */
  readonly workspaceEvents: WorkspaceEventHub
  /** This process's fan-out of app data changes: one live subscription per app with open streams. */
  readonly appDataHub: AppDataHub
  /** This process's fan-out of run event streams: one tail loop per followed run. */
  readonly runEventHub: RunEventHub
  /** How many live event streams this process holds, per session, per person and in all. */
  readonly streamSlots: StreamSlots
  readonly worker: WorkerClient
  /** Where agent tools may send requests (app/integrations); test hosts only outside production. */
  readonly egress: EgressPolicy
  /** Every integration secret (OAuth client secrets, tokens, static keys) goes through it; elsewhere only its refs are stored. */
  readonly secrets: SecretStore
  /** Where secrets go and whether they can be kept, for the Integrations page. */
  readonly secretStoreStatus: SecretStoreStatus
  readonly log: Log
  readonly instance: InstanceDocument
  readonly auth: {
    readonly sessionKey: Uint8Array
    readonly sessionKeySource: SessionKeySource
    /** The external auth provider (SECOND_AUTH_MODE=external), or null in none mode. */
    readonly provider: AuthProvider | null
  }
  /** Set when shutdown begins, so load balancers see /healthz fail before connections close. */
  readonly lifecycle: { draining: boolean }
}

declare module "@remix-run/node" {
  // Single fetch (remix.config.ts): loader and action types unwrap data() as the runtime does.
  interface Future {
    v3_singleFetch: true
  }
  interface AppLoadContext {
    readonly services: WebServices
    /** This request's Content-Security-Policy nonce, for the inline scripts Remix renders. */
    readonly cspNonce: string
  }
}

export const SQLITE_FILE_NAME = "second.db"

/** The durable store the config names (MongoDB, else the SQLite file in the data directory). */
export async function openStore(config: WebConfig, log: Log): Promise<DurableStore> {
  if (config.mongodbUri) {
    const uri = config.mongodbUri.reveal()
    return connecting("MONGODB_URI", uri, () => openMongoStore({ uri, collections: allCollections, warn: (m) => log.warn(m) }))
  }
  return openSqliteStore({ file: join(resolve(config.dataDir), SQLITE_FILE_NAME), collections: allCollections })
}

/** Opens the live coordination port the config names: Redis, or in-process for one process. */
export async function openLive(config: WebConfig): Promise<LiveCoordination> {
  if (!config.redisUrl) return createMemoryLive()
  const url = config.redisUrl.reveal()
  return connecting("REDIS_URL", url, () => createRedisLive({ url }))
}

/** `live`: an already open port (the embedded process shares it with its worker); closed with the rest. */
export async function openServices(config: WebConfig, log: Log, options: { readonly live?: LiveCoordination } = {}): Promise<WebServices> {
  const store = await openStore(config, log)
  try {
    // Before anything else opens: a key that cannot read the stored secrets stops the boot here.
    const secretStore = await openSecretStore(config, store)
    const live = options.live ?? (await openLive(config))
    const instance = await ensureInstance(store)
    const worker = openWorker(config, live, log)
    const { key, source } = resolveSessionKey(config)
    if (source === "ephemeral") {
      log.warn("No SECOND_NO_AUTH_SESSION_SECRET or INTERNAL_API_TOKEN: sessions are signed with a random key and end when this process stops.")
    }
    const auth = { sessionKey: key, sessionKeySource: source, provider: externalProvider(config, live) }
    const workspaceEvents = createWorkspaceEventHub({ live, store, log })
    const appDataHub = createAppDataHub({ live, store, log })
    const runEventHub = createRunEventHub(live)
    const streamSlots = createStreamSlots(streamSlotLimits(config.maxConnections))
    const egress = egressPolicyFromConfig(config.egressTest)
    if (config.egressTest !== null) log.warn(`Test-only egress exceptions are on (SECOND_EGRESS_TEST_HOSTS / SECOND_EGRESS_TEST_CA): ${[...config.egressTest.hosts.keys()].join(", ") || "extra CA only"}.`)
    return { config, store, live, workspaceEvents, appDataHub, runEventHub, streamSlots, worker, egress, secrets: secretStore.secrets, secretStoreStatus: secretStore.status, log, instance, auth, lifecycle: { draining: false } }
  } catch (error) {
    await store.close()
    throw error
  }
}

/** The worker WORKER_URL names, or, with several or with discovery, a pool routing between them. */
function openWorker(config: WebConfig, live: LiveCoordination, log: Log): WorkerClient {
  let warnedAt = 0
  let noneAllowedWarnedAt = 0
  return openWorkerClient({
    live,
    urls: config.workerUrls,
    discovery: config.workerDiscovery,
    token: config.internalApiToken,
    // The registry is read on every turn: one warning a minute says it is down without flooding the log.
    onRegistryError: (error) => {
      if (Date.now() - warnedAt < 60_000) return
      warnedAt = Date.now()
      log.warn("The worker registry could not be read; only WORKER_URL's workers are used meanwhile.", { error })
    },
    // Read on every turn too; a list that matches none of the registered workers is a spelling
    // mistake the operator has to hear about, once a minute.
    onNoneAllowed: (registered, listed) => {
      if (Date.now() - noneAllowedWarnedAt < 60_000) return
      noneAllowedWarnedAt = Date.now()
      const workers = registered.map((worker) => `${worker.id} (${worker.url})`).join(", ")
      log.warn(
        `WORKER_URL (${listed.map((url) => url.origin).join(", ")}) allows none of the registered workers: ${workers}. Its URLs are called with no load or draining known. List the URLs the workers announce (their SECOND_WORKER_URL) in WORKER_URL${config.workerDiscovery === "redis" ? ", or leave it unset to use every registered worker" : ""}.`,
      )
    },
  })
}

function externalProvider(config: WebConfig, live: LiveCoordination): AuthProvider | null {
  if (!config.oidc) return null
  return createOidcProvider({
    config: config.oidc,
    live,
    redirectUri: new URL("/auth/oidc/callback", config.publicUrl),
    secure: config.publicUrl.protocol === "https:",
    allowInsecureIssuer: !config.production && isLoopbackHost(config.oidc.issuer.hostname),
  })
}

export async function closeServices(services: WebServices): Promise<void> {
  await services.workspaceEvents.close()
  await services.appDataHub.close()
  await services.runEventHub.close()
  await Promise.allSettled([services.live.close(), services.store.close()])
}
