// Where the worker writes run event streams and leases: the live coordination port the web reads.
// In production that is Redis (REDIS_URL); the embedded process hands the worker the same
// in-process instance its web tier reads, since the worker must not import the web tier.
// Redis is connected on first use and again after a failed connection, so a worker starts (and
// keeps serving health checks) while Redis is still coming up; a run's writes retry meanwhile.

import { Context, Effect, Layer } from "effect"
import type { LiveCoordination } from "#shared/live/live.server.ts"
import { createRedisLive } from "#shared/live/redis-live.server.ts"
import { WorkerConfig } from "../config/WorkerConfig.ts"

/** A live port that connects when first used, and tries again on the next use if that failed. */
export function connectOnUse(connect: () => Promise<LiveCoordination>): LiveCoordination {
  let connecting: Promise<LiveCoordination> | null = null
  const live = () => {
    connecting ??= connect().catch((error: unknown) => {
      connecting = null
      throw error
    })
    return connecting
  }
  return new Proxy({} as LiveCoordination, {
    get(_target, property: keyof LiveCoordination) {
      if (property === "kind") return "redis"
      if (property === "close") return async () => (connecting ? (await connecting.catch(() => null))?.close() : undefined)
      return async (...args: unknown[]) => {
        const target = await live()
        return (target[property] as (...values: unknown[]) => unknown).apply(target, args)
      }
    },
  })
}

export class RunLive extends Context.Service<RunLive, { readonly live: LiveCoordination | null }>()("worker/RunLive") {
  /** Uses `injected` when given (owned by the caller), else REDIS_URL, else none. */
  static readonly layer = (injected?: LiveCoordination) =>
    Layer.effect(
      RunLive,
      Effect.gen(function* () {
        if (injected) return RunLive.of({ live: injected })
        const { redisUrl } = yield* WorkerConfig
        if (!redisUrl) return RunLive.of({ live: null })
        const live = yield* Effect.acquireRelease(
          Effect.sync(() => connectOnUse(() => createRedisLive({ url: redisUrl.reveal() }))),
          (opened) => Effect.promise(() => opened.close()),
        )
        return RunLive.of({ live })
      }),
    )
}
