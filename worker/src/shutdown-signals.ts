// What the standalone worker does on SIGINT/SIGTERM besides the drain NodeRuntime.runMain starts
// (it interrupts the main fiber; the layers' finalizers drain and close): the first signal is
// logged, a second one exits at once with status 1 (a hung turn must not hold the process for the
// whole drain deadline), and a shutdown the first signal started exits 0, not 130, once it is
// clean: an orchestrator's SIGTERM is how a worker is meant to stop.

import { Cause, Exit, Runtime } from "effect"

type ShutdownSignal = "SIGINT" | "SIGTERM"

export interface SignalHost {
  on(signal: ShutdownSignal, listener: (signal: ShutdownSignal) => void): unknown
  exit(code: number): void
}

export interface ShutdownSignals {
  /** For NodeRuntime.runMain: exit 0 after a clean shutdown a signal asked for; otherwise the default codes. */
  readonly teardown: Runtime.Teardown
}

/** Where the lines go: the worker's own logger, at info for the first signal and warning for a forced exit. */
export interface SignalLog {
  info(message: string): void
  warn(message: string): void
}

export function watchShutdownSignals(log: SignalLog, host: SignalHost = process): ShutdownSignals {
  let received: ShutdownSignal | null = null
  const handle = (signal: ShutdownSignal) => {
    if (received !== null) {
      log.warn(`${signal} again: exiting now`)
      host.exit(1)
      return
    }
    received = signal
    log.info(`${signal}: shutting down (send it again to exit at once)`)
  }
  host.on("SIGINT", handle)
  host.on("SIGTERM", handle)
  return {
    teardown: (exit, onExit) => {
      // The launched worker never ends by itself: interrupted and nothing else is the signal's doing.
      if (received !== null && Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause)) return onExit(0)
      Runtime.defaultTeardown(exit, onExit)
    },
  }
}
