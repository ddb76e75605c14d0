// The rules every turn follows, whatever the runtime: an overall deadline, an idle deadline reset
// by each event, the end of a turn at an approval stop, and the promise that a turn ends with
// exactly one turn.completed, after an error event that says what happened when it did not
// complete. Deadlines and approval stops end the runtime's stream, and leaving that stream is
// what stops its processes (they are resources of its scope).

import { Duration, Effect, Schedule, Schema, Stream } from "effect"
import { isApprovalStop } from "#shared/mcp/tool-names.ts"
import { WORKER_RESTARTING } from "#shared/runs/internal-api.ts"
import type { RunEvent } from "#shared/runtime/run-event.ts"

export interface TurnLimits {
  readonly timeoutMs: number
  readonly idleTimeoutMs: number
}

export type StopReason = "cancelled" | "turn_timeout" | "idle_timeout"

/** How a turn stopped from outside ends in its stream. */
export const stopEvents = (reason: StopReason, limits: TurnLimits): RunEvent[] => {
  if (reason === "cancelled") return [{ type: "turn.completed", outcome: "cancelled" }]
  const message =
    reason === "turn_timeout"
      ? `The turn took longer than ${Math.round(limits.timeoutMs / 1000)} s and was stopped.`
      : `The runtime said nothing for ${Math.round(limits.idleTimeoutMs / 1000)} s and was stopped.`
  return [
    { type: "error", message, retryable: true, code: reason },
    { type: "turn.completed", outcome: "failed" },
  ]
}

/**
 * How a builder turn ends when the worker's shutdown stopped it (its drain deadline passed): a
 * retryable failure the web sends again (to another worker), not a cancel nobody asked for.
 */
export const WORKER_RESTARTED: readonly RunEvent[] = [
  { type: "error", message: "The agent worker restarted during this message. Send it again.", retryable: true, code: WORKER_RESTARTING },
  { type: "turn.completed", outcome: "failed" },
]

/** A runtime that still would not start after its retries: the turn ends with a retryable error saying why. */
export const startFailedTurn = (error: { readonly message: string }): Stream.Stream<RunEvent> =>
  Stream.make<RunEvent[]>(
    { type: "error", message: error.message, retryable: true, code: "runtime_start_failed" },
    { type: "turn.completed", outcome: "failed" },
  )

const RUNTIME_EXITED: RunEvent[] = [
  { type: "error", message: "The runtime stopped before finishing the turn.", retryable: true, code: "runtime_exited" },
  { type: "turn.completed", outcome: "failed" },
]

class TurnDeadlineError extends Schema.TaggedError<TurnDeadlineError>()("TurnDeadlineError", {}) {}

/** Bounds a runtime's turn by the limits, and makes sure it ends with one turn.completed. */
export const superviseTurn = <E>(turn: Stream.Stream<RunEvent, E>, limits: TurnLimits): Stream.Stream<RunEvent, E> =>
  Stream.suspend(() => {
    let completed = false
    const bounded = turn.pipe(
      Stream.takeUntil((event) => event.type === "turn.completed"),
      Stream.timeoutOrElse({
        duration: Duration.millis(limits.idleTimeoutMs),
        orElse: () => Stream.fromIterable(stopEvents("idle_timeout", limits)),
      }),
      Stream.interruptWhen(Effect.andThen(Effect.sleep(Duration.millis(limits.timeoutMs)), Effect.fail(new TurnDeadlineError()))),
      Stream.catchTag("TurnDeadlineError", () => Stream.fromIterable(stopEvents("turn_timeout", limits))),
      Stream.tap((event) =>
        Effect.sync(() => {
          if (event.type === "turn.completed") completed = true
        }),
      ),
    ) as Stream.Stream<RunEvent, E>
    return Stream.concat(bounded, Stream.suspend(() => (completed ? Stream.empty : Stream.fromIterable(RUNTIME_EXITED))))
  })

/**
 * Ends the turn once an approval stop (present_plan, present_suggestions, by canonical name) has
 * returned without error, so the person answers next instead of the model carrying on. Calls the
 * model made alongside it (naming the app, say) are let finish first; a call started after it is
 * not run: the turn ends before it, and the runtime's stream is left. A failed approval call does
 * not stop the turn (the model may try again), and after the runtime's own turn.completed nothing
 * changes.
 */
export const endAtApprovalStop = <E, R>(events: Stream.Stream<RunEvent, E, R>): Stream.Stream<RunEvent, E, R> =>
  events.pipe(
    Stream.mapAccum(
      (): ApprovalWatch => ({ approvals: new Set(), open: new Set(), stopping: false, over: false }),
      (watch, event): readonly [ApprovalWatch, ReadonlyArray<Step>] => {
        if (watch.over) return [watch, [{ event, last: false }]]
        if (event.type === "turn.completed") return [{ ...watch, over: true }, [{ event, last: false }]]
        // The model went on after its plan: end the turn here, before the new call runs.
        if (watch.stopping && event.type === "tool.started") return [watch, [{ event: COMPLETED, last: true }]]
        if (event.type === "tool.started") {
          watch.open.add(event.callId)
          if (isApprovalStop(event.name)) watch.approvals.add(event.callId)
        }
        if (event.type === "tool.result") {
          watch.open.delete(event.callId)
          if (!event.isError && watch.approvals.has(event.callId)) watch.stopping = true
        }
        const end = watch.stopping && watch.open.size === 0
        return [watch, end ? [{ event, last: false }, { event: COMPLETED, last: true }] : [{ event, last: false }]]
      },
    ),
    Stream.takeUntil((step: Step) => step.last),
    Stream.map((step: Step) => step.event),
  )

const COMPLETED: RunEvent = { type: "turn.completed", outcome: "completed" }

interface ApprovalWatch {
  /** Calls of approval-stop tools in this turn, by callId. */
  readonly approvals: Set<string>
  /** Calls started and not yet returned. */
  readonly open: Set<string>
  /** An approval stop has returned: the turn ends once the calls still open have returned. */
  stopping: boolean
  /** The runtime ended the turn itself: from then on events pass as they are. */
  readonly over: boolean
}

interface Step {
  readonly event: RunEvent
  /** The stream ends after this event. */
  readonly last: boolean
}

/** A schedule that waits the given delays in turn, then gives up: the retry limits, written down once. */
export const delaysSchedule = (delaysMs: readonly number[]) =>
  Schedule.recurs(delaysMs.length).pipe(
    Schedule.modifyDelay((metadata) => Effect.succeed(Duration.millis(delaysMs[Math.min(metadata.attempt, delaysMs.length) - 1] ?? 0))),
  )
