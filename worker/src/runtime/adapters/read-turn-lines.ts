// Reading one turn from a line-printing runtime (Claude Code, OpenCode): parse each stdout line
// into events until the protocol says the turn ended. When the process dies first, say so: before
// any output it is a start-up failure (retried with backoff), after it a retryable error the
// person sees. Leaving the stream mid-turn stops the process: it must not carry on, or be handed
// the next turn.

import { Effect, Stream } from "effect"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import type { RuntimeProcess } from "../process/RuntimeProcess.ts"
import type { LineParser } from "../protocol/parsed-line.ts"
import { redactSecrets, runtimeStartError, type RuntimeStartError } from "./runtime-adapter.ts"

export interface ReadTurnOptions {
  readonly process: RuntimeProcess
  readonly parser: LineParser
  /** "Claude Code", "OpenCode": used in messages. */
  readonly name: string
  readonly onSessionId: (id: string) => void
  /** Stops the process's whole tree (closes its scope): on leaving mid-turn, and after it died. */
  readonly stopProcess: Effect.Effect<void>
  /** The process is no longer usable for another turn (stopped or exited). */
  readonly onProcessGone: () => void
}

/** The last thing the runtime said on stderr, short and without anything key-like. */
export function lastWords(process: RuntimeProcess): string {
  const lines = process.stderrTail().trim().split("\n").filter((line) => line.trim() !== "")
  return redactSecrets(lines.slice(-3).join(" ").slice(-400)) || "no message"
}

interface Step {
  readonly events: readonly RunEvent[]
  readonly last: boolean
}

export const readTurnLines = (options: ReadTurnOptions): Stream.Stream<RunEvent, RuntimeStartError> =>
  Stream.suspend(() => {
    const { process, parser } = options
    let produced = false
    // Until the turn ends, the process is mid-turn.
    let midTurn = true

    const processDied = Effect.gen(function* () {
      midTurn = false
      const exit = yield* process.exited
      options.onProcessGone()
      // Whatever it started may outlive it.
      yield* options.stopProcess
      const how = exit.code !== null ? `exit code ${exit.code}` : `signal ${exit.signal}`
      if (!produced) return yield* runtimeStartError(`${options.name} stopped before it started (${how}): ${lastWords(process)}`)
      const events: RunEvent[] = [
        { type: "error", message: `${options.name} stopped unexpectedly (${how}): ${lastWords(process)}`, retryable: true, code: "runtime_exited" },
        { type: "turn.completed", outcome: "failed" },
      ]
      return { events, last: true }
    })

    const step: Effect.Effect<Step, RuntimeStartError> = Effect.gen(function* () {
      const line = yield* process.nextLine
      if (line === null) return yield* processDied
      const parsed = parser.parse(line)
      if (parsed.sessionId) options.onSessionId(parsed.sessionId)
      if (parsed.turnEnded) midTurn = false
      if (parsed.events.length > 0) produced = true
      return { events: parsed.events, last: parsed.turnEnded }
    })

    return Stream.fromEffectRepeat(step).pipe(
      Stream.takeUntil((taken) => taken.last),
      Stream.flatMap((taken) => Stream.fromIterable(taken.events)),
      Stream.ensuring(
        Effect.suspend(() => {
          if (!midTurn) return Effect.void
          options.onProcessGone()
          return options.stopProcess
        }),
      ),
    )
  })
