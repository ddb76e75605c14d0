// Drives one detached run: the turn's event stream is consumed into the run's live stream, in
// order (the web only reads it), the run's lease is kept alive by a heartbeat in the same scope,
// and the end of the turn is reported to the web with the folded transcript. Nothing here
// depends on the HTTP request that started the run, so a web restart does not interrupt it.

import { Effect, Schedule, Schema, Stream } from "effect"
import { StreamAppendConflict, type LiveCoordination } from "#shared/live/live.server.ts"
import type { AppSourceAnswer, RunCompletion, RunErrorInfo } from "#shared/runs/internal-api.ts"
import {
  encodeRunStreamRecord,
  isTerminalEvent,
  RUN_STREAM_MAX_LENGTH,
  RUN_STREAM_TTL_AFTER_END_MS,
  runLeaseKey,
  runStreamHasEnded,
  runStreamKey,
} from "#shared/runs/run-stream.ts"
import { foldEvent, type Transcript } from "#shared/runs/transcript.ts"
import type { RunEvent, RuntimeId } from "#shared/runtime/run-event.ts"
import { delaysSchedule } from "../runtime/turn-pipeline.ts"

/** The live store refused or failed a call (unreachable, or an append linked to an entry that is no longer last). */
export class RunStreamError extends Schema.TaggedError<RunStreamError>()("RunStreamError", {
  operation: Schema.String,
  /** Someone else (the web) has written to the stream: trying again cannot help. */
  conflict: Schema.Boolean,
}) {}

/** The web could not be told how the run ended. */
export class RunReportError extends Schema.TaggedError<RunReportError>()("RunReportError", {
  reason: Schema.String,
  /** Trying again cannot help (the report itself is wrong). */
  permanent: Schema.Boolean,
}) {}

/** Everything a detached run can meet on its way (handled inside driveRun, which never fails). */
export type DriveRunError = RunStreamError | RunReportError

/** A turn to run detached, as the session routes hand it over. */
export interface DetachedRun {
  readonly appId: string
  readonly runId: string
  readonly runtime: RuntimeId
  readonly leaseMs: number
  readonly events: Stream.Stream<RunEvent>
  /** Stops this run's turn (the web has already ended the run); its events still end as usual. */
  readonly cancel: Effect.Effect<void>
  /** False for a run that never works on the app's source (an app agent's): its report carries none. */
  readonly reportsSource?: boolean
  /**
   * The stream's last entry when the run is started again after a worker was lost (its stream
   * already holds the first attempt's events): appends link after it instead of expecting an
   * empty stream.
   */
  readonly streamAfterId?: string | null
}

export interface DriveRunOptions extends DetachedRun {
  readonly live: LiveCoordination
  /** Delivers the completion report; fails when it should be tried again. */
  readonly report: (completion: RunCompletion) => Effect.Effect<void, RunReportError>
  readonly warn: (message: string) => Effect.Effect<void>
  /** The app's source once the turn is over, sent with the report (null when it cannot be read). */
  readonly readSource?: Effect.Effect<AppSourceAnswer | null>
  /** Backoffs between attempts of a failing write or report (tests shorten them). */
  readonly retryDelaysMs?: readonly number[]
}

/** Why a run fails when its stream cannot be written for longer than the retries last. */
const STREAM_UNAVAILABLE: RunErrorInfo = {
  message: "The run's live stream could not be written (the live store was unreachable), so the turn was stopped. Send the message again.",
  code: "run_stream_unavailable",
  retryable: true,
}

/** About a minute of retries: long enough to ride out a Redis restart or a web deploy. */
export const DEFAULT_RETRY_DELAYS_MS = [100, 250, 500, 1_000, 2_000, 4_000, 8_000, 15_000, 30_000]

const liveCall = <A>(operation: string, call: () => Promise<A>) =>
  Effect.tryPromise({
    try: call,
    catch: (error) => new RunStreamError({ operation, conflict: error instanceof StreamAppendConflict }),
  })

export const driveRun = (options: DriveRunOptions): Effect.Effect<void> =>
  Effect.scoped(
    Effect.gen(function* () {
      const { live, runId } = options
      const retries = delaysSchedule(options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS)
      const streamKey = runStreamKey(runId)
      const leaseKey = runLeaseKey(runId)

      let prev: string | null = options.streamAfterId ?? null
      let transcript: Transcript = []
      let firstError: RunErrorInfo | null = null
      let nativeSessionId: string | null = null
      let outcome: RunCompletion["outcome"] = "failed"
      let ended = false
      /** How the runtime said the turn ended, whether or not that reached the stream. */
      let runtimeOutcome: RunCompletion["outcome"] | null = null
      let appending = false
      /** The web has ended this run in our place (see takeOver). */
      let endedByWeb = false

      // The web settled the run without us (its lease lapsed, or a stop was not confirmed in
      // time) and ended the stream. Stop the turn while it is still ours to stop — its events are
      // then read to their end, written nowhere — and report nothing: the web has decided.
      const takeOver = Effect.suspend(() => {
        if (endedByWeb) return Effect.void
        endedByWeb = true
        return Effect.andThen(options.warn(`run ${runId}: the web has already ended this run; stopping its turn`), options.cancel)
      })

      const refreshLease = liveCall("refresh the lease", () => live.setKey(leaseKey, "worker", { ttlMs: options.leaseMs }))
      // Each beat also looks at the stream's last entry, so a turn the web has ended stops even
      // while the runtime is silent (nothing to append, so no refused append to notice it by). Our
      // own terminal event is told apart by the flags, checked after the read: an append of ours
      // sent before the read has set them by the time the read's answer arrives.
      const beat = Effect.gen(function* () {
        yield* refreshLease
        if (ended || appending || endedByWeb) return
        const endedNow = yield* liveCall("read the stream's end", () => runStreamHasEnded(live, runId))
        if (endedNow && !ended && !appending) yield* takeOver
      }).pipe(
        // A missed heartbeat is harmless as long as a later one lands before the lease runs out.
        Effect.ignore,
      )

      const append = (event: RunEvent) =>
        Effect.gen(function* () {
          if (endedByWeb) return
          const data = encodeRunStreamRecord({ prev, event })
          appending = true
          // Linked to the previous entry: an append whose reply was lost (and retried, here or by
          // the Redis client) is written once, and one that finds the web has ended the stream is refused.
          const written = yield* liveCall("append", () => live.append(streamKey, data, { maxLength: RUN_STREAM_MAX_LENGTH, expectedLastId: prev })).pipe(
            Effect.retry({ schedule: retries, while: (error) => !error.conflict }),
            Effect.map((id) => ({ id })),
            Effect.catchIf((error) => error.conflict, () => Effect.succeed(null)),
            Effect.ensuring(Effect.sync(() => (appending = false))),
          )
          if (written === null) return yield* takeOver
          prev = written.id
          transcript = foldEvent(transcript, event)
          if (event.type === "error" && firstError === null) firstError = { message: event.message, code: event.code, retryable: event.retryable }
          if (event.type === "session.started") nativeSessionId = event.sessionId
          if (event.type === "turn.completed") outcome = event.outcome
          if (isTerminalEvent(event)) ended = true
        })

      // Last, whatever happens: the lease says a worker is driving the run.
      yield* Effect.addFinalizer(() => Effect.ignore(liveCall("delete the lease", () => live.deleteKey(leaseKey))))
      yield* Effect.ignore(refreshLease)
      yield* Effect.forkScoped(Effect.repeat(beat, Schedule.spaced(Math.max(250, options.leaseMs / 4))))

      const written = yield* Effect.gen(function* () {
        const turn = yield* options.events.pipe(
          Stream.takeWhile(() => !ended),
          Stream.runForEach((event) => {
            if (event.type === "turn.completed") runtimeOutcome = event.outcome
            return append(event)
          }),
          Effect.exit,
        )
        if (turn._tag === "Failure") {
          const unwritable = turn.cause.reasons.some((reason) => reason._tag === "Fail" && reason.error._tag === "RunStreamError")
          if (unwritable) return yield* Effect.failCause(turn.cause)
          yield* options.warn(`run ${runId}: the turn failed unexpectedly`)
          if (!ended) yield* append({ type: "error", message: "The agent stopped unexpectedly. Try again.", retryable: true, code: "worker_error" })
        }
        if (!ended) yield* append({ type: "turn.completed", outcome: firstError ? "failed" : outcome })
        if (!endedByWeb) yield* Effect.ignore(liveCall("expire", () => live.expire(streamKey, RUN_STREAM_TTL_AFTER_END_MS)))
      }).pipe(Effect.exit)

      if (written._tag === "Failure") {
        // The stream could not be written even after retries, and leaving the turn's stream has
        // stopped it. The report says so, and the web ends the stream for watchers once the store
        // is back (if the report cannot get through either, the reaper fails the run when the lease lapses).
        yield* options.warn(`run ${runId}: could not write the run's event stream`)
        if (runtimeOutcome !== null) {
          // The turn itself had ended; only its last word did not reach the stream.
          outcome = runtimeOutcome
        } else {
          outcome = "failed"
          firstError ??= STREAM_UNAVAILABLE
        }
      }

      if (!endedByWeb) {
        const source = options.readSource ? yield* options.readSource : null
        const completion: RunCompletion = { appId: options.appId, outcome, error: firstError, runtime: options.runtime, nativeSessionId, transcript: [...transcript], source }
        yield* options.report(completion).pipe(
          Effect.retry({ schedule: retries, while: (error) => !error.permanent }),
          Effect.catch(() => options.warn(`run ${runId}: could not report the end of the turn to the web; its reaper will settle the run`)),
        )
      }
    }),
  )
