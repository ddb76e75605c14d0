// Build events reach the turn of their run: Sessions over a scripted runtime whose turn waits, as
// a real one waits on done_building, while a build publishes. The events join the turn's stream
// in order (one published as the runtime starts is not missed), another run's build stays out,
// and the turn still ends when the runtime's turn does, though the build channel never ends.

import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Layer, Stream } from "effect"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import { loadWorkerConfig, WorkerConfig } from "../config/WorkerConfig.ts"
import { McpTokens } from "../mcp/McpTokens.ts"
import type { RuntimeAdapter } from "../runtime/adapters/runtime-adapter.ts"
import { Runtimes } from "../runtime/Runtimes.ts"
import { Sessions } from "../runtime/Sessions.ts"
import { SandboxEnv } from "../sandbox/SandboxEnv.ts"
import { WorkerRegistry } from "../registry/WorkerRegistry.ts"
import { SecretStore } from "../secrets/SecretStore.ts"
import { BuildProgress, type BuildEvent } from "./BuildProgress.ts"

interface Script {
  /** Published by the runtime's turn before it says anything (as early as a build could start). */
  publishAtStart: Effect.Effect<void>
  /** The turn has started and waits for `release`. */
  readonly waiting: Deferred.Deferred<void>
  readonly release: Deferred.Deferred<void>
}

/** A runtime whose turn publishes, then waits (as one waits on a tool call), then completes. */
const waitingAdapter = (script: Script): RuntimeAdapter => ({
  id: "claude",
  open: (setup) =>
    Effect.succeed({
      runtime: "claude",
      nativeSessionId: () => "native-1",
      turn: () =>
        Stream.concat(
          Stream.fromEffectDrain(Effect.andThen(script.publishAtStart, Deferred.succeed(script.waiting, undefined))),
          Stream.concat(
            Stream.make<RunEvent[]>({ type: "session.started", runtime: "claude", sessionId: "native-1", model: setup.model }),
            Stream.concat(
              Stream.fromEffectDrain(Deferred.await(script.release)),
              Stream.make<RunEvent[]>({ type: "text.delta", text: "built" }, { type: "turn.completed", outcome: "completed" }),
            ),
          ),
        ),
    }),
})

const layerFor = (script: Script) => {
  const settings = loadWorkerConfig({ SECOND_WORKSPACES_DIR: mkdtempSync(join(tmpdir(), "build-progress-test-")) })
  return Sessions.layer.pipe(
    Layer.provide(Runtimes.layerTest({ claude: waitingAdapter(script) })),
    Layer.provide(SandboxEnv.layerTest),
    Layer.provide(WorkerRegistry.layerTest),
    Layer.provideMerge(BuildProgress.layer),
    Layer.provide(SecretStore.layerTest),
    Layer.provide(McpTokens.layerTest),
    Layer.provide(NodeHttpServer.layerTest),
    Layer.provide(WorkerConfig.layer(settings)),
  )
}

const finished = (buildId: string): BuildEvent => ({ type: "build.finished", buildId, ok: true, durationMs: 1200, message: "Built in 1.2 s: version 2.", problems: [], versionNumber: 2 })

describe("BuildProgress in a turn", () => {
  it.live("merges the run's build events into its turn, in order, and ends with the runtime's turn", () => {
    const script: Script = { publishAtStart: Effect.void, waiting: Deferred.makeUnsafe(), release: Deferred.makeUnsafe() }
    return Effect.gen(function* () {
      const progress = yield* BuildProgress
      const sessions = yield* Sessions
      script.publishAtStart = progress.publish("run-1", { type: "build.started", buildId: "b1" })
      const events = yield* sessions.send("app", {
        prompt: "build it",
        runtime: "claude",
        model: "model-a",
        systemPrompt: null,
        runId: "run-1",
        resumeSessionId: null,
        sourceFiles: null,
      })
      const buildSeen = yield* Deferred.make<void>()
      const reading = yield* Effect.forkChild(
        Stream.runCollect(Stream.tap(events, (event) => (event.type === "build.finished" ? Deferred.succeed(buildSeen, undefined) : Effect.void))),
      )
      yield* Deferred.await(script.waiting)
      yield* progress.publish("run-1", { type: "build.output", buildId: "b1", step: "build", text: "✓ built in 1.1s\n" })
      yield* progress.publish("run-2", { type: "build.started", buildId: "other-run" })
      yield* progress.publish("run-1", finished("b1"))
      // The person sees the build while the runtime still waits on it.
      yield* Deferred.await(buildSeen)
      yield* Deferred.succeed(script.release, undefined)
      const collected = yield* Fiber.join(reading)

      const types = collected.map((event) => event.type)
      expect(types.filter((type) => type.startsWith("build."))).toEqual(["build.started", "build.output", "build.finished"])
      expect(collected.find((event) => event.type === "build.finished")).toEqual(finished("b1"))
      expect(collected.some((event) => "buildId" in event && event.buildId === "other-run")).toBe(false)
      expect(types.at(-1)).toBe("turn.completed")
      expect(types.indexOf("build.finished")).toBeLessThan(types.indexOf("text.delta"))
    }).pipe(Effect.provide(layerFor(script)))
  })
})
