// Where the worker writes run event streams and leases: the live coordination port the web reads.
// In production that is Redis (REDIS_URL); the embedded process hands the worker the same
// in-process instance its web tier reads, since the worker must not import the web tier.

import { Context, Effect, Layer } from "effect"
import type { LiveCoordination } from "#shared/live/live.server.ts"
import { createRedisLive } from "#shared/live/redis-live.server.ts"
import { WorkerConfig } from "../config/WorkerConfig.ts"

export class RunLive extends Context.Service<RunLive, { readonly live: LiveCoordination | null }>()("worker/RunLive") {
  /** Uses `injected` when given (owned by the caller), else connects to REDIS_URL, else none. */
  static readonly layer = (injected?: LiveCoordination) =>
    Layer.effect(
      RunLive,
      Effect.gen(function* () {
        if (injected) return RunLive.of({ live: injected })
        const { redisUrl } = yield* WorkerConfig
        if (!redisUrl) return RunLive.of({ live: null })
        const live = yield* Effect.acquireRelease(
          Effect.promise(() => createRedisLive({ url: redisUrl.reveal() })),
          (opened) => Effect.promise(() => opened.close()),
        )
        return RunLive.of({ live })
      }),
    )
}
