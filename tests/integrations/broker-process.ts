// One web process for oauth-broker-processes.integration.test.ts, run with tsx as its own OS
// process: it opens its web services exactly as the server entry does (loadWebConfig from the
// environment, openServices: the SQLite file in SECOND_DATA_DIR, Redis at REDIS_URL, the local
// secret store under SECOND_TOKEN_ENCRYPTION_KEY, the test egress mapping), says "ready", waits
// for a "go" line on stdin (the parent's barrier, so both processes start together), then makes
// BROKER_TASK's concurrent calls of the real tool path (executeAppTool: approval, credentials
// through the token broker, the HTTP call to the provider's API) and prints one JSON line with
// how each ended. Never a token: the provider's API answers a hash of the bearer it received.
//
// stdout carries only JSON lines: {"event":"ready"}, {"event":"lock",...} for each attempt at the
// refresh lock (the real Redis answer, observed, not changed), and {"event":"done",...}. Logs go
// to stderr. The process exits after "done", or when stdin closes (the parent went away).

import { createInterface } from "node:readline"
import { executeAppTool, isAppToolRefusal } from "#app/agents/app-tool-execution.server.ts"
import { loadWebConfig } from "#app/config/config.server.ts"
import { createLog } from "#app/log.server.ts"
import { closeServices, openServices } from "#app/services.server.ts"
import { apps } from "#app/store/collections.server.ts"

export interface BrokerTask {
  readonly workspaceId: string
  readonly appId: string
  readonly agentId: string
  readonly toolName: string
  readonly identityUserId: string
  readonly calls: number
}

export interface CallOutcome {
  /** A live answer from the provider's API with status 200. */
  readonly succeeded: boolean
  readonly status: number | null
  readonly mock: boolean
  /** The refusal's code, when refused. */
  readonly code: string | null
  /** sha256 (hex) of the bearer the provider's API received, as it answered. */
  readonly tokenSha256: string | null
}

export type BrokerLine =
  | { readonly event: "ready"; readonly pid: number }
  | { readonly event: "lock"; readonly pid: number; readonly acquired: boolean }
  | { readonly event: "done"; readonly pid: number; readonly outcomes: readonly CallOutcome[] }

const say = (line: BrokerLine) => process.stdout.write(`${JSON.stringify(line)}\n`)

const task = JSON.parse(process.env["BROKER_TASK"] ?? "null") as BrokerTask | null
if (!task) throw new Error("BROKER_TASK is not set")

const log = createLog({ json: true, write: (line) => process.stderr.write(`${line}\n`) })
const services = await openServices(loadWebConfig(process.env), log)

// Observe every attempt at the refresh lock and report the real answer, so the parent can open
// the provider's gate once both processes have contended for it.
const live = services.live as { acquireLock: typeof services.live.acquireLock }
const acquireLock = live.acquireLock.bind(services.live)
live.acquireLock = async (name, options) => {
  const lock = await acquireLock(name, options)
  if (name.startsWith("oauth-refresh:")) say({ event: "lock", pid: process.pid, acquired: lock !== null })
  return lock
}

const app = await services.store.collection(apps).findOne({ id: task.appId, workspaceId: task.workspaceId })
if (!app) throw new Error(`no app ${task.appId}`)

async function oneCall(): Promise<CallOutcome> {
  const answer = await executeAppTool(services, {
    workspaceId: task!.workspaceId,
    app: app!,
    scope: "published",
    agentId: task!.agentId,
    toolName: task!.toolName,
    input: {},
    identityUserId: task!.identityUserId,
  })
  if (isAppToolRefusal(answer)) return { succeeded: false, status: answer.status, mock: false, code: answer.code, tokenSha256: null }
  const body = answer.body as { tokenSha256?: unknown } | null
  const tokenSha256 = body && typeof body.tokenSha256 === "string" ? body.tokenSha256 : null
  return { succeeded: !answer.mock && answer.status === 200, status: answer.status, mock: answer.mock, code: null, tokenSha256 }
}

let started = false
const input = createInterface({ input: process.stdin })
input.on("close", () => {
  if (!started) void closeServices(services).finally(() => process.exit(0))
})
input.on("line", (line) => {
  if (line.trim() !== "go" || started) return
  started = true
  // All calls start in the same tick, as concurrent tool calls of one process would.
  void Promise.all(Array.from({ length: task.calls }, oneCall))
    .then((outcomes) => say({ event: "done", pid: process.pid, outcomes }))
    .catch((error: unknown) => {
      process.stderr.write(`broker-process failed: ${(error as Error).stack ?? String(error)}\n`)
      process.exitCode = 1
    })
    .finally(() => void closeServices(services).finally(() => process.exit()))
})
say({ event: "ready", pid: process.pid })
