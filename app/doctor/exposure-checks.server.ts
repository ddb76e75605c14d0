// Checklist: only the web is public; the worker, MongoDB and Redis stay on the application network.
// What can be told from here: whether any of them is addressed by the public URL's own host, and
// whether the public URL answers the worker's paths (/runtimes, /sessions, /mcp) with anything
// but the web's own 404.

import { isLoopbackHost } from "#shared/config/common.ts"
import { getWithDeadline, reasonOf } from "./bounded.server.ts"
import { hostsOf } from "./connection-string.server.ts"
import { fail, pass, skip, type CheckLine } from "./check-line.server.ts"
import type { DoctorEnv } from "./doctor-env.server.ts"

const HOSTS_ITEM = "Worker, MongoDB and Redis are not addressed by the public host"
const PATHS_ITEM = "The public URL does not serve the worker's API (/runtimes, /sessions, /mcp)"
const WORKER_PATHS = ["/runtimes", "/sessions/doctor-probe/status", "/mcp/doctor-probe"] as const
const NETWORK_FIX = "Keep the worker, MongoDB and Redis on an internal network; expose only the web (port 3000) through the reverse proxy."

export function hostsLine({ values }: DoctorEnv): CheckLine {
  const publicUrl = values.publicUrl
  if (publicUrl === undefined) return skip(HOSTS_ITEM, "SECOND_PUBLIC_URL is not set")
  const publicHost = publicUrl.hostname.replace(/^\[|\]$/g, "").toLowerCase()
  if (isLoopbackHost(publicHost)) return skip(HOSTS_ITEM, `the public URL is loopback (${publicUrl.origin}): nothing is public`)
  const services: [string, string[]][] = [
    ["WORKER_URL", (values.workerUrls ?? [new URL("http://127.0.0.1:3001")]).map((url) => url.hostname.toLowerCase())],
    ["MONGODB_URI", values.mongodbUri ? hostsOf(values.mongodbUri.reveal()) : []],
    ["REDIS_URL", values.redisUrl ? hostsOf(values.redisUrl.reveal()) : []],
  ]
  const onPublicHost = services.filter(([, hosts]) => hosts.includes(publicHost)).map(([variable]) => variable)
  if (onPublicHost.length > 0) {
    return fail(HOSTS_ITEM, `${onPublicHost.join(", ")} use the public host ${publicHost}`, `${NETWORK_FIX} Point them at internal names (e.g. http://worker:3001, redis://redis:6379).`)
  }
  return pass(HOSTS_ITEM, `none of WORKER_URL, MONGODB_URI, REDIS_URL uses ${publicHost}`)
}

export async function publicPathsLine({ values }: DoctorEnv, timeoutMs: number): Promise<CheckLine> {
  const publicUrl = values.publicUrl
  if (publicUrl === undefined) return skip(PATHS_ITEM, "SECOND_PUBLIC_URL is not set")
  const answers = await Promise.all(
    WORKER_PATHS.map(async (path) => {
      try {
        return { path, status: (await getWithDeadline(new URL(path, publicUrl), timeoutMs)).status, reason: null }
      } catch (error) {
        return { path, status: null, reason: reasonOf(error) }
      }
    }),
  )
  if (answers.every((answer) => answer.status === null)) {
    return skip(PATHS_ITEM, `could not reach ${publicUrl.origin} from here (${answers[0]?.reason ?? "no answer"}); run the doctor from outside to check`)
  }
  const exposed = answers.filter((answer) => answer.status !== null && answer.status !== 404)
  if (exposed.length > 0) {
    const seen = exposed.map((answer) => `${answer.path} → ${answer.status}`).join(", ")
    return fail(PATHS_ITEM, `${publicUrl.origin} answers ${seen} where the web answers 404: the worker looks reachable from the public side`, NETWORK_FIX)
  }
  return pass(PATHS_ITEM, `${publicUrl.origin} answers 404 on the worker's paths`)
}
