// This worker in the worker registry (shared/workers/worker-registry.ts), and the count of turns
// it runs. Every turn, a builder's message (Sessions) or an app agent's run (AgentRuns), is
// admitted here first: over SECOND_WORKER_CONCURRENCY it is refused as busy, and while the worker
// drains (SIGTERM) as draining, so a web sends it to another worker. The announcement (id, url,
// runtimes, capacity, load, draining) goes into the live port right away, every heartbeat, when
// detection ends, and whenever the load or draining changes; it is withdrawn when the worker
// closes. A failed announcement never stops the worker: the entry simply expires until the next
// one lands, and webs route around it meanwhile; /readyz says it is not ready until then, so an
// orchestrator does not send it traffic it was never registered for.

import { randomBytes } from "node:crypto"
import { Context, Duration, Effect, Latch, Layer, Option, Schedule, Schema, Semaphore } from "effect"
import { HttpServer } from "effect/http"
import { announceWorker, WORKER_HEARTBEAT_MS, withdrawWorker, type WorkerAnnouncement } from "#shared/workers/worker-registry.ts"
import { isLoopbackUrl, WorkerConfig } from "../config/WorkerConfig.ts"
import { redactSecrets } from "../runtime/protocol/redact-secrets.ts"
import { Runtimes } from "../runtime/Runtimes.ts"
import { RunLive } from "../runs/RunLive.ts"

export class WorkerBusyError extends Schema.TaggedError<WorkerBusyError>()("WorkerBusyError", { capacity: Schema.Number }) {
  override get message() {
    return `This agent worker is already running ${this.capacity} turn${this.capacity === 1 ? "" : "s"} at once, its limit (SECOND_WORKER_CONCURRENCY); send the message to another worker, or again shortly.`
  }
}

export class WorkerDrainingError extends Schema.TaggedError<WorkerDrainingError>()("WorkerDrainingError", {}) {
  override get message() {
    return "This agent worker is shutting down: it finishes the turns it has and takes no new ones; send the message to another worker."
  }
}

/** Everything admitting a turn can be refused with. */
export type WorkerAdmitError = WorkerBusyError | WorkerDrainingError

/** A turn's place in the worker's count; released once, however often `release` runs. */
export interface TurnPermit {
  readonly release: Effect.Effect<void>
}

export interface WorkerLoad {
  readonly id: string
  readonly activeTurns: number
  readonly capacity: number
  readonly draining: boolean
}

/**
 * How long one announcement or withdrawal may take: half a heartbeat, so a hung store never holds
 * the next beat. (Schedule.fixed waits a whole interval after a run that took exactly one, so a
 * timeout of a full heartbeat would halve the rate while the store hangs.)
 */
const LIVE_CALL_TIMEOUT = Duration.millis(WORKER_HEARTBEAT_MS / 2)

export class WorkerRegistry extends Context.Service<
  WorkerRegistry,
  {
    readonly id: string
    /**
     * Takes a turn's place, or refuses it (busy, draining) before anything starts. Run it and store
     * the permit in one uninterruptible step (Effect.uninterruptible): the place is counted
     * before the permit is returned, so an interruption in between would lose it for good.
     */
    readonly admit: Effect.Effect<TurnPermit, WorkerAdmitError>
    readonly load: Effect.Effect<WorkerLoad>
    /**
     * Why the worker should get no new turns right now (draining; or, with a live port, no
     * announcement landed yet or the last one failed), as one line for /readyz; null when ready.
     */
    readonly notReady: Effect.Effect<string | null>
    /**
     * Shutdown's first step: refuse new turns, say so in the registry, and wait for the running
     * turns to end, at most SECOND_WORKER_DRAIN_SECONDS. Once it returns the worker is stopping.
     */
    readonly drain: Effect.Effect<void>
    /** The drain is over: a turn stopped from now on was stopped by the shutdown, not by a person. */
    readonly stopping: () => boolean
  }
>()("worker/WorkerRegistry") {
  static readonly layer = Layer.effect(
    WorkerRegistry,
    Effect.gen(function* () {
      const config = yield* WorkerConfig
      const { live } = yield* RunLive
      const runtimes = yield* Runtimes
      const address = (yield* HttpServer.HttpServer).address
      const layerScope = yield* Effect.scope
      const id = `${config.workerName}-${randomBytes(4).toString("hex")}`
      const capacity = config.workerConcurrency
      const startedAt = new Date().toISOString()
      // A derived URL under PORT=0 says port 0: the port the server bound stands for it.
      const url = new URL(config.workerUrl.origin)
      if (url.port === "0" && address._tag !== "UnixPathAddress") url.port = String(address.port)

      let active = 0
      let draining = false
      let stopping = false
      /** Withdrawn: nothing is announced any more. */
      let closed = false
      /** Until runtime detection ends, `runtimes: []` means "not known yet", not "none usable". */
      let detecting = true
      /** Whether the worker is in the registry: its last announcement landed, or not (yet). */
      let registration: "pending" | "landed" | "failing" = "pending"
      /** Open while no turn runs: what the drain waits for. */
      const idle = Latch.makeUnsafe(true)

      const announcement = Effect.map(
        runtimes.usableNow,
        (usable): WorkerAnnouncement => ({
          id,
          url: url.origin,
          name: config.workerName,
          runtimes: [...usable],
          detecting,
          capacity,
          activeTurns: active,
          draining,
          startedAt,
        }),
      )

      // One announcement at a time, each taking its snapshot once it runs: the last one written is
      // always the newest state, whichever of the heartbeat or a change triggered it.
      const writes = yield* Semaphore.make(1)
      let queued = false
      const announce: Effect.Effect<void> = writes.withPermit(
        Effect.gen(function* () {
          queued = false
          if (live === null || closed) return
          const current = yield* announcement
          const written = yield* Effect.tryPromise({ try: () => announceWorker(live, current), catch: (error) => error }).pipe(
            Effect.timeout(LIVE_CALL_TIMEOUT),
            Effect.exit,
          )
          if (written._tag === "Success") {
            if (registration === "failing") yield* Effect.logInfo(`worker ${id}: announcing in the worker registry again`)
            registration = "landed"
          } else if (registration !== "failing") {
            // Once per spell of failures: a store that is down would otherwise log every beat.
            registration = "failing"
            const cause = written.cause.reasons.find((reason) => reason._tag === "Fail")
            const why = cause?._tag === "Fail" ? describe(cause.error) : "interrupted"
            yield* Effect.logWarning(`worker ${id}: could not announce it in the worker registry (${why}); webs route around it until an announcement lands`)
          }
        }),
      )
      /** Announces the new load or state soon, without waiting for it (coalesced while one is queued). */
      const announceSoon = Effect.suspend(() => {
        if (live === null || closed || queued) return Effect.void
        queued = true
        return Effect.asVoid(Effect.forkIn(announce, layerScope))
      })

      if (live === null) {
        yield* Effect.logInfo("No live coordination (REDIS_URL) to announce this worker in: it is reached only at its configured URL.")
      } else {
        // Registered before the heartbeat starts, so it runs after the heartbeat has stopped: no
        // beat can put the entry back once it is withdrawn.
        yield* Effect.addFinalizer(() =>
          writes.withPermit(
            Effect.suspend(() => {
              closed = true
              return Effect.tryPromise({ try: () => withdrawWorker(live, id), catch: (error) => error }).pipe(
                Effect.timeout(LIVE_CALL_TIMEOUT),
                Effect.catch((error) => Effect.logWarning(`worker ${id}: could not withdraw it from the worker registry (${describe(error)}); its entry expires by itself`)),
              )
            }),
          ),
        )
        // A fixed rate, not a gap after each write: gaps added to slow writes would let the entry
        // lapse (WORKER_ANNOUNCEMENT_TTL_MS) while the worker is alive, and every session lease it
        // holds would count as lost. A beat that runs late is followed at once, never by a pile.
        yield* Effect.forkScoped(Effect.repeat(announce, Schedule.fixed(Duration.millis(WORKER_HEARTBEAT_MS))))
        // The runtimes it offers, as soon as they are known rather than at the next beat.
        yield* Effect.forkScoped(
          runtimes.detected.pipe(
            Effect.andThen(Effect.sync(() => void (detecting = false))),
            Effect.andThen(announce),
          ),
        )
        yield* Effect.logInfo(`worker ${id} announces itself at ${url.origin} (capacity ${capacity})`)
        if (config.production && isLoopbackUrl(url)) {
          // Not refused: one machine running everything is a valid deployment, just not a scaled one.
          yield* Effect.logWarning(
            `worker ${id} announces ${url.origin}, a loopback address: webs on other machines cannot reach it. Set SECOND_WORKER_URL to the address they reach this worker at, e.g. SECOND_WORKER_URL=http://10.0.3.7:3001`,
          )
        }
      }

      const release = (released: { done: boolean }) =>
        Effect.suspend(() => {
          if (released.done) return Effect.void
          released.done = true
          active -= 1
          if (active === 0) idle.openUnsafe()
          return announceSoon
        })

      return WorkerRegistry.of({
        id,
        admit: Effect.suspend((): Effect.Effect<TurnPermit, WorkerAdmitError> => {
          // Checked and counted in one synchronous step: two turns cannot both take the last place.
          if (draining) return Effect.fail(new WorkerDrainingError())
          if (active >= capacity) return Effect.fail(new WorkerBusyError({ capacity }))
          active += 1
          idle.closeUnsafe()
          const permit: TurnPermit = { release: release({ done: false }) }
          return Effect.as(announceSoon, permit)
        }),
        load: Effect.sync(() => ({ id, activeTurns: active, capacity, draining })),
        notReady: Effect.sync(() => {
          if (draining) return "draining"
          if (live === null || registration === "landed") return null
          return registration === "pending"
            ? "not registered yet: the first announcement in the worker registry has not landed"
            : "not registered: the worker registry is unreachable (see the worker's log)"
        }),
        drain: Effect.gen(function* () {
          if (draining) return
          draining = true
          const seconds = Math.round(config.drainMs / 1000)
          yield* Effect.logInfo(`worker ${id} draining: taking no new turns; ${active} running, waiting up to ${seconds} s for them`)
          // Said before waiting, so webs stop sending turns here at once.
          yield* announce
          const finished = active === 0 ? Option.some(undefined) : yield* idle.await.pipe(Effect.timeoutOption(Duration.millis(config.drainMs)))
          stopping = true
          if (Option.isSome(finished)) yield* Effect.logInfo(`worker ${id} drained: no turns running`)
          else yield* Effect.logInfo(`worker ${id}: the drain deadline passed with ${active} turn(s) running; stopping them (they end failed, retryable)`)
          yield* announce
        }),
        stopping: () => stopping,
      })
    }),
  )

  /** Admits everything, announces nothing: for tests of the services that admit turns. */
  static readonly layerTest = Layer.sync(WorkerRegistry, () => {
    let active = 0
    return WorkerRegistry.of({
      id: "test-worker",
      admit: Effect.sync(() => {
        active += 1
        let done = false
        return { release: Effect.sync(() => void (done ? undefined : ((done = true), (active -= 1)))) }
      }),
      load: Effect.sync(() => ({ id: "test-worker", activeTurns: active, capacity: Number.MAX_SAFE_INTEGER, draining: false })),
      notReady: Effect.succeed(null),
      drain: Effect.void,
      stopping: () => false,
    })
  })
}

/** A failure's message, without credentials, on one line. */
const describe = (error: unknown) => redactSecrets((error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "").slice(0, 300)
