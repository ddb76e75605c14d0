// The web's WorkerClient when there may be several workers: each call goes to the worker that
// should answer it. An app's turns go to the owner of its session lease (shared/workers/
// session-lease.ts) while that owner is live, not draining and runs the turn's runtime; otherwise
// to the least-loaded worker, for which the lease is claimed (fence + 1) first. Every turn carries
// the lease's fence, so a worker can tell that the app may have changed elsewhere since it last
// served it. A worker that is busy, draining or unreachable passes the turn to the next one (and
// a lease claimed for it goes back); only when none is left is the person told, retryably. One
// listed worker without discovery does not use the pool at all (app/services.server.ts).

import type { LiveCoordination } from "#shared/live/live.server.ts"
import { WORKER_BUSY, WORKER_DRAINING } from "#shared/runs/internal-api.ts"
import type { StartAgentRunRequest } from "#shared/runs/agent-runs.ts"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import {
  claimSessionLease,
  readSessionLease,
  SESSION_LEASE_TTL_MS,
  sessionLeaseKey,
  type SeenSessionLease,
  type SessionLease,
} from "#shared/workers/session-lease.ts"
import { WorkerUnavailableError, type StartRunResult, type WorkerClient, type WorkerHealth, type WorkerSessionStatus } from "./worker-client.server.ts"
import { answersTo, type WorkerDirectory, type WorkerTarget } from "./worker-directory.server.ts"

/** Where an agent run's worker is remembered, so a cancel reaches it. */
export const agentRunWorkerKey = (runId: string) => `agent-run:${runId}:worker`
/** Longer than any agent run lives (turn timeouts are well under it). */
export const AGENT_RUN_WORKER_TTL_MS = 6 * 60 * 60 * 1000

export const WORKERS_BUSY: StartRunResult = {
  started: false,
  code: "workers_busy",
  message: "Every agent worker is busy right now. Send the message again in a minute.",
  retryable: true,
}

const NO_SESSION: WorkerSessionStatus = { exists: false, busy: false, runtime: null, nativeSessionId: null, lastActiveAt: null, hasSource: false }

/** The worker cannot run the turn's runtime (not installed, no key there): another worker may. */
const RUNTIME_UNAVAILABLE = "runtime_unavailable"

/** A refusal another worker may not share: pass the turn on. */
const passesOn = (result: StartRunResult) =>
  !result.started && (result.code === WORKER_BUSY || result.code === WORKER_DRAINING || result.code === RUNTIME_UNAVAILABLE)

/** The request never reached the worker, so asking another cannot start the turn twice. */
const unreachable = (error: unknown): error is WorkerUnavailableError => error instanceof WorkerUnavailableError && error.reason === "unreachable"

/**
 * How a sequence of tries ended when none started: busy somewhere, else a worker's own
 * runtime_unavailable answer (it says what to fix), else the last unreachable.
 */
class Attempts {
  private busy = false
  private runtimeUnavailable: StartRunResult | null = null
  private lastError: WorkerUnavailableError | null = null
  readonly tried = new Set<string>()

  refused(target: WorkerTarget, result: StartRunResult) {
    this.tried.add(target.id)
    if (!result.started && result.code === RUNTIME_UNAVAILABLE) this.runtimeUnavailable = result
    else this.busy = true
  }

  unreachable(target: WorkerTarget, error: WorkerUnavailableError) {
    this.tried.add(target.id)
    this.lastError = error
  }

  /** Busy wins (a retry soon will work); all unreachable says so as one worker always did. */
  outcome(): StartRunResult {
    if (this.busy) return WORKERS_BUSY
    if (this.runtimeUnavailable) return this.runtimeUnavailable
    throw this.lastError ?? new WorkerUnavailableError("no worker is registered", "unreachable")
  }
}

/** A worker to try and how; `giveBack` undoes what picking it changed when it does not take the turn. */
interface Picked {
  readonly target: WorkerTarget
  readonly send: () => Promise<StartRunResult>
  readonly giveBack?: () => Promise<void>
}

export interface WorkerPoolOptions {
  readonly live: LiveCoordination
  readonly directory: WorkerDirectory
}

export function createWorkerPool({ live, directory }: WorkerPoolOptions): WorkerClient {
  /**
   * The worker that holds the app's session now, draining or not (it still runs its turns). No
   * lease at all and one worker only: that one (an app from before leases, as it always was).
   */
  const holder = async (appId: string): Promise<WorkerTarget | null> => {
    const { lease, raw } = await readSessionLease(live, appId)
    const all = await directory.all()
    if (lease) return all.find((target) => answersTo(target, lease.workerId)) ?? null
    return raw === null && all.length === 1 ? all[0]! : null
  }

  /**
   * Undoes a claim whose worker did not take the turn (refused, or never reached): the lease goes
   * back to what it was, so the owner with the warm session keeps the app (status, files and
   * cancel still reach it) and apps do not wander while workers are full. Only our own claim is
   * undone: the stored text must still be the lease we wrote (read back, so it is compared exactly
   * as stored), else another web has moved on and its lease stands. A claim on an app that had no
   * lease stays: the port has no delete-if-equal, and there was no session anywhere to lose.
   */
  const giveBack = async (appId: string, seen: SeenSessionLease, claimed: SessionLease) => {
    if (seen.raw === null) return
    const now = await readSessionLease(live, appId)
    if (now.raw === null || now.lease?.workerId !== claimed.workerId || now.lease.fence !== claimed.fence) return
    await live.compareAndSetKey(sessionLeaseKey(appId), now.raw, seen.raw, { ttlMs: SESSION_LEASE_TTL_MS })
  }

  /**
   * The worker for the app's next turn and the fence to send: the owner when it may take it,
   * else the first untried candidate, for which the lease is claimed. A claim lost to another web
   * follows the winner when it may take the turn, else claims again from what the winner wrote.
   * `giveBack` undoes this route's claim when its worker does not take the turn.
   */
  const route = async (appId: string, candidates: readonly WorkerTarget[], tried: ReadonlySet<string>, runtime: RuntimeId) => {
    for (let attempt = 0; attempt <= candidates.length + 2; attempt += 1) {
      const seen = await readSessionLease(live, appId)
      const owner = seen.lease ? candidates.find((target) => answersTo(target, seen.lease!.workerId) && !tried.has(target.id)) : undefined
      if (owner) {
        // Each turn keeps the lease from expiring: a lease that lapsed would start a new lineage of
        // fences, and the owner would resync an app it holds current.
        directory.noteSent(owner)
        await live.expire(sessionLeaseKey(appId), SESSION_LEASE_TTL_MS)
        return { target: owner, fence: seen.lease!.fence, giveBack: async () => {} }
      }
      const next = directory.take(candidates, tried, runtime)
      if (!next) return null
      const claimed: SessionLease | null = await claimSessionLease(live, appId, seen, next.id)
      if (claimed) return { target: next, fence: claimed.fence, giveBack: () => giveBack(appId, seen, claimed) }
    }
    return null
  }

  /** Tries candidates in order with `send` until one starts the turn or gives a final answer. */
  const firstThatTakes = async (
    candidates: readonly WorkerTarget[],
    pick: (tried: ReadonlySet<string>) => Promise<Picked | null>,
  ): Promise<StartRunResult> => {
    const attempts = new Attempts()
    for (let tries = 0; tries < candidates.length; tries += 1) {
      const picked = await pick(attempts.tried)
      if (!picked) break
      try {
        const result = await picked.send()
        if (!passesOn(result)) return result
        attempts.refused(picked.target, result)
      } catch (error) {
        if (!unreachable(error)) throw error
        attempts.unreachable(picked.target, error)
      }
      // The turn did not start there: a failure to give the lease back leaves it with that worker
      // (as if it had been asked last), which is no reason to fail the turn.
      await picked.giveBack?.().catch(() => undefined)
    }
    return attempts.outcome()
  }

  /** The first of `targets` that answers `ask`; the last failure when none does. */
  const firstAnswer = async <A>(targets: readonly WorkerTarget[], ask: (client: WorkerClient) => Promise<A>): Promise<A> => {
    let failure: unknown = new WorkerUnavailableError("no worker is registered", "unreachable")
    for (const target of targets) {
      try {
        return await ask(target.client)
      } catch (error) {
        failure = error
      }
    }
    throw failure
  }

  /** Workers to ask about runtimes and health: those taking turns, else any. */
  const answering = async (runtime?: RuntimeId) => {
    const candidates = await directory.candidates(runtime)
    return candidates.length > 0 ? candidates : directory.all()
  }

  return {
    async health(): Promise<WorkerHealth> {
      let answer: WorkerHealth = "unreachable"
      for (const target of await answering()) {
        const health = await target.client.health()
        if (health === "ok") return health
        if (health === "unauthorized") answer = health
      }
      return answer
    },

    async runtimes() {
      return firstAnswer(await answering(), (client) => client.runtimes())
    },

    async startRun(appId, request) {
      const candidates = await directory.candidates(request.runtime)
      return firstThatTakes(candidates, async (tried) => {
        const routed = await route(appId, candidates, tried, request.runtime)
        if (!routed) return null
        return { target: routed.target, giveBack: routed.giveBack, send: () => routed.target.client.startRun(appId, { ...request, sessionFence: routed.fence }) }
      })
    },

    async status(appId) {
      const target = await holder(appId)
      return target ? target.client.status(appId) : NO_SESSION
    },

    async cancel(appId, runId) {
      const target = await holder(appId)
      return target ? target.client.cancel(appId, runId) : { cancelled: false }
    },

    async files(appId) {
      const target = await holder(appId)
      // No worker holds the app: its source is the last snapshot, as when the worker is unreachable.
      if (!target) throw new WorkerUnavailableError("no worker holds this app", "unreachable")
      return target.client.files(appId)
    },

    async destroy(appId) {
      const [{ lease }, all] = await Promise.all([readSessionLease(live, appId), directory.all()])
      const results = await Promise.allSettled(all.map((target) => target.client.destroy(appId)))
      const failed = (index: number) => results[index]?.status === "rejected"
      const ownerIndex = lease ? all.findIndex((target) => answersTo(target, lease.workerId)) : -1
      // The owner holds the app's files: if it could not be reached, the app is not deleted yet.
      // Without a known owner, one worker that answered is enough (the others hold nothing of it).
      const mustFail = ownerIndex >= 0 ? failed(ownerIndex) : all.length > 0 && all.every((_, index) => failed(index))
      if (mustFail) {
        const rejected = results[ownerIndex >= 0 ? ownerIndex : 0] as PromiseRejectedResult
        throw rejected.reason
      }
      await live.deleteKey(sessionLeaseKey(appId)).catch(() => undefined)
    },

    async startAgentRun(request: StartAgentRunRequest) {
      const candidates = await directory.candidates(request.runtime)
      return firstThatTakes(candidates, async (tried) => {
        const target = directory.take(candidates, tried, request.runtime)
        if (!target) return null
        // Written before the call: a start that times out may still run there, and the cancel
        // that follows has to find it.
        const send = async () => {
          await live.setKey(agentRunWorkerKey(request.runId), target.id, { ttlMs: AGENT_RUN_WORKER_TTL_MS })
          return target.client.startAgentRun(request)
        }
        return { target, send }
      })
    },

    async cancelAgentRun(runId) {
      const workerId = await live.getKey(agentRunWorkerKey(runId))
      const target = workerId === null ? null : await directory.byId(workerId)
      if (target) return target.client.cancelAgentRun(runId)
      // Not known (or gone): whoever runs it stops it; the others answer that they have no such run.
      const answers = await Promise.allSettled((await directory.all()).map((other) => other.client.cancelAgentRun(runId)))
      if (answers.some((answer) => answer.status === "fulfilled" && answer.value.cancelled)) return { cancelled: true }
      const rejected = answers.find((answer): answer is PromiseRejectedResult => answer.status === "rejected")
      if (rejected && answers.every((answer) => answer.status === "rejected")) throw rejected.reason
      return { cancelled: false }
    },
  }
}
