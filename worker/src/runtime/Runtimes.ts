// RuntimeLayer: the runtimes this worker offers, and the models each offers. Detection runs once
// at startup (and again on request); each runtime's adapter is looked up here. Unusable runtimes
// are refused with the reason detection gave.

import { existsSync, realpathSync } from "node:fs"
import { resolve } from "node:path"
import { Context, Deferred, Duration, Effect, Layer, Schema } from "effect"
import { RUNTIME_IDS, type RuntimeId } from "#shared/runtime/run-event.ts"
import { WorkerConfig } from "../config/WorkerConfig.ts"
import { SecretStore, type OpencodeProvider } from "../secrets/SecretStore.ts"
import type { RuntimeAdapter } from "./adapters/runtime-adapter.ts"
import { detectRuntime, withModels, type DetectionInput, type RuntimeDetection } from "./detection.ts"

export class RuntimeUnavailableError extends Schema.TaggedError<RuntimeUnavailableError>()("RuntimeUnavailableError", {
  runtime: Schema.String,
  reason: Schema.String,
}) {
  override get message() {
    return `The ${this.runtime} runtime cannot be used on this worker: ${this.reason}`
  }
}

/**
 * How long a runtime report waits for OpenCode's model list; a report that cannot wait longer
 * says its list is unknown (the list keeps being made for the next report).
 */
const REPORT_WAIT = Duration.seconds(5)

/** The providers the worker can give OpenCode a key for (see SecretStore.environmentFor). */
const OPENCODE_PROVIDERS: readonly OpencodeProvider[] = ["openai", "anthropic", "google"]

const isUnderTmp = (directory: string) => {
  const real = existsSync(directory) ? realpathSync(directory) : resolve(directory)
  return real === "/tmp" || real.startsWith("/tmp/")
}

/** A runtime nothing is known of (its detection did not finish): not usable, for the given reason. */
const undetected = (id: RuntimeId): RuntimeDetection => ({
  id,
  usable: false,
  reason: null,
  binary: null,
  version: null,
  credentialsConfigured: false,
  installation: [],
  models: [],
  defaultModel: null,
})

const usableIds = (detected: readonly RuntimeDetection[]): RuntimeId[] => detected.filter((runtime) => runtime.usable).map((runtime) => runtime.id)

/** The seam between detection and use: what `require` hands Sessions. */
const requireFrom =
  (detected: () => readonly RuntimeDetection[], adapters: Readonly<Partial<Record<RuntimeId, RuntimeAdapter>>>) => (runtime: RuntimeId) =>
    Effect.suspend(() => {
      const detection = detected().find((candidate) => candidate.id === runtime)
      const adapter = adapters[runtime]
      if (!detection || !detection.usable || !adapter) {
        return Effect.fail(new RuntimeUnavailableError({ runtime, reason: detection?.reason ?? "unknown runtime" }))
      }
      return Effect.succeed({ detection, adapter })
    })

export class Runtimes extends Context.Service<
  Runtimes,
  {
    /** Each runtime with the models it offers (OpenCode's listed from the first call on, again on a refresh). */
    readonly detect: (options?: { readonly refresh?: boolean }) => Effect.Effect<readonly RuntimeDetection[]>
    /** The usable runtime's detection and adapter, or why it cannot be used. */
    readonly require: (runtime: RuntimeId) => Effect.Effect<{ detection: RuntimeDetection; adapter: RuntimeAdapter }, RuntimeUnavailableError>
    /** Waits for the first detection to end (whatever it found). */
    readonly detected: Effect.Effect<void>
    /** The usable runtimes as detected so far, without waiting or listing models: none until detection ends. */
    readonly usableNow: Effect.Effect<ReadonlyArray<RuntimeId>>
  }
>()("worker/Runtimes") {
  static readonly layerWith = (adapters: Readonly<Record<RuntimeId, RuntimeAdapter>>) =>
    Layer.effect(
      Runtimes,
      Effect.gen(function* () {
        const config = yield* WorkerConfig
        const secrets = yield* SecretStore
        // Only the variables' names: OpenCode lists a provider's models when its key variable is set.
        const opencodeProviders = OPENCODE_PROVIDERS.map((provider) => ({
          provider,
          keyVariables: Object.keys(secrets.environmentFor("opencode", provider)),
        })).filter(({ keyVariables }) => keyVariables.length > 0)
        const inputFor = (id: RuntimeId): DetectionInput => ({
          configuredPath: config.runtimePaths[id],
          searchPath: process.env["PATH"] ?? "",
          credentialsConfigured: secrets.hasCredentials(id),
          claudeEnvScrub: config.claudeSubprocessEnvScrub,
          opencodeProviders,
        })
        // OpenCode's list costs about 2 s of CPU (far more on a busy machine): it is made on the
        // first report rather than at every start, and a report waits for it only so long.
        const detectAll = () =>
          Promise.all(RUNTIME_IDS.map((id) => detectRuntime(id, inputFor(id), { models: id === "opencode" ? "later" : "now" })))
        // Detection spawns each CLI (seconds on a busy machine): the worker listens meanwhile, and
        // whatever needs its result (a report, a turn's runtime) waits for the first detection.
        let detected: readonly RuntimeDetection[] = []
        const firstDetection = yield* Deferred.make<void>()
        let listing: Promise<void> | null = null
        let listed: readonly RuntimeDetection[] | null = null
        const listModels = () =>
          (listing ??= (async (from) => {
            const done = await Promise.all(from.map((runtime) => (runtime.id === "opencode" ? withModels(runtime, inputFor(runtime.id)) : runtime)))
            if (detected === from) listed = done
          })(detected))
        const report = Effect.promise(listModels).pipe(
          Effect.timeoutOption(REPORT_WAIT),
          Effect.map(() => listed ?? detected),
        )
        const detectAtStart = Effect.gen(function* () {
          detected = yield* Effect.promise(detectAll)
          yield* Deferred.succeed(firstDetection, undefined)
          for (const runtime of detected) {
            if (runtime.usable) yield* Effect.logInfo(`runtime ${runtime.id}: ${runtime.version}`)
            else yield* Effect.logWarning(`runtime ${runtime.id} unavailable: ${runtime.reason}`)
          }
          // NOTE: Codex's command sandbox cannot start (execvp codex-linux-sandbox) when CODEX_HOME is
          // under /tmp, and the turn still ends "completed": say so once, where an operator looks.
          if (detected.some((runtime) => runtime.id === "codex" && runtime.usable) && isUnderTmp(config.workspacesDir)) {
            yield* Effect.logWarning(
              `App directories are under /tmp (${config.workspacesDir}): Codex cannot run commands from there. Set SECOND_DATA_DIR (or SECOND_WORKSPACES_DIR) elsewhere, e.g. /var/lib/second.`,
            )
          }
        })
        // NOTE: whatever happens to detection, the waiters are released: a detection that died
        // leaves every runtime unavailable with a reason, rather than turns that wait forever.
        yield* Effect.forkScoped(
          detectAtStart.pipe(
            Effect.catchCause((cause) =>
              Effect.sync(() => {
                detected = RUNTIME_IDS.map((id) => ({ ...undetected(id), reason: "runtime detection failed at startup; see the worker's log" }))
              }).pipe(Effect.andThen(Effect.logError("runtime detection failed", cause))),
            ),
            Effect.ensuring(Deferred.succeed(firstDetection, undefined)),
          ),
        )
        if (!config.claudeSubprocessEnvScrub) {
          yield* Effect.logWarning("CLAUDE_CODE_SUBPROCESS_ENV_SCRUB=0: Claude Code's subprocesses keep its environment (escape hatch for externally isolated workers).")
        }
        const detectedOnce = Deferred.await(firstDetection)
        return Runtimes.of({
          detect: (options) =>
            options?.refresh
              ? detectedOnce.pipe(
                  Effect.andThen(Effect.promise(detectAll)),
                  Effect.tap((fresh) =>
                    Effect.sync(() => {
                      detected = fresh
                      listing = null
                      listed = null
                    }),
                  ),
                  Effect.andThen(report),
                )
              : Effect.andThen(detectedOnce, report),
          require: (runtime) => Effect.andThen(detectedOnce, requireFrom(() => detected, adapters)(runtime)),
          detected: detectedOnce,
          usableNow: Effect.sync(() => usableIds(detected)),
        })
      }),
    )

  /** Runtimes backed by the given adapters (a scripted one in unit tests), usable without detecting anything. */
  static readonly layerTest = (adapters: Readonly<Partial<Record<RuntimeId, RuntimeAdapter>>>) => {
    const detected: RuntimeDetection[] = RUNTIME_IDS.map((id) => ({
      id,
      usable: adapters[id] !== undefined,
      reason: adapters[id] ? null : "not part of this test",
      binary: adapters[id] ? `/test/${id}` : null,
      version: adapters[id] ? "test" : null,
      credentialsConfigured: true,
      installation: [],
      // Unknown lists: tests pick whatever model their scripted adapter answers as.
      models: [],
      defaultModel: null,
    }))
    return Layer.succeed(
      Runtimes,
      Runtimes.of({
        detect: () => Effect.succeed(detected),
        require: requireFrom(() => detected, adapters),
        detected: Effect.void,
        usableNow: Effect.succeed(usableIds(detected)),
      }),
    )
  }
}
