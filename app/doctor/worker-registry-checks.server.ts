// Which workers the doctor asks, and what it says about the worker registry in Redis: a registered
// worker the WORKER_URL allowlist leaves out (the web never calls it), a listed URL no registered
// worker announces (the web calls it blind: no load, no draining), two workers announcing one URL
// (a copied SECOND_WORKER_URL: turns meant for one reach the other), a worker whose /health
// answers with another worker's id, and workers draining. Mirrors app/worker-client/
// worker-directory.server.ts, so the doctor asks exactly the workers the web would call.

import { Schema } from "effect"
import type { Secret } from "#shared/config/secret.ts"
import { WorkerHealthReport } from "#shared/runs/internal-api.ts"
import { createRedisLive } from "#shared/live/redis-live.server.ts"
import { liveWorkers, type WorkerAnnouncement } from "#shared/workers/worker-registry.ts"
import { getWithDeadline, reasonOf, withDeadline } from "./bounded.server.ts"
import { fail, pass, type CheckLine } from "./check-line.server.ts"

/** A worker the doctor asks: registered (with its announcement) or only listed in WORKER_URL. */
export interface DoctorWorker {
  readonly url: URL
  readonly announcement: WorkerAnnouncement | null
}

/** How a worker is named in a line: its name (and id when they differ) and its URL. */
export const workerLabel = ({ url, announcement }: DoctorWorker) =>
  announcement === null ? `the worker at ${url.origin}` : `${announcement.name === announcement.id ? announcement.id : `${announcement.name} (${announcement.id})`} at ${url.origin}`

const named = (announcement: WorkerAnnouncement) => `${announcement.id} (${announcement.url})`

/** Every worker registered in Redis, draining ones too, read within the deadline. */
export async function registeredWorkers(redisUrl: Secret, timeoutMs: number): Promise<{ readonly workers: WorkerAnnouncement[] } | { readonly problem: string }> {
  const opening = createRedisLive({ url: redisUrl.reveal(), connectionName: "second-doctor" })
  try {
    const live = await withDeadline(opening, timeoutMs, "Redis")
    try {
      return { workers: await withDeadline(liveWorkers(live), timeoutMs, "Redis") }
    } finally {
      await live.close()
    }
  } catch (error) {
    // A connection that opens after the deadline is closed as soon as it does.
    opening.then((live) => live.close()).catch(() => undefined)
    return { problem: reasonOf(error) }
  }
}

export interface WorkerPlan {
  /** The workers to probe: registered and allowed and not draining, then listed URLs no one announces. */
  readonly workers: readonly DoctorWorker[]
  /** Registered workers that are draining (not probed: they take no new turns). */
  readonly draining: readonly WorkerAnnouncement[]
  /** Lines about the registry itself (allowlist, duplicates, draining); none without a registry read. */
  readonly lines: readonly CheckLine[]
}

const REGISTRY_ITEM = "Registered workers match WORKER_URL"
const DUPLICATE_ITEM = "Each registered worker announces its own URL"

/**
 * `listed`: WORKER_URL's origins ([] when unset). `registry`: the registered workers, or null when
 * the web would not use the registry (discovery off and at most one listed URL: called directly).
 */
export function planWorkers(listed: readonly URL[], discovery: boolean, registry: readonly WorkerAnnouncement[] | null): WorkerPlan {
  if (registry === null) return { workers: listed.map((url) => ({ url, announcement: null })), draining: [], lines: [] }
  const allowed = new Set(listed.map((url) => url.origin))
  const mayCall = (origin: string) => (allowed.size > 0 ? allowed.has(origin) : discovery)
  const inList = registry.filter((worker) => mayCall(worker.url))
  const announced = new Set(registry.map((worker) => worker.url))
  const lines: CheckLine[] = []

  if (allowed.size > 0) {
    const outside = registry.filter((worker) => !allowed.has(worker.url))
    const unannounced = listed.filter((url) => !announced.has(url.origin))
    const problems = [
      ...outside.map((worker) => `${named(worker)} is registered but not in WORKER_URL`),
      // Without discovery a listed URL no one announces still works (load unknown); with it, it is
      // almost always a spelling the workers do not use (localhost vs 127.0.0.1, a service name).
      ...(discovery ? unannounced.map((url) => `${url.origin} is in WORKER_URL but no registered worker announces it`) : []),
    ]
    if (problems.length > 0) {
      const fix = [
        outside.length > 0
          ? `List the URL each worker announces (its SECOND_WORKER_URL) in WORKER_URL, or ${discovery ? "leave WORKER_URL unset to use every registered worker" : "turn discovery on (SECOND_WORKER_DISCOVERY=redis)"}.`
          : "",
        discovery && unannounced.length > 0 ? "Spell each WORKER_URL entry exactly as a worker's SECOND_WORKER_URL (host and port), or remove it." : "",
      ].filter((part) => part !== "")
      lines.push(fail(REGISTRY_ITEM, `${problems.join("; ")} (registered: ${registry.map(named).join(", ") || "none"})`, fix.join(" ")))
    } else {
      lines.push(pass(REGISTRY_ITEM, `every registered worker is listed: ${registry.map(named).join(", ") || "none registered"}`))
    }
  }

  const byUrl = new Map<string, WorkerAnnouncement[]>()
  for (const worker of registry) byUrl.set(worker.url, [...(byUrl.get(worker.url) ?? []), worker])
  const shared = [...byUrl.entries()].filter(([, workers]) => workers.length > 1)
  if (shared.length > 0) {
    lines.push(
      fail(
        DUPLICATE_ITEM,
        shared.map(([url, workers]) => `${workers.map((worker) => (worker.name === worker.id ? worker.id : `${worker.id} (${worker.name})`)).join(" and ")} all announce ${url}`).join("; "),
        "Give each worker its own SECOND_WORKER_URL (the address the webs reach that worker at), and restart it.",
      ),
    )
  }

  const draining = inList.filter((worker) => worker.draining)
  // One worker per URL: a duplicate is reported above, and probing the URL twice proves nothing more.
  const seen = new Set<string>()
  const workers: DoctorWorker[] = []
  for (const worker of inList) {
    if (worker.draining || seen.has(worker.url)) continue
    seen.add(worker.url)
    workers.push({ url: new URL(worker.url), announcement: worker })
  }
  for (const url of listed) if (!announced.has(url.origin)) workers.push({ url, announcement: null })
  return { workers, draining, lines }
}

/** The line naming draining workers, which the doctor does not probe (they take no new turns). */
export const drainingNote = (draining: readonly WorkerAnnouncement[]) =>
  draining.length === 0 ? "" : ` (draining, not asked: ${draining.map(named).join(", ")})`

/**
 * What the worker at a registered URL says its id is (GET /health, authenticated like /runtimes);
 * null when it does not say (an older worker, a refused token, no answer: the token line reports those).
 */
export async function healthId(url: URL, token: string | undefined, timeoutMs: number): Promise<string | null> {
  try {
    const answer = await getWithDeadline(new URL("/health", url), timeoutMs, token === undefined ? {} : { authorization: `Bearer ${token}` })
    if (answer.status !== 200) return null
    const decoded = decodeHealth(parseJson(answer.body))
    return decoded._tag === "Success" ? decoded.value.id : null
  } catch {
    return null
  }
}

const decodeHealth = Schema.decodeUnknownExit(WorkerHealthReport)

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** ✗ for each registered worker whose URL answers as another worker. */
export function identityLine(checked: ReadonlyArray<{ readonly worker: DoctorWorker; readonly answeredAs: string | null }>): CheckLine | null {
  const registered = checked.filter(({ worker }) => worker.announcement !== null)
  if (registered.length === 0) return null
  const wrong = registered.filter(({ worker, answeredAs }) => answeredAs !== null && answeredAs !== worker.announcement!.id)
  if (wrong.length === 0) return pass("Each registered worker answers at its own URL", `${registered.length} checked by GET /health`)
  return fail(
    "Each registered worker answers at its own URL",
    wrong.map(({ worker, answeredAs }) => `${worker.announcement!.id} announces ${worker.url.origin}, but the worker at ${worker.url.origin} answers as ${answeredAs}`).join("; "),
    `Set ${wrong.map(({ worker }) => worker.announcement!.name).join(", ")}'s SECOND_WORKER_URL to the address the webs reach that worker at (each worker its own), and restart it.`,
  )
}
