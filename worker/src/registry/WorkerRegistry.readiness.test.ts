// What the registry tells orchestrators and webs beyond the load: /readyz (over real HTTP) is 503
// with the reason while the worker has a live port but is not in the registry (no announcement
// landed yet, or the last one failed) and ready again once one lands; the announcement says
// `detecting` until runtime detection ends, so [] then means "not known yet", not "none usable";
// and in production a loopback URL is announced with one warning.

import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Latch, Layer, Logger } from "effect"
import { HttpClient, HttpRouter } from "effect/http"
import type { LiveCoordination } from "#shared/live/live.server.ts"
import { createMemoryLive } from "#shared/live/memory-live.server.ts"
import { liveWorkers } from "#shared/workers/worker-registry.ts"
import { isLoopbackUrl, loadWorkerConfig, WorkerConfig } from "../config/WorkerConfig.ts"
import { HealthRoutes } from "../http/HealthRoutes.ts"
import { Runtimes } from "../runtime/Runtimes.ts"
import { RunLive } from "../runs/RunLive.ts"
import { WorkerRegistry } from "./WorkerRegistry.ts"

interface Logged {
  readonly level: string
  readonly message: string
}

const settingsFor = (env: Record<string, string>) =>
  loadWorkerConfig({ SECOND_WORKSPACES_DIR: mkdtempSync(join(tmpdir(), "readiness-test-")), SECOND_WORKER_NAME: "unit", ...env })

/** The registry and /readyz on a test server, over the given live port and runtimes. */
const served = (
  live: LiveCoordination | undefined,
  options: { readonly runtimes?: Layer.Layer<Runtimes>; readonly env?: Record<string, string>; readonly logs?: Logged[] } = {},
) => {
  const capture = Logger.make<unknown, void>(({ logLevel, message }) => {
    options.logs?.push({ level: logLevel, message: (Array.isArray(message) ? message : [message]).map(String).join(" ") })
  })
  return HttpRouter.serve(HealthRoutes, { disableListenLog: true, disableLogger: true }).pipe(
    Layer.provideMerge(WorkerRegistry.layer),
    Layer.provide(RunLive.layer(live)),
    Layer.provide(options.runtimes ?? Runtimes.layerTest({})),
    Layer.provideMerge(NodeHttpServer.layerTest),
    Layer.provide(WorkerConfig.layer(settingsFor(options.env ?? {}))),
    Layer.provide(Logger.layer([capture])),
  )
}

/** A live port whose registry writes fail while `down` holds, as a Redis that went away would. */
const switchable = () => {
  const state = { down: false }
  const live = new Proxy(createMemoryLive(), {
    get: (target, property, receiver) =>
      property === "putMember" && state.down
        ? () => Promise.reject(new Error("connect ECONNREFUSED 10.0.0.9:6379"))
        : Reflect.get(target, property, receiver),
  })
  return { live, state }
}

const readyz = Effect.gen(function* () {
  const response = yield* (yield* HttpClient.HttpClient).get("/readyz")
  return { status: response.status, text: yield* response.text }
})

/** Lets other fibers run until `done` holds. */
const until = <E, R>(done: Effect.Effect<boolean, E, R>) =>
  Effect.gen(function* () {
    for (let spin = 0; spin < 2_000; spin += 1) {
      if (yield* done) return
      yield* Effect.sleep("5 millis")
    }
    expect(yield* done).toBe(true)
  })

describe("WorkerRegistry readiness", () => {
  it.live("answers /readyz 503 while it is not in the registry, saying why, and ready once an announcement lands", () => {
    const { live, state } = switchable()
    state.down = true
    return Effect.gen(function* () {
      const first = yield* readyz
      expect(first.status).toBe(503)
      expect(first.text).toMatch(/^not registered/)
      yield* until(Effect.map(readyz, ({ text }) => text === "not registered: the worker registry is unreachable (see the worker's log)"))
      // Never the store's address or error on this public route.
      expect((yield* readyz).text).not.toContain("10.0.0.9")

      state.down = false
      yield* until(Effect.map(readyz, ({ status }) => status === 200))
      expect(yield* readyz).toEqual({ status: 200, text: "ready" })

      // The last announcement failing takes it out again; draining says so whatever the registry does.
      state.down = true
      yield* until(Effect.map(readyz, ({ status }) => status === 503))
      expect((yield* readyz).text).toBe("not registered: the worker registry is unreachable (see the worker's log)")
      state.down = false
      yield* until(Effect.map(readyz, ({ status }) => status === 200))
      const registry = yield* WorkerRegistry
      yield* registry.drain
      expect(yield* readyz).toEqual({ status: 503, text: "draining" })
    }).pipe(Effect.provide(served(live)))
  })

  it.effect("is not ready before its first announcement has landed", () => {
    // A write that has not answered yet; the test clock never reaches its timeout.
    let land: (() => void) | null = null
    const gated = new Proxy(createMemoryLive(), {
      get: (target, property, receiver) =>
        property === "putMember"
          ? (...args: Parameters<LiveCoordination["putMember"]>) =>
              new Promise<void>((resolve) => (land = () => resolve(target.putMember(...args))))
          : Reflect.get(target, property, receiver),
    })
    return Effect.gen(function* () {
      const registry = yield* WorkerRegistry
      const turn = Effect.promise(() => new Promise((resolve) => setImmediate(resolve)))
      for (let spin = 0; spin < 100 && land === null; spin += 1) yield* turn
      expect(yield* registry.notReady).toBe("not registered yet: the first announcement in the worker registry has not landed")
      land!()
      for (let spin = 0; spin < 100 && (yield* registry.notReady) !== null; spin += 1) yield* turn
      expect(yield* registry.notReady).toBeNull()
    }).pipe(Effect.provide(served(gated)))
  })

  it.live("is ready with no live port: there is no registry to be in", () =>
    Effect.gen(function* () {
      expect(yield* readyz).toEqual({ status: 200, text: "ready" })
    }).pipe(Effect.provide(served(undefined))),
  )

  it.live("announces detecting: true with no runtimes until detection ends, then what it found", () => {
    const live = createMemoryLive()
    const detection = Latch.makeUnsafe(false)
    let usable: ReadonlyArray<"claude"> = []
    const runtimes = Layer.succeed(Runtimes)(
      Runtimes.of({
        detect: () => Effect.succeed([]),
        require: () => Effect.die("not used by the registry"),
        detected: detection.await,
        usableNow: Effect.sync(() => usable),
      }),
    )
    return Effect.gen(function* () {
      yield* WorkerRegistry
      yield* until(Effect.promise(async () => (await liveWorkers(live)).length === 1))
      expect((yield* Effect.promise(() => liveWorkers(live)))[0]).toMatchObject({ runtimes: [], detecting: true })
      usable = ["claude"]
      yield* detection.open
      yield* until(Effect.promise(async () => (await liveWorkers(live))[0]?.detecting === false))
      expect((yield* Effect.promise(() => liveWorkers(live)))[0]?.runtimes).toEqual(["claude"])
    }).pipe(Effect.provide(served(live, { runtimes })))
  })

  it.live("warns once in production when the URL it announces is loopback, and not for a routable one", () => {
    const production = { NODE_ENV: "production", INTERNAL_API_TOKEN: "r".repeat(32), WEB_URL: "http://web:3000" }
    const loopbackLogs: Logged[] = []
    const routableLogs: Logged[] = []
    const loopbackWarnings = () => loopbackLogs.filter((line) => line.level === "Warn" && line.message.includes("loopback"))
    return Effect.gen(function* () {
      yield* Effect.scoped(Layer.build(served(createMemoryLive(), { env: production, logs: loopbackLogs })))
      expect(loopbackWarnings()).toHaveLength(1)
      expect(loopbackWarnings()[0]?.message).toMatch(
        /^worker unit-[0-9a-f]{8} announces http:\/\/127\.0\.0\.1:3001, a loopback address: webs on other machines cannot reach it\. Set SECOND_WORKER_URL to the address they reach this worker at, e\.g\. SECOND_WORKER_URL=http:\/\/10\.0\.3\.7:3001$/,
      )
      yield* Effect.scoped(Layer.build(served(createMemoryLive(), { env: { ...production, SECOND_WORKER_URL: "http://10.0.3.7:3001" }, logs: routableLogs })))
      expect(routableLogs.filter((line) => line.message.includes("loopback"))).toEqual([])
      expect(isLoopbackUrl(new URL("http://localhost:3001"))).toBe(true)
      expect(isLoopbackUrl(new URL("http://127.8.0.1:3001"))).toBe(true)
      expect(isLoopbackUrl(new URL("http://[::1]:3001"))).toBe(true)
      expect(isLoopbackUrl(new URL("http://worker-0:3001"))).toBe(false)
    })
  })
})
