// One runtime child process as a scoped resource: spawned in a process group of its own, stdout
// read line by line into a queue, stderr kept only as a bounded tail (a flood cannot grow memory),
// and on release the whole tree — descendants that left the group included — frozen, asked to
// stop, and killed after a grace period. Nothing can stop a process without going through that
// release (or the same `terminate`), so leaving a turn for any reason leaves nothing running.
//
// NOTE: effect/process's ChildProcess signals only the leader's process group, cannot freeze the
// tree, and reports a death by signal only as an error message; docs/decisions/011 says why this
// module wraps node's spawn instead.

import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process"
import { createInterface } from "node:readline"
import { Cause, Deferred, Effect, Exit, Queue, Schedule, Schema, Scope } from "effect"
import { freezeTree, isAlive, signalTree } from "./process-tree.ts"

export interface ProcessSpec {
  readonly command: string
  readonly args: readonly string[]
  readonly cwd: string
  /** The complete environment: nothing of the worker's own leaks in. */
  readonly env: Readonly<Record<string, string>>
}

export interface ProcessExit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

export const STDERR_TAIL_BYTES = 64 * 1024
export const DEFAULT_GRACE_MS = 1_500
/** SIGKILL cannot be refused, but a process stuck in the kernel can take a moment to go. */
const KILL_WAIT_MS = 2_000

export class ProcessStartError extends Schema.TaggedError<ProcessStartError>()("ProcessStartError", {
  command: Schema.String,
  reason: Schema.String,
}) {
  override get message() {
    return `Could not start ${this.command}: ${this.reason}`
  }
}

export interface RuntimeProcess {
  readonly pid: number
  /** The next stdout line; null once the process closed stdout. Turns of one session share it. */
  readonly nextLine: Effect.Effect<string | null>
  /** Writes one line to stdin; a process that died is written to without error. */
  readonly write: (line: string) => Effect.Effect<void>
  /** The same, for a protocol's synchronous transport (Codex's JSON-RPC). */
  readonly writeLine: (line: string) => void
  readonly closeInput: Effect.Effect<void>
  /** The last STDERR_TAIL_BYTES of stderr, for error messages. */
  readonly stderrTail: () => string
  /** Waits for the process to exit. */
  readonly exited: Effect.Effect<ProcessExit>
  /** SIGTERM to the frozen tree, SIGKILL to whatever is left after `graceMs`; done when all are gone. Idempotent. */
  readonly terminate: (graceMs?: number) => Effect.Effect<ProcessExit>
}

/** Polls until `done` holds or `ms` pass; the OS gives no event for a descendant's death. */
const waitUntil = (done: () => boolean, ms: number) =>
  Effect.sync(done).pipe(
    Effect.repeat({ schedule: Schedule.spaced("20 millis"), until: (gone) => gone }),
    Effect.timeoutOption(ms),
    Effect.asVoid,
  )

/** Spawns the process in the current scope; closing the scope terminates its whole tree. */
export const spawnProcess = (spec: ProcessSpec): Effect.Effect<RuntimeProcess, ProcessStartError, Scope.Scope> =>
  Effect.gen(function* () {
    const child = yield* Effect.acquireRelease(
      Effect.callback<ChildProcessWithoutNullStreams, ProcessStartError>((resume) => {
        const started = spawn(spec.command, [...spec.args], {
          cwd: spec.cwd,
          env: { ...spec.env } as NodeJS.ProcessEnv,
          // A group of its own, so one signal reaches everything it starts.
          detached: true,
          stdio: ["pipe", "pipe", "pipe"],
        })
        started.once("error", (error) => resume(Effect.fail(new ProcessStartError({ command: spec.command, reason: error.message }))))
        started.once("spawn", () => resume(Effect.succeed(started)))
      }),
      // Registered first, so it runs last: by then terminate has stopped the tree.
      (started) => Effect.sync(() => started.stdin?.destroy()),
    )
    const pid = child.pid!
    const exit = Deferred.makeUnsafe<ProcessExit>()
    child.once("exit", (code, signal) => Deferred.doneUnsafe(exit, Exit.succeed({ code, signal })))
    // Writing to a process that died must not crash the worker.
    child.stdin.on("error", () => undefined)

    let tail = ""
    child.stderr.setEncoding("utf8")
    child.stderr.on("data", (chunk: string) => {
      tail += chunk
      if (tail.length > STDERR_TAIL_BYTES * 2) tail = tail.slice(-STDERR_TAIL_BYTES)
    })

    // Lines wait here until a turn asks for them, so one turn stopping early loses nothing.
    const lines = yield* Queue.unbounded<string, Cause.Done>()
    const reader = createInterface({ input: child.stdout, crlfDelay: Infinity })
    reader.on("line", (line) => Queue.offerUnsafe(lines, line))
    reader.once("close", () => Queue.endUnsafe(lines))

    const writeLine = (line: string) => {
      if (child.stdin.writable) child.stdin.write(`${line}\n`)
    }

    let knownDescendants: number[] = []
    const everyoneGone = () => !isAlive(pid) && knownDescendants.every((descendant) => !isAlive(descendant))
    const stopTree = (graceMs: number) =>
      Effect.gen(function* () {
        // Freeze first, so nothing forks while the tree is being found (runtimes start shell
        // commands in process groups of their own), then ask everyone to stop and let them run.
        knownDescendants = freezeTree(pid, knownDescendants)
        signalTree(pid, "SIGTERM", knownDescendants)
        signalTree(pid, "SIGCONT", knownDescendants)
        yield* waitUntil(everyoneGone, graceMs)
        if (!everyoneGone()) signalTree(pid, "SIGKILL", knownDescendants)
        yield* waitUntil(everyoneGone, KILL_WAIT_MS)
        return yield* Deferred.await(exit)
      })
    const stopped = Deferred.makeUnsafe<ProcessExit>()
    let stopping = false
    const terminate = (graceMs = DEFAULT_GRACE_MS): Effect.Effect<ProcessExit> =>
      Effect.suspend(() => {
        if (stopping) return Deferred.await(stopped)
        stopping = true
        return Effect.uninterruptible(Effect.exit(stopTree(graceMs)).pipe(Effect.flatMap((done) => Deferred.done(stopped, done)))).pipe(
          Effect.andThen(Deferred.await(stopped)),
        )
      })
    yield* Effect.addFinalizer(() => terminate())

    return {
      pid,
      // The queue fails only with Done: stdout closed.
      nextLine: Queue.take(lines).pipe(Effect.orElseSucceed(() => null)),
      write: (line) => Effect.sync(() => writeLine(line)),
      writeLine,
      closeInput: Effect.sync(() => void child.stdin.end()),
      stderrTail: () => tail.slice(-STDERR_TAIL_BYTES),
      exited: Deferred.await(exit),
      terminate,
    } satisfies RuntimeProcess
  })
