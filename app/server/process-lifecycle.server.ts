// What both web entry points do around their work: fail a bad configuration in one line, and
// shut down cleanly on SIGINT/SIGTERM (a second signal forces the exit).

import { ConfigError } from "#shared/config/env.ts"
import { describeListenError } from "#shared/config/listen-error.ts"
import { SecretKeyError } from "#shared/secrets/secret-store.ts"
import { StoreConnectError } from "./store-connect-error.server.ts"

/** Runs the config loader; on a ConfigError prints its one line and exits with status 1. */
export function configOrExit<T>(load: () => T): T {
  try {
    return load()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(error.message)
    process.exit(1)
  }
}

export function onShutdown(stop: () => Promise<void>, log: (message: string) => void): void {
  let stopping = false
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) {
      log(`${signal} again: exiting now`)
      process.exit(1)
    }
    stopping = true
    log(`${signal}: shutting down`)
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("shutdown failed", error)
        process.exit(1)
      },
    )
  }
  process.on("SIGINT", handle)
  process.on("SIGTERM", handle)
}

/** For a port that is taken or forbidden: one line and exit 1. Any other failure is rethrown. */
export function exitOnListenError(error: unknown): never {
  const message = describeListenError(error, "PORT")
  if (message === null) throw error
  console.error(message)
  process.exit(1)
}

/**
 * For a secret store that cannot read what is stored (a wrong or missing encryption key): one line
 * saying which variable to set, and exit 1, rather than a stack trace or garbage later. Any other
 * failure is rethrown.
 */
export function exitOnSecretKeyError(error: unknown): never {
  if (!(error instanceof SecretKeyError)) throw error
  console.error(`Cannot start: ${error.message}`)
  process.exit(1)
}

/**
 * For a Redis or MongoDB that cannot be reached at start-up: one line naming the variable and what
 * failed (never the URL: it may hold a password), and exit 1. Any other failure is rethrown.
 */
export function exitOnStoreConnectError(error: unknown): never {
  if (!(error instanceof StoreConnectError)) throw error
  console.error(error.message)
  process.exit(1)
}

/** The start-up failures that are the operator's to fix, each in one line; anything else is rethrown. */
export const exitOnStartupError = (error: unknown): never =>
  error instanceof StoreConnectError ? exitOnStoreConnectError(error) : exitOnSecretKeyError(error)
