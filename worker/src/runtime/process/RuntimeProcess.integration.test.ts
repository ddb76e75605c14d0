// RuntimeProcess against real misbehaving processes: a crash, a hang that ignores SIGTERM, a
// flood of stderr, and a child that spawns grandchildren (one of them in a process group of its
// own). Afterwards, nothing of the tree may remain, whether it was terminated or its scope closed.

import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Scope, Stream } from "effect"
import { descendantsOf, isAlive } from "./process-tree.ts"
import { ProcessStartError, spawnProcess, STDERR_TAIL_BYTES, type RuntimeProcess } from "./RuntimeProcess.ts"

const env = { PATH: process.env["PATH"] ?? "/usr/bin:/bin" }
const node = (script: string) => spawnProcess({ command: process.execPath, args: ["-e", script], cwd: process.cwd(), env })

const firstLine = (child: RuntimeProcess) =>
  Effect.flatMap(child.nextLine, (line) => (line === null ? Effect.die(new Error("stdout closed before any line")) : Effect.succeed(line)))

/** stdout as a stream of lines, as the adapters read it, until the process closes it. */
const linesOf = (child: RuntimeProcess) =>
  Stream.fromEffectRepeat(child.nextLine).pipe(
    Stream.takeWhile((line) => line !== null),
    Stream.map((line) => line!),
  )

/** Starts three shells of two sleepers each (one shell in a process group of its own), then prints "spawned". */
const TREE_SCRIPT = `const { spawn } = require("node:child_process");
  const sleeper = (detached) => spawn("sh", ["-c", "sleep 300 & sleep 300"], { detached, stdio: "ignore" });
  sleeper(false); sleeper(false); sleeper(true);
  setTimeout(() => console.log("spawned"), 100); setInterval(() => {}, 1000)`

describe("runtime processes", () => {
  it.live("reads stdout line by line and reports a clean exit", () =>
    Effect.gen(function* () {
      const child = yield* node(`console.log("one"); console.log(JSON.stringify({ two: 2 }))`)
      const lines = yield* Stream.runCollect(linesOf(child))
      expect(lines).toEqual(["one", '{"two":2}'])
      expect(yield* child.exited).toEqual({ code: 0, signal: null })
    }))

  it.live("reports a crash with its exit code and what it said on stderr", () =>
    Effect.gen(function* () {
      const child = yield* node(`console.error("boom: the model is unreachable"); process.exit(3)`)
      expect(yield* child.exited).toEqual({ code: 3, signal: null })
      expect(child.stderrTail()).toContain("boom: the model is unreachable")
    }))

  it.live("kills a process that ignores SIGTERM once the grace period is over", () =>
    Effect.gen(function* () {
      const child = yield* node(`process.on("SIGTERM", () => console.log("ignoring")); console.log("ready"); setInterval(() => {}, 1000)`)
      expect(yield* firstLine(child)).toBe("ready")
      const exit = yield* child.terminate(200)
      expect(exit.signal).toBe("SIGKILL")
      expect(isAlive(child.pid)).toBe(false)
    }))

  it.live("keeps only a bounded tail of a stderr flood and still reads stdout", () =>
    Effect.gen(function* () {
      const child = yield* node(
        `const chunk = "x".repeat(64 * 1024); let n = 0;
         const flood = () => { while (n < 320) { n++; if (!process.stderr.write(chunk)) return process.stderr.once("drain", flood) }
           process.stderr.write("last words"); console.log("done") };
         flood()`,
      )
      expect(yield* firstLine(child)).toBe("done")
      yield* child.exited
      expect(child.stderrTail().length).toBeLessThanOrEqual(STDERR_TAIL_BYTES)
      expect(child.stderrTail().endsWith("last words")).toBe(true)
    }))

  it.live("stops the whole tree, grandchildren and a child that left the process group included", () =>
    Effect.gen(function* () {
      const child = yield* node(TREE_SCRIPT)
      expect(yield* firstLine(child)).toBe("spawned")
      const tree = descendantsOf(child.pid)
      expect(tree.length).toBeGreaterThanOrEqual(6)
      yield* child.terminate(500)
      expect([child.pid, ...tree].filter(isAlive)).toEqual([])
    }))

  it.live("stops the whole tree when its scope closes, without a call to terminate", () =>
    Effect.gen(function* () {
      const scope = yield* Scope.make()
      const child = yield* Scope.provide(node(TREE_SCRIPT), scope)
      expect(yield* firstLine(child)).toBe("spawned")
      const tree = descendantsOf(child.pid)
      expect(tree.length).toBeGreaterThanOrEqual(6)
      yield* Scope.close(scope, Exit.void)
      expect([child.pid, ...tree].filter(isAlive)).toEqual([])
    }))

  it.live("survives writing to a process that already died", () =>
    Effect.gen(function* () {
      const child = yield* node(`process.exit(0)`)
      yield* child.exited
      expect(yield* Effect.exit(child.write("hello"))).toEqual(Exit.void)
      expect(() => child.writeLine("hello")).not.toThrow()
    }))

  it.live("says clearly when the command cannot be started", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(spawnProcess({ command: "/nonexistent/claude", args: [], cwd: process.cwd(), env }))
      expect(error).toBeInstanceOf(ProcessStartError)
    }))
})

describe("reading across turns", () => {
  it.live("keeps later lines for the next reader when a reader stops early", () =>
    Effect.gen(function* () {
      const child = yield* node(`console.log("turn 1 a"); console.log("turn 1 end"); console.log("turn 2 a"); console.log("turn 2 end")`)
      const readTurn = linesOf(child).pipe(
        Stream.takeUntil((line) => line.endsWith("end")),
        Stream.runCollect,
      )
      expect(yield* readTurn).toEqual(["turn 1 a", "turn 1 end"])
      expect(yield* readTurn).toEqual(["turn 2 a", "turn 2 end"])
      expect(yield* child.nextLine).toBeNull()
    }))
})
