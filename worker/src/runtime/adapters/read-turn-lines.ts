// Reading one turn from a line-printing runtime (Claude Code, OpenCode): parse each stdout line
// into events until the protocol says the turn ended. On abort, stop the process tree. When the
// process dies first, say so: before any output it is a start-up failure (retried with backoff),
// after it a retryable error the person sees.

import type { RunEvent } from "#shared/runtime/run-event.ts"
import type { SupervisedProcess } from "../process/supervised-process.ts"
import type { LineParser } from "../protocol/parsed-line.ts"
import { redactSecrets, RuntimeStartError } from "./runtime-adapter.ts"

export interface ReadTurnOptions {
  readonly process: SupervisedProcess
  readonly parser: LineParser
  readonly signal: AbortSignal
  /** "Claude Code", "OpenCode": used in messages. */
  readonly name: string
  readonly onSessionId: (id: string) => void
  /** The process is no longer usable for another turn (stopped or exited). */
  readonly onProcessGone: () => void
}

const STOPPED = Symbol("stopped")

/** The last thing the runtime said on stderr, short and without anything key-like. */
export function lastWords(process: SupervisedProcess): string {
  const lines = process.stderrTail().trim().split("\n").filter((line) => line.trim() !== "")
  return redactSecrets(lines.slice(-3).join(" ").slice(-400)) || "no message"
}

export async function* readTurnLines(options: ReadTurnOptions): AsyncGenerator<RunEvent> {
  const { process, parser, signal } = options
  const stopped = new Promise<typeof STOPPED>((resolve) => {
    if (signal.aborted) resolve(STOPPED)
    signal.addEventListener("abort", () => resolve(STOPPED), { once: true })
  })
  let produced = false
  // Until the turn ends, the process is mid-turn: if the reader stops early (closes this
  // generator at a yield), the process must not be left to carry on, or be handed the next turn.
  let midTurn = true
  try {
    for (;;) {
      const line = await Promise.race([process.nextLine(), stopped])
      if (line === STOPPED) break
      if (line === null) {
        midTurn = false
        const exit = await process.exited
        options.onProcessGone()
        const how = exit.code !== null ? `exit code ${exit.code}` : `signal ${exit.signal}`
        if (!produced) throw new RuntimeStartError(`${options.name} stopped before it started (${how}): ${lastWords(process)}`)
        yield { type: "error", message: `${options.name} stopped unexpectedly (${how}): ${lastWords(process)}`, retryable: true, code: "runtime_exited" }
        yield { type: "turn.completed", outcome: "failed" }
        return
      }
      const parsed = parser.parse(line)
      if (parsed.sessionId) options.onSessionId(parsed.sessionId)
      if (parsed.turnEnded) midTurn = false
      for (const event of parsed.events) {
        produced = true
        yield event
      }
      if (parsed.turnEnded) return
    }
  } finally {
    if (midTurn) {
      options.onProcessGone()
      await process.terminate()
    }
  }
}
