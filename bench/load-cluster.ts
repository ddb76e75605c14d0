// The cluster the load bench and the soak drive (bench/load.bench.test.ts, scripts/soak.ts): the
// production shape from tests/fixtures/second-cluster.ts (2 webs and N workers from the build on
// one redis-server and one SQLite store) with the real Claude Code against the scripted fake model,
// the people who use it (one per app, each signed in with enough sessions for its subscribers:
// a web holds at most 16 streams per session and 32 per person), and what is sampled of every
// process: RSS and open descriptors from /proc, the processes each worker has started, and
// Redis's memory and run streams.

import { readdirSync, readFileSync } from "node:fs"
import { Redis } from "ioredis"
import { STREAMS_PER_SESSION, STREAMS_PER_USER } from "#app/sse/stream-slots.server.ts"
import { ID_PATTERN } from "#shared/ids.ts"
import { createRedisLive } from "#shared/live/redis-live.server.ts"
import { liveWorkers } from "#shared/workers/worker-registry.ts"
import { eventually } from "#tests/fixtures/eventually.ts"
import { descendantsOf } from "#worker/src/runtime/process/process-tree.ts"
import { FAKE_API_KEY } from "#tests/fixtures/fake-model/cli-env.ts"
import { startFakeModel, type FakeModel } from "#tests/fixtures/fake-model/server.ts"
import { HttpPerson } from "#tests/fixtures/http-person.ts"
import { startSecondCluster, type SecondCluster } from "#tests/fixtures/second-cluster.ts"

export const REDIS_PREFIX = "second:"

export interface LoadSettings {
  /** Concurrent builder runs per round (one app each). */
  readonly runs: number
  /** SSE subscribers per round, spread over the runs and alternating between the webs. */
  readonly subscribers: number
  readonly workers: number
  /** SECOND_SESSION_IDLE_SECONDS: the soak closes idle sessions fast, so a leaked process shows. */
  readonly sessionIdleSeconds?: number
}

/** A person using one app: their workspace, and one cookie per session (each holds 16 streams per web). */
export interface LoadPerson {
  readonly index: number
  readonly workspaceId: string
  readonly cookies: readonly string[]
}

export interface LoadCluster {
  readonly settings: LoadSettings
  readonly cluster: SecondCluster
  readonly fake: FakeModel
  readonly redis: Redis
  readonly people: readonly LoadPerson[]
  readonly webUrls: readonly string[]
  /** Every process measured, by name (web0, web1, worker0, …, redis), read again on each call (restarts change pids). */
  processes(): Promise<ReadonlyArray<{ readonly name: string; readonly pid: number }>>
  stop(): Promise<void>
}

/** Subscribers of one run (the first runs get one more when they do not divide evenly). */
export const subscribersOf = (settings: LoadSettings, run: number) =>
  Math.floor(settings.subscribers / settings.runs) + (run < settings.subscribers % settings.runs ? 1 : 0)

/** Sessions a person needs: subscribers alternate webs, and each session holds 16 streams on each web. */
const sessionsPerPerson = (settings: LoadSettings) => Math.max(1, Math.ceil(subscribersOf(settings, 0) / 2 / STREAMS_PER_SESSION))

export async function startLoadCluster(settings: LoadSettings): Promise<LoadCluster> {
  if (subscribersOf(settings, 0) > 2 * STREAMS_PER_USER) {
    // One person may hold 32 streams on each web; more subscribers per run would need more members per workspace.
    throw new Error(`${settings.subscribers} subscribers over ${settings.runs} runs is more than ${2 * STREAMS_PER_USER} per run: add runs or fewer subscribers`)
  }
  const fake = await startFakeModel()
  let cluster: SecondCluster | undefined
  let redis: Redis | undefined
  try {
    cluster = await startSecondCluster({
      webs: 2,
      workers: settings.workers,
      // Production's lease: a worker starved of CPU for a few seconds by 100 CLIs starting must not look dead.
      leaseSeconds: 20,
      workerEnv: {
        ANTHROPIC_BASE_URL: fake.url,
        ANTHROPIC_API_KEY: FAKE_API_KEY,
        // Every run of a round may land on one worker (say the other one is refusing).
        SECOND_WORKER_CONCURRENCY: String(settings.runs),
        // One line per turn phase, with the run id: how the round tells which worker ran each run.
        SECOND_PERF_TRACE: "1",
        ...(settings.sessionIdleSeconds ? { SECOND_SESSION_IDLE_SECONDS: String(settings.sessionIdleSeconds) } : {}),
      },
    })
    redis = new Redis(cluster.redis.url, { connectionName: "load-bench", maxRetriesPerRequest: 3 })
    // A worker still detecting its runtimes is ranked after those that list Claude Code, so a round
    // sent before every worker has finished would all land on the first one done.
    const live = await createRedisLive({ url: cluster.redis.url, prefix: "second:" })
    try {
      await eventually(async () => {
        const ready = (await liveWorkers(live)).filter((worker) => worker.detecting !== true && worker.runtimes.includes("claude"))
        return ready.length === settings.workers
      }, 120_000)
    } finally {
      await live.close()
    }
    const people = await signInPeople(cluster.webs[0]!.url, settings)
    const started = cluster
    const client = redis
    return {
      settings,
      cluster: started,
      fake,
      redis: client,
      people,
      webUrls: started.webs.map((web) => web.url),
      async processes() {
        const redisPid = Number(/process_id:(\d+)/.exec(await client.info("server"))?.[1])
        return [
          ...started.webs.map((web, index) => ({ name: `web${index}`, pid: web.process.child.pid! })),
          ...started.workers.map((worker, index) => ({ name: `worker${index}`, pid: worker.process.child.pid! })),
          { name: "redis", pid: redisPid },
        ]
      },
      async stop() {
        client.disconnect()
        await started.stop()
        await fake.stop()
      },
    }
  } catch (error) {
    redis?.disconnect()
    await cluster?.stop()
    await fake.stop()
    throw error
  }
}

/** One person per run slot, each with their own workspace, signed in as many times as their streams need. */
async function signInPeople(webUrl: string, settings: LoadSettings): Promise<LoadPerson[]> {
  const sessions = sessionsPerPerson(settings)
  const people: LoadPerson[] = []
  // A few at a time: each sign-in writes to the one SQLite file.
  for (let first = 0; first < settings.runs; first += 8) {
    const batch = Array.from({ length: Math.min(8, settings.runs - first) }, async (_, offset): Promise<LoadPerson> => {
      const index = first + offset
      const email = `load-${index}@example.com`
      const owner = await new HttpPerson(webUrl).signIn(email)
      const workspace = await owner.must<{ id: string }>("mutation", "workspaces.create", { name: `Load ${index}` })
      const cookies = [owner.cookieHeader()]
      for (let extra = 1; extra < sessions; extra += 1) cookies.push((await new HttpPerson(webUrl).signIn(email)).cookieHeader())
      return { index, workspaceId: workspace.id, cookies }
    })
    people.push(...(await Promise.all(batch)))
  }
  return people
}

/** A tRPC mutation as the person's browser on that web sends it (its session cookie, the web's Origin). */
export async function mutate<T>(webUrl: string, cookie: string, procedure: string, input: unknown): Promise<{ status: number; data?: T; body: string }> {
  const response = await fetch(`${webUrl}/api/trpc/${procedure}`, {
    method: "POST",
    headers: { cookie, origin: webUrl, "content-type": "application/json" },
    body: JSON.stringify(input),
  })
  const body = await response.text()
  if (response.status !== 200) return { status: response.status, body }
  return { status: 200, data: (JSON.parse(body) as { result: { data: T } }).result.data, body }
}

// ---------------------------------------------------------------- process samples

export interface ProcessSample {
  readonly name: string
  readonly pid: number
  readonly rssKb: number
  readonly fds: number
  /** Processes below it (a worker's CLIs and their helpers), with their command names. */
  readonly children: ReadonlyArray<{ readonly pid: number; readonly command: string }>
}

const readOr = <T>(read: () => T, fallback: T): T => {
  try {
    return read()
  } catch {
    return fallback
  }
}

export function sampleProcess(name: string, pid: number): ProcessSample {
  const status = readOr(() => readFileSync(`/proc/${pid}/status`, "utf8"), "")
  const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN)
  const fds = readOr(() => readdirSync(`/proc/${pid}/fd`).length, NaN)
  const children = descendantsOf(pid).map((child) => ({ pid: child, command: readOr(() => readFileSync(`/proc/${child}/comm`, "utf8").trim(), "?") }))
  return { name, pid, rssKb, fds, children }
}

export async function sampleProcesses(load: LoadCluster): Promise<ProcessSample[]> {
  return (await load.processes()).map(({ name, pid }) => sampleProcess(name, pid))
}

// ---------------------------------------------------------------- redis

export interface RedisSample {
  readonly usedMemory: number
  readonly keys: number
  /** Keys with no expiry, by shape (ids replaced by *): what would grow forever if it grew. */
  readonly persistentByShape: Readonly<Record<string, number>>
  readonly streams: number
  readonly streamEntries: number
  readonly longestStream: number
  /** Run streams with no expiry whose run has settled (the policy gives every ended stream a TTL). */
  readonly endedStreamsWithoutTtl: number
}

/** Segments that are ids (our ids, uuids, numbers) become `*`, so key shapes can be counted. */
const keyShape = (key: string) =>
  key
    .split(":")
    .map((part) => (ID_PATTERN.test(part) || /^\d+$/.test(part) || (/^[A-Za-z0-9_-]{16,}$/.test(part) && /\d/.test(part)) ? "*" : part))
    .join(":")

export async function sampleRedis(redis: Redis): Promise<RedisSample> {
  const usedMemory = Number(/used_memory:(\d+)/.exec(await redis.info("memory"))?.[1] ?? NaN)
  const keys: string[] = []
  let cursor = "0"
  do {
    const [next, batch] = await redis.scan(cursor, "COUNT", 1000)
    cursor = next
    keys.push(...batch)
  } while (cursor !== "0")
  const ttls = await inBatches(redis, keys, (pipeline, key) => pipeline.pttl(key))
  const ttlOf = new Map(keys.map((key, index) => [key, ttls[index]]))
  const persistentByShape: Record<string, number> = {}
  for (const key of keys) {
    if (ttlOf.get(key) === -1) persistentByShape[keyShape(key)] = (persistentByShape[keyShape(key)] ?? 0) + 1
  }
  const streamKeys = keys.filter((key) => /^second:run:[^:]+:events$/.test(key))
  const lengths = await inBatches(redis, streamKeys, (pipeline, key) => pipeline.xlen(key))
  // The last entry says whether the run has settled: only then must its stream have an expiry.
  const lasts = await inBatches(redis, streamKeys, (pipeline, key) => pipeline.xrevrange(key, "+", "-", "COUNT", 1))
  let endedStreamsWithoutTtl = 0
  streamKeys.forEach((key, index) => {
    const last = (lasts[index] as Array<[string, string[]]> | undefined)?.[0]
    const settled = last !== undefined && last[1].join(" ").includes('"run.settled"')
    if (settled && ttlOf.get(key) === -1) endedStreamsWithoutTtl += 1
  })
  const numbers = lengths.map(Number)
  return {
    usedMemory,
    keys: keys.length,
    persistentByShape,
    streams: streamKeys.length,
    streamEntries: numbers.reduce((sum, length) => sum + length, 0),
    longestStream: numbers.reduce((max, length) => Math.max(max, length), 0),
    endedStreamsWithoutTtl,
  }
}

type Pipeline = ReturnType<Redis["pipeline"]>

/** One command per key, pipelined 500 at a time; a failed command's result is undefined. */
async function inBatches(redis: Redis, keys: readonly string[], add: (pipeline: Pipeline, key: string) => unknown): Promise<unknown[]> {
  const results: unknown[] = []
  for (let first = 0; first < keys.length; first += 500) {
    const pipeline = redis.pipeline()
    for (const key of keys.slice(first, first + 500)) add(pipeline, key)
    const replies = (await pipeline.exec()) ?? []
    for (const [error, value] of replies) results.push(error ? undefined : value)
  }
  return results
}

// ---------------------------------------------------------------- leaked processes

/** Every process below the workers now, except those in `except` (present before any load). */
export async function workerChildren(load: LoadCluster, except: ReadonlySet<number> = new Set()): Promise<ProcessSample["children"][number][]> {
  const workers = (await load.processes()).filter((process) => process.name.startsWith("worker"))
  return workers.flatMap(({ name, pid }) => sampleProcess(name, pid).children.filter((child) => !except.has(child.pid)))
}

/**
 * Waits until the workers are back to the processes they had before any load: a session's CLI
 * stays until the session has been idle SECOND_SESSION_IDLE_SECONDS, so only what outlives that
 * (and `graceMs` more, for its scope to close) is a leak. Resolves with whatever is left.
 */
export async function leftoverChildren(load: LoadCluster, before: ReadonlySet<number>, graceMs: number) {
  const deadline = Date.now() + (load.settings.sessionIdleSeconds ?? 900) * 1000 + graceMs
  for (;;) {
    const left = await workerChildren(load, before)
    if (left.length === 0 || Date.now() > deadline) return left
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}
