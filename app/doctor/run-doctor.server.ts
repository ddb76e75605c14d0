// Runs the checklist in order, one group at a time, telling `onProgress` what it is waiting on
// before each network call. Returns every line; nothing here prints or exits.

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
import { runtimeLines, sameTokenLine } from "./worker-checks.server.ts"
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

  if (values.authMode === "external" && values.oidcIssuer) waitingOn(`the OIDC issuer ${values.oidcIssuer.origin}`)
  lines.push(...(await authChecks(doctorEnv, timeoutMs)))
  lines.push(...publicUrlChecks(doctorEnv))

  if (values.mongodbUri) waitingOn(`MongoDB at ${withoutCredentials(values.mongodbUri.reveal())}`)
  lines.push(await mongoCheck(doctorEnv, timeoutMs))
  if (values.redisUrl) waitingOn(`Redis at ${withoutCredentials(values.redisUrl.reveal())}`)
  lines.push(await redisCheck(doctorEnv, timeoutMs))

  // The spec refuses a short token; the doctor still judges it and still tries it on the worker.
  const rawToken = env["INTERNAL_API_TOKEN"]?.trim() || undefined
  lines.push(tokenStrengthLine(rawToken))
  const workerUrl = values.workerUrl ?? new URL("http://127.0.0.1:3001")
  waitingOn(`the worker at ${workerUrl.origin} (GET /runtimes)`)
  const probe = await probeWorker(workerUrl, rawToken, timeoutMs)
  lines.push(sameTokenLine(probe, workerUrl, rawToken !== undefined), ...runtimeLines(probe))

  lines.push(hostsLine(doctorEnv))
  if (values.publicUrl) waitingOn(`the public URL ${values.publicUrl.origin} (the worker's paths)`)
  lines.push(await publicPathsLine(doctorEnv, timeoutMs))

  return { production: doctorEnv.production, lines, secretValues: doctorEnv.secretValues }
}

export const hasFailures = (report: DoctorReport) => report.lines.some((line) => line.status === "fail")
