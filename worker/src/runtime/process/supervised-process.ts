// One runtime child process under supervision: its own process group, stdout read line by line,
// stderr kept only as a bounded tail (a flood cannot grow memory), and a terminate that escalates
// from SIGTERM to SIGKILL for the whole tree within a grace period.

import { spawn } from "node:child_process"
import { createInterface, type Interface } from "node:readline"
import { AsyncQueue } from "../async-queue.ts"
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
const KILL_WAIT_MS = 2_000

export interface SupervisedProcess {
  readonly pid: number
  /** The next stdout line; null once the process closed stdout. Turns of one session share it. */
  nextLine(): Promise<string | null>
  /** stdout, one line at a time, until the process closes it. Leaving the loop early loses nothing. */
  readonly lines: AsyncIterable<string>
  write(line: string): boolean
  closeInput(): void
  /** The last STDERR_TAIL_BYTES of stderr, for error messages. */
  stderrTail(): string
  readonly exited: Promise<ProcessExit>
  /** SIGTERM to the tree, SIGKILL to whatever is left after `graceMs`; resolves when all are gone. */
  terminate(graceMs?: number): Promise<ProcessExit>
}

export class ProcessStartError extends Error {
  constructor(command: string, cause: unknown) {
    super(`Could not start ${command}: ${cause instanceof Error ? cause.message : String(cause)}`)
    this.name = "ProcessStartError"
  }
}

export function startProcess(spec: ProcessSpec): Promise<SupervisedProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: { ...spec.env } as NodeJS.ProcessEnv,
      // A group of its own, so one signal reaches everything it starts.
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    })
    let tail = ""
    child.stderr.setEncoding("utf8")
    child.stderr.on("data", (chunk: string) => {
      tail += chunk
      if (tail.length > STDERR_TAIL_BYTES * 2) tail = tail.slice(-STDERR_TAIL_BYTES)
    })
    // Writing to a process that died must not crash the worker.
    child.stdin.on("error", () => undefined)
    const exited = new Promise<ProcessExit>((done) => child.once("exit", (code, signal) => done({ code, signal })))
    let knownDescendants: number[] = []

    child.once("error", (error) => reject(new ProcessStartError(spec.command, error)))
    child.once("spawn", () => {
      const pid = child.pid!
      const queue = lineQueue(createInterface({ input: child.stdout, crlfDelay: Infinity }))
      resolve({
        pid,
        nextLine: queue.next,
        lines: {
          async *[Symbol.asyncIterator]() {
            for (let line = await queue.next(); line !== null; line = await queue.next()) yield line
          },
        },
        write: (line) => child.stdin.writable && child.stdin.write(`${line}\n`),
        closeInput: () => child.stdin.end(),
        stderrTail: () => tail.slice(-STDERR_TAIL_BYTES),
        exited,
        async terminate(graceMs = DEFAULT_GRACE_MS) {
          // Freeze the tree first, so nothing forks while it is being found (runtimes start shell
          // commands in process groups of their own), then ask everyone to stop and let them run.
          knownDescendants = freezeTree(pid, knownDescendants)
          const everyoneGone = () => !isAlive(pid) && knownDescendants.every((descendant) => !isAlive(descendant))
          signalTree(pid, "SIGTERM", knownDescendants)
          signalTree(pid, "SIGCONT", knownDescendants)
          if (everyoneGone()) return exited
          const deadline = Date.now() + graceMs
          while (!everyoneGone() && Date.now() < deadline) await new Promise((resume) => setTimeout(resume, 20))
          if (!everyoneGone()) signalTree(pid, "SIGKILL", knownDescendants)
          // SIGKILL cannot be refused, but a process stuck in the kernel can take a moment to go.
          const killDeadline = Date.now() + KILL_WAIT_MS
          while (!everyoneGone() && Date.now() < killDeadline) await new Promise((resume) => setTimeout(resume, 10))
          return exited
        },
      })
    })
  })
}

/**
 * Lines from readline, buffered until asked for. Unlike readline's own iterator, stopping a
 * `for await` early does not close the stream, so each turn of a session reads where the last
 * one stopped.
 */
function lineQueue(lines: Interface): { next: () => Promise<string | null> } {
  const queue = new AsyncQueue<string>()
  lines.on("line", (line) => queue.push(line))
  lines.once("close", () => queue.end())
  return { next: () => queue.next() }
}
