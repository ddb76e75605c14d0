// The path a build's events take into its run. done_building is served by the MCP broker (an
// HTTP handler), not by the turn's stream, so AppBuilds publishes here under the run id and the
// turn, which subscribed before its runtime started, merges what comes into its own events.
// A build of a run nobody follows (a test, a bench) publishes to no one.

import { Context, Effect, Layer, PubSub, type Scope, Stream } from "effect"
import type { RunEvent } from "#shared/runtime/run-event.ts"

export type BuildEvent = Extract<RunEvent, { readonly type: "build.started" | "build.output" | "build.finished" }>

interface Channel {
  readonly pubsub: PubSub.PubSub<BuildEvent>
  subscribers: number
}

export class BuildProgress extends Context.Service<
  BuildProgress,
  {
    readonly publish: (runId: string, event: BuildEvent) => Effect.Effect<void>
    /**
     * The run's build events from this moment on, for as long as the caller's scope lasts. The
     * subscription is made here, not when the stream starts, so nothing published in between is lost.
     */
    readonly subscribe: (runId: string) => Effect.Effect<Stream.Stream<BuildEvent>, never, Scope.Scope>
  }
>()("worker/BuildProgress") {
  static readonly layer = Layer.sync(BuildProgress, () => {
    const channels = new Map<string, Channel>()

    const open = (runId: string) =>
      Effect.gen(function* () {
        const existing = channels.get(runId)
        if (existing) {
          existing.subscribers += 1
          return existing
        }
        // Unbounded: a build bounds its own output, and a publisher must never wait for a turn's reader.
        const created: Channel = { pubsub: yield* PubSub.unbounded<BuildEvent>(), subscribers: 1 }
        channels.set(runId, created)
        return created
      })

    const close = (runId: string, channel: Channel) =>
      Effect.suspend(() => {
        channel.subscribers -= 1
        if (channel.subscribers > 0) return Effect.void
        if (channels.get(runId) === channel) channels.delete(runId)
        return PubSub.shutdown(channel.pubsub)
      })

    return BuildProgress.of({
      publish: (runId, event) =>
        Effect.suspend(() => {
          const channel = channels.get(runId)
          return channel ? Effect.asVoid(PubSub.publish(channel.pubsub, event)) : Effect.void
        }),
      subscribe: (runId) =>
        Effect.gen(function* () {
          const channel = yield* Effect.acquireRelease(open(runId), (opened) => close(runId, opened))
          return Stream.fromSubscription(yield* PubSub.subscribe(channel.pubsub))
        }),
    })
  })
}
