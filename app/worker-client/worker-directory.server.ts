// Which agent workers this web may call, and in what order: the workers registered in the live
// coordination port (shared/workers/worker-registry.ts), kept to the WORKER_URL allowlist, plus
// listed URLs no registered worker announces (last, load unknown: one WORKER_URL works before and
// without registration). The registry is read on every turn, so one read serves every call for a
// moment; a worker that joins or leaves is seen within that moment plus its heartbeat.

import { createHash } from "node:crypto"
import type { LiveCoordination } from "#shared/live/live.server.ts"
import type { Secret } from "#shared/config/secret.ts"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { liveWorkers, type WorkerAnnouncement } from "#shared/workers/worker-registry.ts"
import type { WorkerDiscovery } from "../config/worker-urls.server.ts"
import { createWorkerClient, type WorkerClient } from "./worker-client.server.ts"

/** One worker the web may call. */
export interface WorkerTarget {
  /** The registry id, or listedWorkerId(origin) for a listed URL that no registered worker announces. */
  readonly id: string
  readonly url: URL
  /** Its latest announcement; null for a listed URL that is not registered (load unknown). */
  readonly announcement: WorkerAnnouncement | null
  readonly client: WorkerClient
}

export interface WorkerDirectory {
  /** Every worker that may hold an app's session or run: registered (draining too), then listed-only. */
  all(): Promise<readonly WorkerTarget[]>
  /**
   * Workers that may take a new turn, best first: not draining, and able to run `runtime` (a
   * worker still detecting its runtimes (`detecting: true`) lists none and is kept, after those
   * that list it; one done detecting that does not list it is left out); among
   * equals the least loaded (active turns over capacity, ties broken at random); listed-only last.
   */
  candidates(runtime?: RuntimeId): Promise<readonly WorkerTarget[]>
  /** A worker of `all()` by id, or null when it is gone (or not allowed). */
  byId(id: string): Promise<WorkerTarget | null>
  /**
   * The best of `candidates` not yet tried, by the loads as they are NOW, and counted into its
   * load at once (synchronously, so a concurrent pick sees it) until the next registry read:
   * without that, every turn of a burst inside one cached read sees the same loads and lands on
   * one worker.
   */
  take(candidates: readonly WorkerTarget[], tried: ReadonlySet<string>, runtime?: RuntimeId): WorkerTarget | undefined
  /** Counts a turn sent to `target` (its session owner) into its load until the next read. */
  noteSent(target: WorkerTarget): void
}

export interface WorkerDirectoryOptions {
  readonly live: LiveCoordination
  /** WORKER_URL's origins; with discovery on, an allowlist when not empty. */
  readonly urls: readonly URL[]
  readonly discovery: WorkerDiscovery
  readonly token: Secret | undefined
  /** How long one registry read serves (default 500 ms). */
  readonly cacheMs?: number
  /** Called when the registry cannot be read; the listed URLs still serve meanwhile. */
  readonly onRegistryError?: (error: unknown) => void
  /**
   * Called on a read that finds workers registered but none WORKER_URL allows (a list spelled
   * otherwise than the workers announce: localhost vs 127.0.0.1): the listed URLs are then called
   * blind, with no load or draining known. The caller decides how often to say so.
   */
  readonly onNoneAllowed?: (registered: readonly WorkerAnnouncement[], listed: readonly URL[]) => void
}

/**
 * The id a listed URL no registered worker announces goes by (in session leases and agent-run
 * keys): its origin spelled as a worker id (shared/workers/worker-registry.ts's pattern).
 */
export function listedWorkerId(origin: string): string {
  const spelled = `listed-${origin.replace(/[^A-Za-z0-9._-]+/g, "-")}`
  return spelled.length <= 200 ? spelled : `listed-${createHash("sha256").update(origin).digest("hex")}`
}

/**
 * Whether `target` is the worker a lease or key names: by id, or, for a listed URL that has
 * registered since, by the id it went by before (same process, so the fence it served holds).
 */
export const answersTo = (target: WorkerTarget, workerId: string) => target.id === workerId || listedWorkerId(target.url.origin) === workerId

const originOf = (value: string): string | null => {
  try {
    const url = new URL(value)
    return url.protocol === "http:" || url.protocol === "https:" ? url.origin : null
  } catch {
    return null
  }
}

const load = (announcement: WorkerAnnouncement, sentSinceRead: number) =>
  (announcement.activeTurns + sentSinceRead) / Math.max(1, announcement.capacity)

/**
 * Still detecting its runtimes (it lists none yet, and may soon list the one asked for). Absent =
 * finished: a worker of a version that does not say has finished by the time it announces.
 */
const detecting = (announcement: WorkerAnnouncement) => announcement.detecting === true

/** Whether `target` may be asked to run `runtime`: listed-only (unknown), listing it, or still detecting. */
const tier = ({ announcement }: WorkerTarget, runtime: RuntimeId | undefined) =>
  announcement === null ? 2 : runtime !== undefined && !announcement.runtimes.includes(runtime) ? 1 : 0

const mayRun = ({ announcement }: WorkerTarget, runtime: RuntimeId | undefined) =>
  runtime === undefined || announcement === null || announcement.runtimes.includes(runtime) || detecting(announcement)

export function createWorkerDirectory(options: WorkerDirectoryOptions): WorkerDirectory {
  const cacheMs = options.cacheMs ?? 500
  const listed = options.urls.map((url) => new URL(url.origin))
  const allowed = new Set(listed.map((url) => url.origin))
  // With discovery off only listed origins are ever called; with it on, any registered one unless
  // WORKER_URL narrows it. The token is never sent anywhere else.
  const mayCall = (origin: string) => (allowed.size > 0 ? allowed.has(origin) : options.discovery === "redis")
  const clients = new Map<string, WorkerClient>()
  const clientFor = (origin: string) => {
    let client = clients.get(origin)
    if (!client) {
      client = createWorkerClient({ baseUrl: new URL(origin), token: options.token })
      clients.set(origin, client)
    }
    return client
  }

  let cached: { readonly at: number; readonly targets: Promise<readonly WorkerTarget[]> } | null = null
  /** Turns sent per worker id since the cached read was made (the read's loads do not show them). */
  let sentSinceRead = new Map<string, number>()
  const sent = (target: WorkerTarget) => sentSinceRead.get(target.id) ?? 0
  const noteSent = (target: WorkerTarget) => sentSinceRead.set(target.id, sent(target) + 1)
  /** By tier (lists the runtime, still detecting, listed-only: these spread at random), then load now. */
  const compareNow = (a: WorkerTarget, b: WorkerTarget, runtime: RuntimeId | undefined) =>
    tier(a, runtime) - tier(b, runtime) ||
    (a.announcement && b.announcement ? load(a.announcement, sent(a)) - load(b.announcement, sent(b)) : 0)
  const read = async (): Promise<readonly WorkerTarget[]> => {
    const announced = await liveWorkers(options.live).catch((error: unknown) => {
      options.onRegistryError?.(error)
      return [] as WorkerAnnouncement[]
    })
    const registered: WorkerTarget[] = []
    for (const announcement of announced) {
      const origin = originOf(announcement.url)
      if (origin === null || !mayCall(origin)) continue
      registered.push({ id: announcement.id, url: new URL(origin), announcement, client: clientFor(origin) })
    }
    if (announced.length > 0 && registered.length === 0) options.onNoneAllowed?.(announced, listed)
    const seen = new Set(registered.map((target) => target.url.origin))
    const unregistered = listed
      .filter((url) => !seen.has(url.origin))
      .map((url) => ({ id: listedWorkerId(url.origin), url, announcement: null, client: clientFor(url.origin) }))
    return [...registered, ...unregistered]
  }
  const all = (): Promise<readonly WorkerTarget[]> => {
    const now = Date.now()
    if (cached === null || now - cached.at >= cacheMs) {
      cached = { at: now, targets: read() }
      sentSinceRead = new Map()
    }
    return cached.targets
  }

  return {
    all,
    async candidates(runtime) {
      const ranked = (await all())
        .filter((target) => target.announcement === null || !target.announcement.draining)
        // A worker done detecting that does not list the runtime cannot run it: asking would only
        // come back runtime_unavailable (or, with [] after detection, never run anything).
        .filter((target) => mayRun(target, runtime))
        .map((target) => ({ target, tie: Math.random() }))
      ranked.sort((a, b) => compareNow(a.target, b.target, runtime) || a.tie - b.tie)
      return ranked.map(({ target }) => target)
    },
    async byId(id) {
      return (await all()).find((target) => answersTo(target, id)) ?? null
    },
    take(candidates, tried, runtime) {
      let best: WorkerTarget | undefined
      // Candidates come with ties already broken at random: the first of equals stays first.
      for (const target of candidates) if (!tried.has(target.id) && (best === undefined || compareNow(target, best, runtime) < 0)) best = target
      if (best) noteSent(best)
      return best
    },
    noteSent,
  }
}
