// WorkerRegistry with an in-process live port (or a broken one, or none): turns admitted up to the
// capacity and refused beyond it, a permit released once however often, draining refuses and
// waits for the running turns, and a live port that fails every call is logged once, at warning,
// and never stops the worker from taking turns; the heartbeat keeps its rate when writes are slow.

import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Logger } from "effect"
import { TestClock } from "effect/testing"
import type { LiveCoordination } from "#shared/live/live.server.ts"
import { createMemoryLive } from "#shared/live/memory-live.server.ts"
import { liveWorkers, WORKER_ANNOUNCEMENT_TTL_MS, WORKER_HEARTBEAT_MS } from "#shared/workers/worker-registry.ts"
import { loadWorkerConfig, WorkerConfig } from "../config/WorkerConfig.ts"
import { Runtimes } from "../runtime/Runtimes.ts"
import { RunLive } from "../runs/RunLive.ts"
import { WorkerRegistry } from "./WorkerRegistry.ts"

interface Logged {
  readonly level: string
  readonly message: string
}

const registryLayer = (live: LiveCoordination | undefined, logs: Logged[], env: Record<string, string> = {}) => {
  const settings = loadWorkerConfig({
    SECOND_WORKSPACES_DIR: mkdtempSync(join(tmpdir(), "registry-test-")),
    SECOND_WORKER_NAME: "unit",
    SECOND_WORKER_CONCURRENCY: "2",
    ...env,
  })
  const capture = Logger.make<unknown, void>(({ logLevel, message }) => {
    logs.push({ level: logLevel, message: (Array.isArray(message) ? message : [message]).map(String).join(" ") })
  })
  return WorkerRegistry.layer.pipe(
    Layer.provide(RunLive.layer(live)),
    Layer.provide(Runtimes.layerTest({})),
    Layer.provide(NodeHttpServer.layerTest),
    Layer.provide(WorkerConfig.layer(settings)),
    Layer.provide(Logger.layer([capture])),
  )
}

/** Lets other fibers run until `done` holds. */
const until = (done: () => boolean | Promise<boolean>) =>
  Effect.gen(function* () {
    for (let spin = 0; spin < 2_000; spin += 1) {
      if (yield* Effect.promise(async () => await done())) return
      yield* Effect.sleep("5 millis")
    }
    expect(yield* Effect.promise(async () => await done())).toBe(true)
  })

describe("WorkerRegistry", () => {
  it.live("admits turns up to its capacity, refuses the next as busy, and counts a permit released twice once", () => {
    const live = createMemoryLive()
    return Effect.gen(function* () {
      const registry = yield* WorkerRegistry
      const first = yield* registry.admit
      yield* registry.admit
      const refused = yield* Effect.flip(registry.admit)
      expect(refused._tag).toBe("WorkerBusyError")
      expect(refused.message).toMatch(/already running 2 turns at once, its limit \(SECOND_WORKER_CONCURRENCY\)/)
      yield* first.release
      yield* first.release
      expect(yield* registry.load).toMatchObject({ activeTurns: 1, capacity: 2, draining: false })
      yield* registry.admit
      expect((yield* Effect.flip(registry.admit))._tag).toBe("WorkerBusyError")
      // The load reaches the registry without waiting for the next beat.
      yield* until(async () => (await liveWorkers(live))[0]?.activeTurns === 2)
    }).pipe(Effect.provide(registryLayer(live, [])))
  })

  it.live("drains: refuses new turns, says so, and returns once the running turns have ended", () => {
    const live = createMemoryLive()
    return Effect.gen(function* () {
      const registry = yield* WorkerRegistry
      const running = yield* registry.admit
      const draining = yield* Effect.forkChild(registry.drain)
      yield* until(async () => (await liveWorkers(live))[0]?.draining === true)
      expect((yield* Effect.flip(registry.admit))._tag).toBe("WorkerDrainingError")
      expect(registry.stopping()).toBe(false)
      yield* running.release
      yield* Fiber.join(draining)
      expect(registry.stopping()).toBe(true)
    }).pipe(Effect.provide(registryLayer(live, [], { SECOND_WORKER_DRAIN_SECONDS: "3600" })))
  })

  it.live("keeps taking turns when every announcement fails, saying so once at warning", () => {
    const logs: Logged[] = []
    const broken = new Proxy(createMemoryLive(), {
      get: (target, property, receiver) =>
        property === "putMember" || property === "removeMember"
          ? () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:6379"))
          : Reflect.get(target, property, receiver),
    })
    return Effect.gen(function* () {
      const registry = yield* WorkerRegistry
      // Each admit and release announces; all of them fail.
      for (let turn = 0; turn < 3; turn += 1) yield* (yield* registry.admit).release
      yield* until(() => logs.some((line) => line.message.includes("could not announce")))
      yield* Effect.sleep("50 millis")
      const warnings = logs.filter((line) => line.level === "Warn" && line.message.includes("could not announce"))
      expect(warnings).toHaveLength(1)
      expect(warnings[0]?.message).toMatch(/^worker unit-[0-9a-f]{8}: could not announce it in the worker registry \(connect ECONNREFUSED 127\.0\.0\.1:6379\)/)
      expect(yield* registry.load).toMatchObject({ activeTurns: 0 })
    }).pipe(Effect.provide(registryLayer(broken, logs)))
  })

  it.effect("announces every heartbeat even when every write hangs until its timeout, well within the entry's lifetime", () => {
    // Writes that never land: each is cut by its timeout. A gap after each write (rather than a
    // fixed rate), or a timeout as long as a beat, would slow the rate to one write per 3 or 4 s.
    let writes = 0
    const hanging = new Proxy(createMemoryLive(), {
      get: (target, property, receiver) =>
        property === "putMember"
          ? () => {
              writes += 1
              return new Promise<void>(() => {})
            }
          : Reflect.get(target, property, receiver),
    })
    const beats = 10
    return Effect.gen(function* () {
      yield* WorkerRegistry
      for (let step = 0; step < beats * 20; step += 1) yield* TestClock.adjust(WORKER_HEARTBEAT_MS / 20)
      expect(writes).toBeGreaterThanOrEqual(beats)
      expect(WORKER_ANNOUNCEMENT_TTL_MS).toBeGreaterThanOrEqual(4 * WORKER_HEARTBEAT_MS)
    }).pipe(Effect.provide(registryLayer(hanging, [])))
  })

  it.live("with no live port, announces nothing and says so once at info", () => {
    const logs: Logged[] = []
    return Effect.gen(function* () {
      const registry = yield* WorkerRegistry
      yield* (yield* registry.admit).release
      expect(logs.filter((line) => line.message.includes("No live coordination"))).toEqual([
        { level: "Info", message: expect.stringMatching(/^No live coordination \(REDIS_URL\) to announce this worker in/) },
      ])
    }).pipe(Effect.provide(registryLayer(undefined, logs)))
  })
})
