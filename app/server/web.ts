// Entry point of the standalone web process (production: `npm run start:web`, the compose web
// service). Configured entirely by the environment; see .env.example.

import { resolve } from "node:path"
import { loadWebConfig } from "../config/config.server.ts"
import { authModeNotice } from "../auth/auth-mode-notice.server.ts"
import { createLog } from "../log.server.ts"
import { reportLoggedErrors } from "../telemetry/server-error-reporting.server.ts"
import { startAuditRetentionSweeper } from "../audit/audit-retention.server.ts"
import { startRunReaper } from "../runs/run-reaper.server.ts"
import { closeServices, openServices } from "../services.server.ts"
import { startHttpHost } from "./http-host.server.ts"
import { configOrExit, exitOnListenError, exitOnStartupError, onShutdown } from "./process-lifecycle.server.ts"

const config = configOrExit(() => loadWebConfig(process.env))
const log = createLog({ json: config.production, reportErrors: reportLoggedErrors(config) })
const services = await openServices(config, log).catch(exitOnStartupError)
const reaper = startRunReaper(services)
const auditRetention = startAuditRetentionSweeper(services)
const host = await startHttpHost({ services, mode: "production", buildDir: resolve("build") }).catch(exitOnListenError)
const notice = authModeNotice(config)
log[notice.level](notice.message)
log.info(`Second web listening on ${host.url.href} (public URL ${config.publicUrl.origin})`)
onShutdown(async () => {
  reaper.stop()
  auditRetention.stop()
  // Stop accepting, then end open event streams so browsers resume on another instance at once.
  const closing = host.close()
  await Promise.all([services.runEventHub.close(), services.workspaceEvents.close()])
  await closing
  await closeServices(services)
}, log.info)
