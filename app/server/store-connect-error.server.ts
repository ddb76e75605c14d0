// A web that cannot reach its Redis or MongoDB at start-up says so in one line naming the variable,
// the host and what failed (connection refused, host not found, TLS, authentication, timeout),
// instead of a driver's stack trace. Never the URL itself: it may carry a password.

import { Redis } from "ioredis"

export type StoreVariable = "REDIS_URL" | "MONGODB_URI"

export class StoreConnectError extends Error {
  readonly variable: StoreVariable

  constructor(variable: StoreVariable, where: string, why: string, fix: string) {
    super(`Cannot start: ${variable}${where === "" ? "" : ` (${where})`} could not be reached: ${why}. ${fix}`)
    this.name = "StoreConnectError"
    this.variable = variable
  }
}

/** host:port of a connection string, without credentials; "" when it does not parse as one URL (several Mongo hosts). */
function hostOf(raw: string): string {
  try {
    return new URL(raw).host
  } catch {
    return ""
  }
}

/** Every code, name and message in an error, its causes and (MongoDB) the error of each server it tried. */
function clues(error: unknown, depth = 0): string[] {
  if (depth > 4 || typeof error !== "object" || error === null) return []
  const value = error as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; errors?: unknown; reason?: { servers?: unknown } }
  const servers = value.reason?.servers instanceof Map ? [...(value.reason.servers as Map<string, { error?: unknown }>).values()].map((server) => server.error) : []
  const nested = [value.cause, ...(Array.isArray(value.errors) ? value.errors : []), ...servers]
  return [String(value.code ?? ""), String(value.name ?? ""), String(value.message ?? ""), ...nested.flatMap((each) => clues(each, depth + 1))]
}

/** What failed, in a few words (never the driver's message: it may quote the connection string). */
export function whyConnectFailed(error: unknown, tls: boolean): string {
  const text = clues(error).join(" ")
  if (/ECONNREFUSED/.test(text)) return "connection refused (nothing listens at that host and port)"
  if (/ENOTFOUND|EAI_AGAIN/.test(text)) return "host not found"
  if (/ERR_SSL|ERR_TLS|EPROTO|SSL routines|wrong version number|secure TLS connection|certificate|self.signed/i.test(text)) return "the TLS handshake failed"
  if (/WRONGPASS|NOAUTH|Authentication failed|AuthenticationFailed|invalid username-password/i.test(text)) return "authentication failed (check the user name and password)"
  if (/ETIMEDOUT|timed out|timeout/i.test(text)) {
    // A TLS client against a server without TLS waits for a handshake that never comes.
    return tls ? "timed out (with TLS: does that server speak TLS? rediss:// and tls=true need one that does)" : "timed out (a firewall, or the wrong host?)"
  }
  if (/ECONNRESET|Connection is closed|EPIPE/i.test(text)) return tls ? "the connection was closed (TLS against a server without it?)" : "the connection was closed"
  return `could not connect (${error instanceof Error ? error.name : "error"})`
}

/**
 * Redis's client reports the cause only as an event ("Connection is closed." is what the call
 * rejects with), so one more attempt, with no retries, is made to learn it.
 */
async function redisFailure(raw: string): Promise<unknown> {
  let failure: unknown = null
  let redis: Redis
  try {
    redis = new Redis(raw, { lazyConnect: true, connectTimeout: 5_000, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null })
  } catch (error) {
    return error
  }
  redis.on("error", (error: unknown) => {
    failure ??= error
  })
  try {
    await redis.connect()
    await redis.ping()
  } catch (error) {
    failure ??= error
  } finally {
    redis.disconnect()
  }
  return failure
}

/** Runs `open`; a failure to connect becomes a StoreConnectError naming `variable` (the URL is never quoted). */
export async function connecting<T>(variable: StoreVariable, raw: string, open: () => Promise<T>): Promise<T> {
  try {
    return await open()
  } catch (error) {
    const tls = /^rediss:/i.test(raw) || /[?&](tls|ssl)=true/i.test(raw) || /^mongodb\+srv:/i.test(raw)
    const cause = variable === "REDIS_URL" ? ((await redisFailure(raw)) ?? error) : error
    const fix =
      variable === "REDIS_URL"
        ? "Check REDIS_URL (redis:// or rediss://, host, port, password) and that Redis runs and is reachable from here."
        : "Check MONGODB_URI (host, credentials, ?replicaSet=, tls) and that MongoDB runs and is reachable from here."
    throw new StoreConnectError(variable, hostOf(raw), whyConnectFailed(cause, tls), fix)
  }
}
