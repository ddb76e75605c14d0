// The standalone worker's signals, against a stand-in for the process: the first SIGINT/SIGTERM
// only starts the shutdown (NodeRuntime.runMain interrupts the worker), a second exits 1 at once,
// and a clean shutdown a signal started exits 0 while failures keep their codes.

import { EventEmitter } from "node:events"
import { Cause, Exit } from "effect"
import { describe, expect, it } from "vitest"
import { watchShutdownSignals, type SignalHost } from "./shutdown-signals.ts"

const fakeProcess = () => {
  const emitter = new EventEmitter()
  const exits: number[] = []
  const host: SignalHost = { on: (signal, listener) => emitter.on(signal, listener), exit: (code) => void exits.push(code) }
  return { host, exits, send: (signal: "SIGINT" | "SIGTERM") => emitter.emit(signal, signal) }
}

const codeOf = (teardown: ReturnType<typeof watchShutdownSignals>["teardown"], exit: Exit.Exit<unknown, unknown>) => {
  let code: number | undefined
  teardown(exit, (value) => (code = value))
  return code
}

const silent = { info: () => {}, warn: () => {} }

describe("the worker's shutdown signals", () => {
  it("logs the first signal and leaves the exit to the drain; a second one exits 1 at once", () => {
    const { host, exits, send } = fakeProcess()
    const logs: string[] = []
    watchShutdownSignals({ info: (line) => logs.push(`info: ${line}`), warn: (line) => logs.push(`warn: ${line}`) }, host)
    send("SIGTERM")
    expect(exits).toEqual([])
    send("SIGTERM")
    expect(logs).toEqual(["info: SIGTERM: shutting down (send it again to exit at once)", "warn: SIGTERM again: exiting now"])
    expect(exits).toEqual([1])
    send("SIGINT")
    expect(logs.at(-1)).toBe("warn: SIGINT again: exiting now")
  })

  it("exits 0 after a clean shutdown a signal started, and keeps the usual codes otherwise", () => {
    const interrupted = Exit.failCause(Cause.interrupt(1))
    const signalled = fakeProcess()
    const afterSignal = watchShutdownSignals(silent, signalled.host)
    signalled.send("SIGINT")
    expect(codeOf(afterSignal.teardown, interrupted)).toBe(0)
    expect(codeOf(afterSignal.teardown, Exit.die(new Error("drain failed")))).toBe(1)

    const quiet = watchShutdownSignals(silent, fakeProcess().host)
    expect(codeOf(quiet.teardown, interrupted)).toBe(130)
    expect(codeOf(quiet.teardown, Exit.void)).toBe(0)
  })
})
