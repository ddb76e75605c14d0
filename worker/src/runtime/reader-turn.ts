// One turn in a fiber of its own, handing its events to one reader through a bounded queue: the
// shape both a builder's turn (Sessions) and an app agent's run (AgentRuns) take. The work starts
// only once its reader does (a turn nobody reads is dropped after UNSTARTED_TURN); a turn stopped
// from outside ends with the events the caller says; a failure reaches the reader as the stream's
// failure; and the reader leaving stops the turn.

import { Cause, Deferred, Duration, Effect, Exit, Fiber, Option, Queue, Scope, Stream } from "effect"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import { redactSecrets } from "./protocol/redact-secrets.ts"

/** A claimed turn whose events nobody started reading is released after this long. */
const UNSTARTED_TURN = Duration.seconds(30)
/** Events a slow reader may fall behind by before the runtime waits for it. */
const TURN_BUFFER = 256

export interface ReaderTurnOptions {
  /** Who the turn is for, in the log lines of its errors ("run abc (claude)"). */
  readonly label: string
  /** Done first, in the turn's scope, whether or not a reader ever comes (finalizers that must always run). */
  readonly setup?: Effect.Effect<void, never, Scope.Scope>
  /** The turn's events, started once its reader has; what it acquires lives as long as the turn. */
  readonly work: Effect.Effect<Stream.Stream<RunEvent>, never, Scope.Scope>
  /** How a turn stopped from outside before completing ends, decided when it stops. */
  readonly stoppedEvents: () => readonly RunEvent[]
  /** Runs last, however the turn ended. */
  readonly onEnd: Effect.Effect<void>
  /** Forks the turn where its owner keeps its fibers (shutdown interrupts them). */
  readonly fork: (turn: Effect.Effect<void>) => Effect.Effect<Fiber.Fiber<void>>
}

export const readerTurn = Effect.fnUntraced(function* (options: ReaderTurnOptions) {
  const events = yield* Queue.bounded<RunEvent, Cause.Done>(TURN_BUFFER)
  const readerStarted = Deferred.makeUnsafe<void>()
  let completed = false
  const turn = Effect.gen(function* () {
    if (options.setup) yield* options.setup
    const started = yield* Deferred.await(readerStarted).pipe(Effect.timeoutOption(UNSTARTED_TURN))
    if (Option.isNone(started)) return
    const stream = yield* options.work
    yield* stream.pipe(
      Stream.runForEach((event) =>
        Effect.gen(function* () {
          // What the person is told went wrong is in the log too.
          if (event.type === "error") yield* Effect.logWarning(redactSecrets(`${options.label}: ${event.code}: ${event.message}`))
          yield* Queue.offer(events, event)
          // Only once its reader has it: a cancel while it waits still ends the turn as stopped.
          if (event.type === "turn.completed") completed = true
        }),
      ),
    )
  }).pipe(
    Effect.scoped,
    // Stopped mid-turn (cancel, shutdown, the reader gone): the turn ends saying so, after its processes are gone.
    Effect.onExit((exit) =>
      Effect.gen(function* () {
        if (!completed && Exit.hasInterrupts(exit)) yield* Queue.offerAll(events, options.stoppedEvents())
        if (Exit.isFailure(exit) && !Exit.hasInterrupts(exit)) yield* Queue.failCause(events, exit.cause)
        else yield* Queue.end(events)
        yield* options.onEnd
      }),
    ),
  )
  const fiber = yield* options.fork(turn)
  const stream = Stream.fromQueue(events).pipe(
    Stream.onStart(Deferred.succeed(readerStarted, undefined)),
    // The reader went away mid-turn: stop the turn rather than leave it working unread. The queue
    // goes first, so a turn waiting for room in it (a full buffer nobody will read) is not left
    // waiting forever.
    Stream.ensuring(Effect.andThen(Queue.shutdown(events), Fiber.interrupt(fiber))),
  ) as Stream.Stream<RunEvent>
  return { fiber, stream }
})
