// SandboxEnvLayer: everything about where and how a runtime process starts. It prepares the app's
// directories, builds the allowlisted environment, and wraps the command in bubblewrap when the
// configuration and the machine allow it. At startup it says which protections are missing.

import { Context, Effect, Layer, Schema } from "effect"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { WorkerConfig } from "../config/WorkerConfig.ts"
import type { ProcessSpec } from "../runtime/process/RuntimeProcess.ts"
import { appDirectories, InvalidAppIdError, sharedModulesPath, templateModules, type AppDirectories } from "./app-directories.ts"
import { bubblewrapWorks, findBubblewrap, wrapInBubblewrap } from "./bubblewrap.ts"
import { runtimeEnvironment, shortPrivateTmpdir } from "./runtime-environment.ts"

export class SandboxUnavailableError extends Schema.TaggedError<SandboxUnavailableError>()("SandboxUnavailableError", {
  reason: Schema.String,
}) {
  override get message() {
    return `SECOND_RUNTIME_SANDBOX=bubblewrap, but bubblewrap cannot run here: ${this.reason}`
  }
}

export class SandboxAppIdError extends Schema.TaggedError<SandboxAppIdError>()("SandboxAppIdError", {
  message: Schema.String,
}) {}

/** Everything SandboxEnv can fail with. */
export type SandboxEnvError = SandboxUnavailableError | SandboxAppIdError

export interface RuntimeCommand {
  readonly dirs: AppDirectories
  readonly command: string
  readonly args: readonly string[]
  readonly variables: Readonly<Record<string, string | undefined>>
  /** The runtime's installation, visible read-only inside the sandbox (and put on PATH). */
  readonly installation: readonly string[]
  /** Run without network (bubblewrap only): an app's build. */
  readonly offline?: boolean
}

/** What a runtime cannot reach without bubblewrap, said at startup and by GET /runtimes. */
export const PROTECTIONS_WITHOUT_BUBBLEWRAP = [
  "other processes' environments under /proc (the worker's included)",
  "files outside the app's directory that the worker's user can read",
  "writes outside the app's directory and the runtime's home (the app template's packages, which every app builds with, included)",
  "the network, from an app's build (vite.config.ts and its plugins run the agent's code)",
] as const

export class SandboxEnv extends Context.Service<
  SandboxEnv,
  {
    readonly mode: "bubblewrap" | "none"
    /** Protections a runtime lacks in this mode (empty under bubblewrap). */
    readonly missingProtections: readonly string[]
    readonly directories: (appId: string, runtime: RuntimeId) => Effect.Effect<AppDirectories, SandboxAppIdError>
    readonly command: (input: RuntimeCommand) => ProcessSpec
  }
>()("worker/SandboxEnv") {
  static readonly layer = Layer.effect(
    SandboxEnv,
    Effect.gen(function* () {
      const config = yield* WorkerConfig
      const bwrap = config.runtimeSandbox === "none" ? null : findBubblewrap()
      const probe = bwrap ? bubblewrapWorks(bwrap) : ({ ok: false, reason: "bwrap is not installed" } as const)
      if (config.runtimeSandbox === "bubblewrap" && !probe.ok) {
        return yield* new SandboxUnavailableError({ reason: probe.reason })
      }
      const mode = bwrap && probe.ok ? "bubblewrap" : "none"
      if (mode === "none") {
        yield* Effect.logWarning(
          `Runtimes run without bubblewrap (${config.runtimeSandbox === "none" ? "SECOND_RUNTIME_SANDBOX=none" : probe.ok ? "" : probe.reason}). ` +
            `A shell in a runtime can reach: ${PROTECTIONS_WITHOUT_BUBBLEWRAP.join("; ")}. Install bubblewrap to close these.`,
        )
      }
      return SandboxEnv.of({
        mode,
        missingProtections: mode === "bubblewrap" ? [] : PROTECTIONS_WITHOUT_BUBBLEWRAP,
        directories: (appId, runtime) =>
          Effect.try({
            try: () => appDirectories(config.workspacesDir, appId, runtime),
            catch: (error) =>
              new SandboxAppIdError({ message: error instanceof InvalidAppIdError ? error.message : String(error) }),
          }),
        command: (input) => {
          const env = runtimeEnvironment({ home: input.dirs.home, extraPath: input.installation, variables: input.variables })
          const spec: ProcessSpec = { command: input.command, args: input.args, cwd: input.dirs.workdir, env }
          // TMPDIR must be short: Unix socket paths (Claude's sandbox bridges) must fit in 108
          // bytes, which a path inside the app's home may not. Inside bubblewrap /tmp is a
          // private tmpfs; without it, a private directory of this runtime's under /tmp.
          env["TMPDIR"] = mode === "none" || !bwrap ? shortPrivateTmpdir(input.dirs.home) : "/tmp"
          if (mode === "none" || !bwrap) return spec
          // The template's packages, read-only, in the node_modules beside the app's directory,
          // where Node and Vite look for them (worker/src/build/scaffold.ts).
          const mounted = { source: templateModules(config.appTemplateDir), target: sharedModulesPath(input.dirs.workdir) }
          return wrapInBubblewrap(bwrap, spec, {
            workdir: input.dirs.workdir,
            home: input.dirs.home,
            readOnly: input.installation,
            offline: input.offline === true,
            mounted,
          })
        },
      })
    }),
  )

  /** No bubblewrap and no probing: app directories under WorkerConfig's workspaces, commands run as given. */
  static readonly layerTest = Layer.effect(
    SandboxEnv,
    Effect.gen(function* () {
      const config = yield* WorkerConfig
      return SandboxEnv.of({
        mode: "none",
        missingProtections: PROTECTIONS_WITHOUT_BUBBLEWRAP,
        directories: (appId, runtime) =>
          Effect.try({
            try: () => appDirectories(config.workspacesDir, appId, runtime),
            catch: (error) => new SandboxAppIdError({ message: error instanceof InvalidAppIdError ? error.message : String(error) }),
          }),
        command: (input) => ({
          command: input.command,
          args: input.args,
          cwd: input.dirs.workdir,
          env: runtimeEnvironment({ home: input.dirs.home, extraPath: input.installation, variables: input.variables }),
        }),
      })
    }),
  )
}
