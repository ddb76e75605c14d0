// `npm start`: the whole platform in one process, on the embedded default (SQLite file and
// in-process coordination unless MONGODB_URI / REDIS_URL say otherwise), with generated local
// secrets kept under the data directory. The worker still listens on its own loopback port and
// is reached over HTTP with the internal token, exactly as in production.
// `--dev` serves the app through Vite with hot reload instead of the production build.

import { existsSync } from "node:fs"
import { join, resolve } from "node:path"
import { startWorker } from "#worker/src/main.ts"
import { loadWorkerConfig } from "#worker/src/config/WorkerConfig.ts"
import { loadWebConfig } from "../config/config.server.ts"
import { authModeNotice } from "../auth/auth-mode-notice.server.ts"
import { createLog } from "../log.server.ts"
import { reportLoggedErrors } from "../telemetry/server-error-reporting.server.ts"
import { startAuditRetentionSweeper } from "../audit/audit-retention.server.ts"
import { startRunReaper } from "../runs/run-reaper.server.ts"
import { closeServices, openLive, openServices, SQLITE_FILE_NAME } from "../services.server.ts"
import { startHttpHost } from "./http-host.server.ts"
import { loadOrCreateLocalSecrets, withLocalSecrets } from "./local-secrets.server.ts"
import { configOrExit, exitOnListenError, exitOnStartupError, onShutdown } from "./process-lifecycle.server.ts"

const mode = process.argv.includes("--dev") ? "development" : "production"
const buildDir = resolve("build")
const dataDir = resolve(process.env["SECOND_DATA_DIR"]?.trim() || ".second-dev")

// Validate what the operator set before creating anything.
configOrExit(() => loadWebConfig({ ...process.env, NODE_ENV: "development" }))

if (mode === "production" && !existsSync(join(buildDir, "server", "index.js"))) {
  console.error("The web build is missing: run `npm run build` first (`npm start` does it for you).")
  process.exit(1)
}

const local = loadOrCreateLocalSecrets(dataDir)
const env = { ...withLocalSecrets(process.env, local.secrets), SECOND_DATA_DIR: dataDir }
const baseConfig = configOrExit(() => loadWebConfig(env))
if (baseConfig.port === 0) {
  console.error("Invalid configuration: PORT must be a fixed port for npm start. Example: PORT=3000")
  process.exit(1)
}
const log = createLog({ json: baseConfig.production, reportErrors: reportLoggedErrors(baseConfig) })

const webLoopback = `http://127.0.0.1:${baseConfig.port}`
const workerSettings = configOrExit(() =>
  loadWorkerConfig({
    ...env,
    PORT: "0",
    HOST: "127.0.0.1",
    WEB_URL: webLoopback,
    // The web in this process stops serving before its worker closes: a drain would only make
    // Ctrl-C wait for turns whose ends nothing could record (an explicit setting still wins).
    SECOND_WORKER_DRAIN_SECONDS: process.env["SECOND_WORKER_DRAIN_SECONDS"] ?? "0",
    // Apps and runtime homes live with the rest of this installation's data.
    SECOND_WORKSPACES_DIR: process.env["SECOND_WORKSPACES_DIR"]?.trim() || join(dataDir, "worker"),
  }),
)
// One live port for both tiers: the worker writes run streams into it and the web reads them.
const live = await openLive(baseConfig).catch(exitOnStartupError)
const worker = await startWorker(workerSettings, { live })
// The embedded worker is the one listed; it also registers in the shared live port.
const config = { ...baseConfig, workerUrls: [worker.url] }

const services = await openServices(config, log, { live }).catch(async (error: unknown) => {
  await worker.close()
  await live.close()
  return exitOnStartupError(error)
})
const reaper = startRunReaper(services)
const auditRetention = startAuditRetentionSweeper(services)
const host = await startHttpHost({ services, mode, buildDir }).catch(async (error: unknown) => {
  await worker.close()
  await closeServices(services)
  return exitOnListenError(error)
})

if (local.created) log.info(`Created local secrets in ${local.file} (keep this directory private).`)
log.info(
  `Data: ${services.store.kind === "sqlite" ? join(dataDir, SQLITE_FILE_NAME) : "MongoDB"}; live state: ${services.live.kind === "memory" ? "in-process" : "Redis"}.`,
)
const notice = authModeNotice(config)
log[notice.level](notice.message)
log.info(`Worker: ${worker.url.origin} (internal, loopback only)`)
log.info(`Second is running at ${config.publicUrl.origin}${mode === "development" ? " (development, hot reload)" : ""}`)

onShutdown(async () => {
  reaper.stop()
  auditRetention.stop()
  // Stop accepting, then end open event streams so browsers resume on another instance at once.
  const closing = host.close()
  await Promise.all([services.runEventHub.close(), services.workspaceEvents.close()])
  await closing
  await worker.close()
  await closeServices(services)
}, log.info)
