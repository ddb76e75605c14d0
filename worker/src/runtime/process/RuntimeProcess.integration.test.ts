// The supervisor against real misbehaving processes: a crash, a hang that ignores SIGTERM, a
// flood of stderr, and a child that spawns grandchildren (one of them in a process group of its
// own). Afterwards, nothing of the tree may remain.

import { describe, expect, it } from "vitest"
import { descendantsOf, isAlive } from "./process-tree.ts"
import { ProcessStartError, startProcess, STDERR_TAIL_BYTES, type SupervisedProcess } from "./supervised-process.ts"

const env = { PATH: process.env["PATH"] ?? "/usr/bin:/bin" }
const node = (script: string) => startProcess({ command: process.execPath, args: ["-e", script], cwd: process.cwd(), env })

async function firstLine(child: SupervisedProcess): Promise<string> {
  for await (const line of child.lines) return line
  throw new Error("stdout closed before any line")
}

describe("supervised processes", () => {
  it("reads stdout line by line and reports a clean exit", async () => {
    const child = await node(`console.log("one"); console.log(JSON.stringify({ two: 2 }))`)
    const lines: string[] = []
    for await (const line of child.lines) lines.push(line)
    expect(lines).toEqual(["one", '{"two":2}'])
    expect(await child.exited).toEqual({ code: 0, signal: null })
  })

  it("reports a crash with its exit code and what it said on stderr", async () => {
    const child = await node(`console.error("boom: the model is unreachable"); process.exit(3)`)
    expect(await child.exited).toEqual({ code: 3, signal: null })
    expect(child.stderrTail()).toContain("boom: the model is unreachable")
  })

  it("kills a process that ignores SIGTERM once the grace period is over", async () => {
    const child = await node(`process.on("SIGTERM", () => console.log("ignoring")); console.log("ready"); setInterval(() => {}, 1000)`)
    expect(await firstLine(child)).toBe("ready")
    const exit = await child.terminate(200)
    expect(exit.signal).toBe("SIGKILL")
    expect(isAlive(child.pid)).toBe(false)
  })

  it("keeps only a bounded tail of a stderr flood and still reads stdout", async () => {
    const child = await node(
      `const chunk = "x".repeat(64 * 1024); let n = 0;
       const flood = () => { while (n < 320) { n++; if (!process.stderr.write(chunk)) return process.stderr.once("drain", flood) }
         process.stderr.write("last words"); console.log("done") };
       flood()`,
    )
    expect(await firstLine(child)).toBe("done")
    await child.exited
    expect(child.stderrTail().length).toBeLessThanOrEqual(STDERR_TAIL_BYTES)
    expect(child.stderrTail().endsWith("last words")).toBe(true)
  })

  it("stops the whole tree, grandchildren and a child that left the process group included", async () => {
    const child = await node(
      `const { spawn } = require("node:child_process");
       const sleeper = (detached) => spawn("sh", ["-c", "sleep 300 & sleep 300"], { detached, stdio: "ignore" });
       sleeper(false); sleeper(false); sleeper(true);
       setTimeout(() => console.log("spawned"), 100); setInterval(() => {}, 1000)`,
    )
    expect(await firstLine(child)).toBe("spawned")
    const tree = descendantsOf(child.pid)
    expect(tree.length).toBeGreaterThanOrEqual(6)
    await child.terminate(500)
    expect([child.pid, ...tree].filter(isAlive)).toEqual([])
  })

  it("survives writing to a process that already died", async () => {
    const child = await node(`process.exit(0)`)
    await child.exited
    expect(() => child.write("hello")).not.toThrow()
  })

  it("says clearly when the command cannot be started", async () => {
    await expect(startProcess({ command: "/nonexistent/claude", args: [], cwd: process.cwd(), env })).rejects.toBeInstanceOf(ProcessStartError)
  })
})

describe("reading across turns", () => {
  it("keeps later lines for the next reader when a reader stops early", async () => {
    const child = await node(`console.log("turn 1 a"); console.log("turn 1 end"); console.log("turn 2 a"); console.log("turn 2 end")`)
    const readTurn = async () => {
      const seen: string[] = []
      for await (const line of child.lines) {
        seen.push(line)
        if (line.endsWith("end")) break
      }
      return seen
    }
    expect(await readTurn()).toEqual(["turn 1 a", "turn 1 end"])
    expect(await readTurn()).toEqual(["turn 2 a", "turn 2 end"])
    expect(await child.nextLine()).toBeNull()
  })
})
