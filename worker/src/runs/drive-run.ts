// Drives one detached run: every event of the turn is appended, in order, to the run's live
// stream (the web only reads it), the run's lease is kept alive while the turn lasts, and the
// end of the turn is reported to the web with the folded transcript. Nothing here depends on the
// HTTP request that started the run, so a web restart does not interrupt it.

import { StreamAppendConflict, type LiveCoordination } from "#shared/live/live.server.ts"
import type { RunCompletion, RunErrorInfo } from "#shared/runs/internal-api.ts"
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

/** A turn to run detached, as the session routes hand it over. */
export interface DetachedRun {
  readonly appId: string
  readonly runId: string
  readonly runtime: RuntimeId
  readonly leaseMs: number
  readonly events: AsyncIterable<RunEvent>
  /** Stops this run's turn (the worker shuts down, or the web has already ended the run); its events still end as usual. */
  readonly cancel: () => void
}

export interface DriveRunOptions extends DetachedRun {
  readonly live: LiveCoordination
  /** Delivers the completion report; throws when it should be tried again. */
  readonly report: (completion: RunCompletion) => Promise<void>
  readonly warn: (message: string) => void
  /** Backoffs between attempts of a failing write or report (tests shorten them). */
  readonly retryDelaysMs?: readonly number[]
}

/** Why a run fails when its stream cannot be written for longer than the retries last. */
const STREAM_UNAVAILABLE: RunErrorInfo = {
  message: "The run's live stream could not be written (the live store was unreachable), so the turn was stopped. Send the message again.",
  code: "run_stream_unavailable",
  retryable: true,
}

/** Thrown out of the turn's loop when an event could not be written even after retries. */
class StreamWriteFailed extends Error {}

/** About a minute of retries: long enough to ride out a Redis restart or a web deploy. */
const DEFAULT_RETRY_DELAYS_MS = [100, 250, 500, 1_000, 2_000, 4_000, 8_000, 15_000, 30_000]

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function withRetries<T>(delays: readonly number[], attempt: () => Promise<T>): Promise<T> {
  for (let index = 0; ; index += 1) {
    try {
      return await attempt()
    } catch (error) {
      const wait = delays[index]
      // A conflict will not go away by trying again.
      if (wait === undefined || error instanceof StreamAppendConflict) throw error
      await delay(wait)
    }
  }
}

export async function driveRun(options: DriveRunOptions): Promise<void> {
  const { live, runId } = options
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS
  const streamKey = runStreamKey(runId)
  const leaseKey = runLeaseKey(runId)

  let prev: string | null = null
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

  // The web settled the run without us (its lease lapsed, or a stop was not confirmed in time)
  // and ended the stream. Stop the turn while it is still ours to stop — the events are then read
  // to their end, written nowhere — and report nothing: the web has already decided.
  const takeOver = () => {
    if (endedByWeb) return
    endedByWeb = true
    options.warn(`run ${runId}: the web has already ended this run; stopping its turn`)
    options.cancel()
  }

  const refreshLease = () => live.setKey(leaseKey, "worker", { ttlMs: options.leaseMs })
  // Each beat also looks at the stream's last entry, so a turn the web has ended stops even while
  // the runtime is silent (nothing to append, so no refused append to notice it by). Our own
  // terminal event is told apart by the flags, checked after the read: an append of ours sent
  // before the read has set them by the time the read's answer arrives.
  const beat = async () => {
    await refreshLease()
    if (ended || appending || endedByWeb) return
    const endedNow = await runStreamHasEnded(live, runId)
    if (endedNow && !ended && !appending) takeOver()
  }
  // A missed heartbeat is harmless as long as a later one lands before the lease runs out.
  const heartbeat = setInterval(() => void beat().catch(() => undefined), Math.max(250, options.leaseMs / 4))
  heartbeat.unref()

  const append = async (event: RunEvent) => {
    if (endedByWeb) return
    const data = encodeRunStreamRecord({ prev, event })
    appending = true
    try {
      // Linked to the previous entry: an append whose reply was lost (and retried, here or by the
      // Redis client) is written once, and one that finds the web has ended the stream is refused.
      prev = await withRetries(delays, () => live.append(streamKey, data, { maxLength: RUN_STREAM_MAX_LENGTH, expectedLastId: prev }))
    } catch (error) {
      if (!(error instanceof StreamAppendConflict)) throw new StreamWriteFailed("the run's stream could not be written", { cause: error })
      return takeOver()
    } finally {
      appending = false
    }
    transcript = foldEvent(transcript, event)
    if (event.type === "error" && firstError === null) firstError = { message: event.message, code: event.code, retryable: event.retryable }
    if (event.type === "session.started") nativeSessionId = event.sessionId
    if (event.type === "turn.completed") outcome = event.outcome
    if (isTerminalEvent(event)) ended = true
  }

  try {
    await refreshLease().catch(() => undefined)
    try {
      for await (const event of options.events) {
        if (ended) break
        if (event.type === "turn.completed") runtimeOutcome = event.outcome
        await append(event)
      }
    } catch (error) {
      if (error instanceof StreamWriteFailed) throw error
      options.warn(`run ${runId}: the turn failed unexpectedly (${error instanceof Error ? error.name : "error"})`)
      if (!ended) await append({ type: "error", message: "The agent stopped unexpectedly. Try again.", retryable: true, code: "worker_error" })
    }
    if (!ended) await append({ type: "turn.completed", outcome: firstError ? "failed" : outcome })
    if (!endedByWeb) await live.expire(streamKey, RUN_STREAM_TTL_AFTER_END_MS).catch(() => undefined)
  } catch {
    // The stream could not be written even after retries, and leaving the loop has stopped the
    // turn. The report says so, and the web ends the stream for watchers once the store is back
    // (if the report cannot get through either, the reaper fails the run when the lease lapses).
    options.warn(`run ${runId}: could not write the run's event stream`)
    if (runtimeOutcome !== null) {
      // The turn itself had ended; only its last word did not reach the stream.
      outcome = runtimeOutcome
    } else {
      outcome = "failed"
      firstError ??= STREAM_UNAVAILABLE
    }
  }

  try {
    if (endedByWeb) return
    await withRetries(delays, () =>
      options.report({ appId: options.appId, outcome, error: firstError, runtime: options.runtime, nativeSessionId, transcript: [...transcript] }),
    )
  } catch {
    options.warn(`run ${runId}: could not report the end of the turn to the web; its reaper will settle the run`)
  } finally {
    clearInterval(heartbeat)
    await live.deleteKey(leaseKey).catch(() => undefined)
  }
}
