// Runs the checklist: the network checks at once, each bounded, telling `onProgress` what it is
// waiting on first; the lines come back in the checklist's order. Nothing here prints or exits.

import type { Env } from "#shared/config/env.ts"
import { authChecks } from "./auth-checks.server.ts"
import type { CheckLine } from "./check-line.server.ts"
import { configChecks } from "./config-checks.server.ts"
import { redact } from "./redact.server.ts"
import { readDoctorEnv } from "./doctor-env.server.ts"
import { hostsLine, publicPathsLine } from "./exposure-checks.server.ts"
import { tokenStrengthLine } from "./internal-token.server.ts"
import { publicUrlChecks } from "./public-url-checks.server.ts"
import { withoutCredentials } from "./connection-string.server.ts"
import { mongoCheck, redisCheck } from "./store-checks.server.ts"
import { noRegisteredWorkerLines, workerLines, workerLinesSkipped } from "./worker-checks.server.ts"
import { drainingNote, healthId, identityLine, planWorkers, registeredWorkers } from "./worker-registry-checks.server.ts"
import { probeWorker } from "./worker-probe.server.ts"

export const DEFAULT_TIMEOUT_MS = 4_000

export interface DoctorOptions {
  /** Bound of each network call. */
  readonly timeoutMs?: number
  /** Called before each network call with what it waits on ("Redis at redis://redis:6379"). */
  readonly onProgress?: (waitingOn: string) => void
}

export interface DoctorReport {
  readonly production: boolean
  readonly lines: readonly CheckLine[]
  /** Values the printer must never show (secret variables and passwords in connection strings). */
  readonly secretValues: readonly string[]
}

export async function runDoctor(env: Env, options: DoctorOptions = {}): Promise<DoctorReport> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const doctorEnv = readDoctorEnv(env)
  const waitingOn = (what: string) => options.onProgress?.(redact(what, doctorEnv.secretValues))
  const { values } = doctorEnv
  const lines: CheckLine[] = [...configChecks(doctorEnv)]

  // The network checks run at once (each bounded), their lines kept in the checklist's order.
  if (values.authMode === "external" && values.oidcIssuer) waitingOn(`the OIDC issuer ${values.oidcIssuer.origin}`)
  if (values.mongodbUri) waitingOn(`MongoDB at ${withoutCredentials(values.mongodbUri.reveal())}`)
  if (values.redisUrl) waitingOn(`Redis at ${withoutCredentials(values.redisUrl.reveal())}`)
  // The spec refuses a short token; the doctor still judges it and still tries it on the worker.
  const rawToken = env["INTERNAL_API_TOKEN"]?.trim() || undefined
  // `npm start` (not production, no WORKER_URL, no discovery) runs the worker in the web's process on a port of its own choosing.
  const discovery = values.workerDiscovery === "redis"
  // A refused WORKER_URL or SECOND_WORKER_DISCOVERY: the web would not start, and the doctor must
  // not guess (probing the default 127.0.0.1:3001 nobody configured would mislead).
  const refused = ["WORKER_URL", "SECOND_WORKER_DISCOVERY"].filter((name) => doctorEnv.invalid.has(name))
  const embedded = !doctorEnv.production && values.workerUrls === undefined && !discovery
  const listed = values.workerUrls ?? (discovery ? [] : [new URL("http://127.0.0.1:3001")])
  // The web reads the registry with discovery on, and with several listed URLs (their load and draining).
  const readsRegistry = refused.length === 0 && values.redisUrl !== undefined && (discovery || listed.length > 1)
  if (readsRegistry) waitingOn(`the workers registered in Redis`)
  const registry = readsRegistry && values.redisUrl ? await registeredWorkers(values.redisUrl, timeoutMs) : null
  const plan = planWorkers(listed, discovery, registry && "workers" in registry ? registry.workers : null)
  const probing = refused.length === 0 && !embedded
  if (probing) for (const { url } of plan.workers) waitingOn(`the worker at ${url.origin} (GET /runtimes)`)
  if (values.publicUrl) waitingOn(`the public URL ${values.publicUrl.origin} (the worker's paths)`)
  const [auth, mongo, redis, probes, publicPaths] = await Promise.all([
    authChecks(doctorEnv, timeoutMs),
    mongoCheck(doctorEnv, timeoutMs),
    redisCheck(doctorEnv, timeoutMs),
    probing
      ? Promise.all(
          plan.workers.map(async (worker) => {
            const probe = await probeWorker(worker.url, rawToken, timeoutMs)
            // Only a worker that took the token can say who it is (GET /health is authenticated).
            const answeredAs = worker.announcement !== null && probe.kind === "answered" ? await healthId(worker.url, rawToken, timeoutMs) : null
            return { worker, probe, answeredAs }
          }),
        )
      : null,
    publicPathsLine(doctorEnv, timeoutMs),
  ])
  lines.push(...auth, ...publicUrlChecks(doctorEnv), mongo, redis, tokenStrengthLine(rawToken, doctorEnv.production))
  if (refused.length > 0) {
    lines.push(...workerLinesSkipped(`${refused.join(" and ")} ${refused.length > 1 ? "are" : "is"} refused (see the line above): the web would not start, so no worker is asked`))
  } else if (probes === null) {
    lines.push(...workerLinesSkipped("WORKER_URL is unset: `npm start` runs the worker inside the web's process; set WORKER_URL (and INTERNAL_API_TOKEN) to check a separate worker"))
  } else if (probes.length === 0) {
    const why =
      registry && "problem" in registry
        ? `the worker registry in Redis could not be read (${registry.problem})`
        : plan.draining.length > 0
          ? `every registered worker is draining${drainingNote(plan.draining)}`
          : "no worker is registered in Redis (SECOND_WORKER_DISCOVERY=redis)"
    lines.push(...plan.lines, ...noRegisteredWorkerLines(why))
  } else {
    const [tokenLine, ...rest] = workerLines(probes, rawToken !== undefined)
    const identity = identityLine(probes)
    lines.push(...plan.lines, ...(identity ? [identity] : []), { ...tokenLine!, detail: `${tokenLine!.detail}${drainingNote(plan.draining)}` }, ...rest)
  }
  lines.push(hostsLine(doctorEnv), publicPaths)

  return { production: doctorEnv.production, lines, secretValues: doctorEnv.secretValues }
}

export const hasFailures = (report: DoctorReport) => report.lines.some((line) => line.status === "fail")
