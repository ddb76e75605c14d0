// Checklist: MONGODB_URI points at a MongoDB that answers and runs as a replica set (app data
// change streams need one); REDIS_URL points at a Redis that answers PING. Unset means the
// single-machine defaults (embedded SQLite, in-process live state): fine for `npm start`, a
// failure in production.

import { MongoClient } from "mongodb"
import { Redis } from "ioredis"
import { reasonOf, withDeadline } from "./bounded.server.ts"
import { withoutCredentials } from "./connection-string.server.ts"
import { fail, pass, productionOnly, skip, type CheckLine } from "./check-line.server.ts"
import type { DoctorEnv } from "./doctor-env.server.ts"

const MONGO_ITEM = "MongoDB reachable and a replica set (MONGODB_URI)"
const REDIS_ITEM = "Redis reachable (REDIS_URL)"


export async function mongoCheck(doctorEnv: DoctorEnv, timeoutMs: number): Promise<CheckLine> {
  const uri = doctorEnv.values.mongodbUri
  if (doctorEnv.invalid.has("MONGODB_URI")) return skip(MONGO_ITEM, "MONGODB_URI is refused (see its line above)")
  if (uri === undefined) {
    return productionOnly(
      doctorEnv.production,
      MONGO_ITEM,
      "MONGODB_URI is unset: the embedded SQLite store, the single-machine default",
      "Set MONGODB_URI to a managed MongoDB replica set, e.g. mongodb+srv://user:pass@cluster/second.",
    )
  }
  const shown = withoutCredentials(uri.reveal())
  let client: MongoClient
  try {
    client = new MongoClient(uri.reveal(), {
      serverSelectionTimeoutMS: timeoutMs,
      connectTimeoutMS: timeoutMs,
      socketTimeoutMS: timeoutMs,
      appName: "second-doctor",
    })
  } catch (error) {
    // The driver's message may quote the string (a password piece it took for a host): only its name.
    return fail(
      MONGO_ITEM,
      `MONGODB_URI cannot be parsed by the MongoDB driver (${error instanceof Error ? error.name : "error"}), so the web could not connect with it either`,
      "Write MONGODB_URI as mongodb://user:password@host:27017/second?replicaSet=rs0, percent-encoding any of @ : / ? # [ ] % in the user name and password (encodeURIComponent).",
    )
  }
  try {
    const hello = await withDeadline(
      client.connect().then(() => client.db("admin").command({ hello: 1 })),
      timeoutMs + 500,
      `MongoDB at ${shown}`,
    )
    const setName = typeof hello["setName"] === "string" ? hello["setName"] : null
    if (setName === null) {
      return fail(
        MONGO_ITEM,
        `${shown} answers, but is a standalone server: app data change streams need a replica set`,
        "Run MongoDB as a replica set (a single member is enough: mongod --replSet rs0, then rs.initiate()) or use a managed cluster, and add ?replicaSet=<name> to MONGODB_URI.",
      )
    }
    return pass(MONGO_ITEM, `${shown} answers as replica set "${setName}" (change streams possible)`)
  } catch (error) {
    const replicaSet = new URLSearchParams(/\?(.*)$/.exec(uri.reveal())?.[1] ?? "").get("replicaSet")
    if (replicaSet !== null && droppedEveryServer(error)) {
      return fail(
        MONGO_ITEM,
        `${shown} answers, but not as a member of replica set "${replicaSet}" (MONGODB_URI's ?replicaSet=)`,
        "Set ?replicaSet= in MONGODB_URI to the name the server reports (rs.status().set), or start MongoDB as that replica set.",
      )
    }
    return fail(
      MONGO_ITEM,
      `${shown} did not answer: ${reasonOf(error)}`,
      "Check MONGODB_URI (host, credentials, ?replicaSet= name) and that this machine reaches MongoDB on the application network.",
    )
  } finally {
    await withDeadline(client.close(), 2_000, "closing MongoDB").catch(() => undefined)
  }
}

/**
 * The driver drops a server that answers as something other than the named replica set's member
 * (a standalone, another set), so selection times out with no server left to pick from.
 */
function droppedEveryServer(error: unknown): boolean {
  const reason = (error as { reason?: { type?: unknown; servers?: unknown } } | null)?.reason
  return reason?.type === "ReplicaSetNoPrimary" && reason.servers instanceof Map && reason.servers.size === 0
}

export async function redisCheck(doctorEnv: DoctorEnv, timeoutMs: number): Promise<CheckLine> {
  const url = doctorEnv.values.redisUrl
  if (doctorEnv.invalid.has("REDIS_URL")) return skip(REDIS_ITEM, "REDIS_URL is refused (see its line above)")
  if (url === undefined) {
    return productionOnly(
      doctorEnv.production,
      REDIS_ITEM,
      "REDIS_URL is unset: live state stays in one process, the single-machine default",
      "Set REDIS_URL=redis://redis:6379 (the same on web and worker).",
    )
  }
  const shown = withoutCredentials(url.reveal())
  let redis: Redis
  try {
    redis = new Redis(url.reveal(), {
      lazyConnect: true,
      connectTimeout: timeoutMs,
      commandTimeout: timeoutMs,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
      connectionName: "second-doctor",
    })
  } catch (error) {
    return fail(
      REDIS_ITEM,
      `REDIS_URL cannot be parsed by the Redis client (${error instanceof Error ? error.name : "error"})`,
      "Write REDIS_URL as redis://user:password@host:6379, percent-encoding any of @ : / ? # % in the user name and password (encodeURIComponent).",
    )
  }
  // Failures reach us as rejected calls ("Connection is closed."); the event says why (ECONNREFUSED).
  let connectionError: unknown = null
  redis.on("error", (error: unknown) => {
    connectionError ??= error
  })
  try {
    const answer = await withDeadline(redis.connect().then(() => redis.ping()), timeoutMs + 500, `Redis at ${shown}`)
    if (answer !== "PONG") return fail(REDIS_ITEM, `${shown} answered PING with something other than PONG`, "Check that REDIS_URL points at Redis.")
    return pass(REDIS_ITEM, `${shown} answers PING`)
  } catch (error) {
    return fail(
      REDIS_ITEM,
      `${shown} did not answer PING: ${reasonOf(connectionError ?? error)}`,
      "Check REDIS_URL (host, port, password) and that Redis runs and is reachable from this machine on the application network.",
    )
  } finally {
    redis.disconnect()
  }
}
