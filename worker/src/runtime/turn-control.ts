// Turn control shared by every runtime: an overall deadline, an idle deadline reset by each event,
// cancellation, and the promise that a turn always ends with exactly one turn.completed, after an
// error event that says what happened when it did not complete.

import type { RunEvent } from "#shared/runtime/run-event.ts"

export interface TurnLimits {
  readonly timeoutMs: number
  readonly idleTimeoutMs: number
}

export type StopReason = "cancelled" | "turn_timeout" | "idle_timeout"

/** How long an adapter may take to stop its processes after being told to. */
const STOP_WAIT_MS = 3_000

const stopEvents = (reason: StopReason, limits: TurnLimits): RunEvent[] => {
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

export async function* controlTurn(
  run: (signal: AbortSignal) => AsyncGenerator<RunEvent>,
  limits: TurnLimits,
  cancel: AbortSignal,
): AsyncGenerator<RunEvent> {
  const controller = new AbortController()
  let reason: StopReason | null = null
  const stop = (why: StopReason) => {
    if (reason !== null) return
    reason = why
    controller.abort(why)
  }
  const onCancel = () => stop("cancelled")
  if (cancel.aborted) onCancel()
  cancel.addEventListener("abort", onCancel, { once: true })
  const overall = setTimeout(() => stop("turn_timeout"), limits.timeoutMs)
  let idle = setTimeout(() => stop("idle_timeout"), limits.idleTimeoutMs)
  const stopped = new Promise<"stopped">((resolve) => controller.signal.addEventListener("abort", () => resolve("stopped"), { once: true }))

  const events = run(controller.signal)
  // Closing the adapter's events runs its own clean-up (stopping its processes); bounded, as a
  // stuck adapter must not hold the turn open.
  let adapterClosed = false
  const closeAdapter = async () => {
    if (adapterClosed) return
    adapterClosed = true
    await Promise.race([events.return(undefined), new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS))])
  }
  let completed = false
  try {
    while (!completed) {
      const next = await Promise.race([events.next(), stopped])
      if (next === "stopped") break
      if (next.done) break
      clearTimeout(idle)
      idle = setTimeout(() => stop("idle_timeout"), limits.idleTimeoutMs)
      if (next.value.type === "turn.completed") completed = true
      yield next.value
    }
    if (reason !== null) {
      // Give the adapter its moment to stop the processes, then say how the turn ended.
      await closeAdapter()
      if (!completed) yield* stopEvents(reason, limits)
    } else if (!completed) {
      yield { type: "error", message: "The runtime stopped before finishing the turn.", retryable: true, code: "runtime_exited" }
      yield { type: "turn.completed", outcome: "failed" }
    }
  } finally {
    clearTimeout(overall)
    clearTimeout(idle)
    cancel.removeEventListener("abort", onCancel)
    if (!completed) {
      // The reader stopped reading mid-turn (a closed HTTP response, a run the web has ended):
      // stop the runtime, and close the adapter's events rather than leave it parked at a yield
      // with its process still working.
      controller.abort("cancelled")
      await closeAdapter()
    }
  }
}

/**
 * A turn's events whose return() — its reader leaving mid-turn — stops the turn at once. On a
 * plain async generator that return() waits behind the pending next(), which a silent runtime may
 * never answer, so the turn (and its claim on the session) would live on unread.
 */
export function stopWhenLeft<T>(turn: AsyncGenerator<T>, stop: () => void): Required<AsyncIterableIterator<T>> {
  const iterator: Required<AsyncIterableIterator<T>> = {
    next: () => turn.next(),
    return: (value?: unknown) => {
      stop()
      return turn.return(value as T)
    },
    throw: (error?: unknown) => {
      stop()
      return turn.throw(error)
    },
    [Symbol.asyncIterator]: () => iterator,
  }
  return iterator
}
