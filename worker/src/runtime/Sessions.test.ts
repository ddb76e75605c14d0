// Sessions over a scripted adapter, with every other layer swapped for its test layer: one turn
// per app at a time, cancel as interruption (the runtime's stream is released, the reader told
// "cancelled"), the reader leaving stops the turn, the model and conversation a message gets,
// start-up failures retried on the schedule (virtual time) before the turn says so, and the
// session lease fence (a moved session is closed, its directory resynchronised, and its
// conversation handed over rather than resumed), and the worker's count kept through a caller
// that goes away while its turn is being admitted.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Latch, Layer, Stream } from "effect"
import { TestClock } from "effect/testing"
import type { RunEvent } from "#shared/runtime/run-event.ts"
import { loadWorkerConfig, WorkerConfig } from "../config/WorkerConfig.ts"
import { BuildProgress } from "../build/BuildProgress.ts"
import { McpTokens } from "../mcp/McpTokens.ts"
import { appWorkdir } from "../sandbox/app-directories.ts"
import { SandboxEnv } from "../sandbox/SandboxEnv.ts"
import { WorkerRegistry } from "../registry/WorkerRegistry.ts"
import { SecretStore } from "../secrets/SecretStore.ts"
import { runtimeStartError, type RuntimeAdapter } from "./adapters/runtime-adapter.ts"
import { Runtimes } from "./Runtimes.ts"
import { Sessions, type SendRequest } from "./Sessions.ts"

/** What the scripted runtime was asked, and what became of its turns. */
interface Journal {
  readonly opened: { readonly model: string | null; readonly resume: string | null }[]
  readonly prompts: string[]
  readonly released: string[]
  startFailures: number
  /** The runtime never names its conversation (stopped before it said its session id). */
  unnamed?: boolean
  /** The MCP token each opened session was given. */
  readonly tokens: string[]
}

/** A runtime whose turns answer the prompt; "hang" never ends, "fail" fails to start `startFailures` times. */
function scriptedAdapter(journal: Journal): RuntimeAdapter {
  return {
    id: "claude",
    open: (setup) =>
      Effect.sync(() => {
        journal.opened.push({ model: setup.model, resume: setup.resumeSessionId })
        if (setup.mcp) journal.tokens.push(setup.mcp.token)
        const native = setup.resumeSessionId ?? `native-${journal.opened.length}`
        return {
          runtime: "claude",
          nativeSessionId: () => (journal.unnamed ? null : native),
          turn: (prompt) =>
            Stream.suspend((): Stream.Stream<RunEvent, ReturnType<typeof runtimeStartError>> => {
              if (prompt === "fail" && journal.startFailures > 0) {
                journal.startFailures -= 1
                return Stream.fail(runtimeStartError("the scripted runtime would not start"))
              }
              journal.prompts.push(prompt)
              const started: RunEvent = { type: "session.started", runtime: "claude", sessionId: native, model: setup.model }
              const chatter = Stream.map(Stream.range(1, 1_000), (n): RunEvent => ({ type: "text.delta", text: `${n} ` }))
              const rest: Stream.Stream<RunEvent> =
                prompt === "hang"
                  ? Stream.never
                  : prompt === "chatty"
                    ? Stream.concat(chatter, Stream.never)
                    : Stream.make<RunEvent[]>({ type: "text.delta", text: prompt }, { type: "turn.completed", outcome: "completed" })
              return Stream.concat(Stream.make(started), rest).pipe(Stream.ensuring(Effect.sync(() => void journal.released.push(prompt))))
            }),
        }
      }),
  }
}

const withSessions = (
  journal: Journal,
  workspacesDir = mkdtempSync(join(tmpdir(), "sessions-test-")),
  registry: Layer.Layer<WorkerRegistry> = WorkerRegistry.layerTest,
) => {
  const settings = loadWorkerConfig({ SECOND_WORKSPACES_DIR: workspacesDir })
  return Sessions.layer.pipe(
    Layer.provide(Runtimes.layerTest({ claude: scriptedAdapter(journal) })),
    Layer.provide(SandboxEnv.layerTest),
    Layer.provide(registry),
    Layer.provide(BuildProgress.layer),
    Layer.provide(SecretStore.layerTest),
    Layer.provideMerge(McpTokens.layerTest),
    Layer.provide(NodeHttpServer.layerTest),
    Layer.provide(WorkerConfig.layer(settings)),
  )
}

const request = (runId: string, prompt: string, extra: Partial<SendRequest> = {}): SendRequest => ({
  prompt,
  runtime: "claude",
  model: "model-a",
  systemPrompt: null,
  runId,
  resumeSessionId: null,
  sourceFiles: null,
  ...extra,
})

/** Lets other fibers run until `done` holds (no time passes: a virtual clock stays where it is). */
const until = (done: () => boolean) =>
  Effect.gen(function* () {
    for (let spin = 0; spin < 10_000 && !done(); spin += 1) yield* Effect.yieldNow
    expect(done()).toBe(true)
  })

const newJournal = (): Journal => ({ opened: [], prompts: [], released: [], startFailures: 0, tokens: [] })

describe("Sessions", () => {
  it.live("takes one turn per app; cancel interrupts it, releases the runtime's stream and ends it as cancelled", () => {
    const journal = newJournal()
    return Effect.gen(function* () {
      const sessions = yield* Sessions
      const first = yield* sessions.send("app", request("run-1", "hang"))
      const reading = yield* Effect.forkChild(Stream.runCollect(first))
      yield* until(() => journal.prompts.includes("hang"))
      const busy = yield* Effect.flip(sessions.send("app", request("run-2", "hello")))
      expect(busy._tag).toBe("SessionBusyError")
      expect(yield* sessions.cancel("app", "another-run")).toEqual({ cancelled: false })
      expect(yield* sessions.cancel("app", "run-1")).toEqual({ cancelled: true })
      const events = yield* Fiber.join(reading)
      expect(events.at(-1)).toEqual({ type: "turn.completed", outcome: "cancelled" })
      expect(journal.released).toEqual(["hang"])
      expect((yield* sessions.status("app")).busy).toBe(false)
      const next = yield* Stream.runCollect(yield* sessions.send("app", request("run-3", "hello")))
      expect(next.at(-1)).toEqual({ type: "turn.completed", outcome: "completed" })
    }).pipe(Effect.provide(withSessions(journal)))
  })

  it.live("arms the session's MCP token for the turn's run only while the turn lasts: done, cancelled, or left by its reader", () => {
    const journal = newJournal()
    return Effect.gen(function* () {
      const sessions = yield* Sessions
      const tokens = yield* McpTokens
      const claimsOf = () => tokens.verify(journal.tokens[0] ?? "")
      yield* Stream.runDrain(yield* sessions.send("app", request("run-1", "hello", { workspaceId: "ws-1" })))
      expect(journal.tokens).toHaveLength(1)
      expect(yield* claimsOf()).toBeNull()

      const hanging = yield* sessions.send("app", request("run-2", "hang", { workspaceId: "ws-1" }))
      const reading = yield* Effect.forkChild(Stream.runCollect(hanging))
      yield* until(() => journal.prompts.includes("hang"))
      expect(yield* claimsOf()).toMatchObject({ workspaceId: "ws-1", appId: "app", runId: "run-2", runtime: "claude" })
      yield* sessions.cancel("app", "run-2")
      yield* Fiber.join(reading)
      expect(yield* claimsOf()).toBeNull()

      const left = yield* sessions.send("app", request("run-3", "hang", { workspaceId: "ws-1" }))
      expect(yield* Stream.runCollect(Stream.take(left, 1))).toMatchObject([{ type: "session.started" }])
      yield* until(() => journal.released.length === 3)
      expect(yield* claimsOf()).toBeNull()
      // Closing the session revokes the token for good.
      yield* sessions.destroy("app")
      expect(journal.tokens).toHaveLength(1)
    }).pipe(Effect.provide(withSessions(journal)))
  })

  it.live("stops the turn when its reader leaves, and frees the app", () => {
    const journal = newJournal()
    return Effect.gen(function* () {
      const sessions = yield* Sessions
      const events = yield* sessions.send("app", request("run-1", "hang"))
      expect(yield* Stream.runCollect(Stream.take(events, 1))).toMatchObject([{ type: "session.started" }])
      yield* Effect.yieldNow
      expect(journal.released).toEqual(["hang"])
      expect((yield* sessions.status("app")).busy).toBe(false)
    }).pipe(Effect.provide(withSessions(journal)))
  })

  it.live("frees the app when its reader leaves a full buffer behind", () => {
    const journal = newJournal()
    return Effect.gen(function* () {
      const sessions = yield* Sessions
      const events = yield* sessions.send("app", request("run-1", "chatty"))
      // The reader stalls on its first event while the runtime fills the buffer, then fails (as
      // a run whose stream cannot be written does).
      const read = yield* Effect.exit(Stream.runForEach(events, () => Effect.andThen(Effect.sleep("50 millis"), Effect.fail("the store is gone"))))
      expect(read._tag).toBe("Failure")
      yield* until(() => journal.released.includes("chatty"))
      yield* Effect.sleep("20 millis")
      expect((yield* sessions.status("app")).busy).toBe(false)
    }).pipe(Effect.provide(withSessions(journal)))
  })

  it.live("hands the conversation to an open session that never named its own", () => {
    const journal = { ...newJournal(), unnamed: true }
    return Effect.gen(function* () {
      const sessions = yield* Sessions
      const first = yield* sessions.send("app", request("run-1", "hang", { handoffPrompt: "hang" }))
      const reading = yield* Effect.forkChild(Stream.runCollect(first))
      yield* until(() => journal.prompts.length === 1)
      yield* sessions.cancel("app", "run-1")
      yield* Fiber.join(reading)
      yield* Stream.runCollect(yield* sessions.send("app", request("run-2", "hello", { handoffPrompt: "earlier turns, then hello" })))
      expect(journal.opened).toHaveLength(1)
      expect(journal.prompts).toEqual(["hang", "earlier turns, then hello"])
    }).pipe(Effect.provide(withSessions(journal)))
  })

  it.live("answers with the model picked, resuming the conversation when only the model changed, and hands a new session the conversation", () => {
    const journal = newJournal()
    return Effect.gen(function* () {
      const sessions = yield* Sessions
      const run = (runId: string, extra: Partial<SendRequest>) => Effect.flatMap(sessions.send("app", request(runId, "hello", extra)), Stream.runCollect)
      yield* run("run-1", { handoffPrompt: "earlier turns, then hello" })
      yield* run("run-2", { handoffPrompt: "earlier turns, then hello" })
      yield* run("run-3", { model: "model-b" })
      expect(journal.opened).toEqual([
        { model: "model-a", resume: null },
        { model: "model-b", resume: "native-1" },
      ])
      // A new session without one to resume is handed the conversation; an open or resumed one is not.
      expect(journal.prompts).toEqual(["earlier turns, then hello", "hello", "hello"])
    }).pipe(Effect.provide(withSessions(journal)))
  })

  it.effect("retries a runtime that fails to start after 250 ms and 1 s, then ends the turn saying so", () => {
    const journal = { ...newJournal(), startFailures: 5 }
    return Effect.gen(function* () {
      const sessions = yield* Sessions
      const reading = yield* Effect.forkChild(Stream.runCollect(yield* sessions.send("app", request("run-1", "fail"))))
      yield* until(() => journal.startFailures === 4)
      yield* TestClock.adjust("249 millis")
      expect(journal.startFailures).toBe(4)
      yield* TestClock.adjust("1 millis")
      expect(journal.startFailures).toBe(3)
      yield* TestClock.adjust("1 second")
      const events = yield* Fiber.join(reading)
      expect(journal.startFailures).toBe(2)
      expect(events).toEqual([
        { type: "error", message: "the scripted runtime would not start", retryable: true, code: "runtime_start_failed" },
        { type: "turn.completed", outcome: "failed" },
      ])
    }).pipe(Effect.provide(withSessions(journal)))
  })
})

describe("Sessions under a session lease fence", () => {
  /** A workspaces root whose app "app" holds `files` already (leftovers of an earlier owner). */
  const workspaces = (files: Record<string, string> = {}) => {
    const root = mkdtempSync(join(tmpdir(), "sessions-fence-"))
    const workdir = appWorkdir(root, "app")
    mkdirSync(workdir, { recursive: true })
    for (const [path, content] of Object.entries(files)) writeFileSync(join(workdir, path), content)
    return { root, workdir }
  }
  const fenced = (runId: string, sessionFence: number, extra: Partial<SendRequest> = {}) =>
    request(runId, "hello", { sessionFence, handoffPrompt: "earlier turns, then hello", ...extra })

  it.live("keeps the open session while the fence stays the one it served", () => {
    const journal = newJournal()
    return Effect.gen(function* () {
      const sessions = yield* Sessions
      yield* Stream.runCollect(yield* sessions.send("app", fenced("run-1", 1)))
      yield* Stream.runCollect(yield* sessions.send("app", fenced("run-2", 1)))
      expect(journal.opened).toHaveLength(1)
      expect(journal.prompts).toEqual(["earlier turns, then hello", "hello"])
    }).pipe(Effect.provide(withSessions(journal)))
  })

  it.live("on a new fence, closes the session and REPLACES the directory with the files sent", () => {
    const journal = newJournal()
    const { root, workdir } = workspaces()
    return Effect.gen(function* () {
      const sessions = yield* Sessions
      yield* Stream.runCollect(yield* sessions.send("app", fenced("run-1", 1)))
      writeFileSync(join(workdir, "mine.txt"), "written under fence 1")
      const files = { "index.html": "<h1>from the snapshot</h1>" }
      const events = yield* Stream.runCollect(yield* sessions.send("app", fenced("run-2", 2, { sourceFiles: files })))
      expect(events.at(-1)).toEqual({ type: "turn.completed", outcome: "completed" })
      expect(existsSync(join(workdir, "mine.txt"))).toBe(false)
      expect(readFileSync(join(workdir, "index.html"), "utf8")).toBe("<h1>from the snapshot</h1>")
      // A new session, handed the conversation: the old one had not seen what happened elsewhere.
      expect(journal.opened).toEqual([
        { model: "model-a", resume: null },
        { model: "model-a", resume: null },
      ])
      expect(journal.prompts).toEqual(["earlier turns, then hello", "earlier turns, then hello"])
    }).pipe(Effect.provide(withSessions(journal, root)))
  })

  it.live("on a new fence without files, asks for the snapshot there is, and serves the fence once it comes", () => {
    const journal = newJournal()
    const { root, workdir } = workspaces()
    return Effect.gen(function* () {
      const sessions = yield* Sessions
      yield* Stream.runCollect(yield* sessions.send("app", fenced("run-1", 1)))
      const refused = yield* Effect.flip(sessions.send("app", fenced("run-2", 2, { snapshotAvailable: true })))
      expect(refused._tag).toBe("SessionSourceNeededError")
      expect(yield* sessions.status("app")).toMatchObject({ exists: false, busy: false })
      // The web sends the snapshot with the same fence: replaced, and the fence served from then on.
      yield* Stream.runCollect(yield* sessions.send("app", fenced("run-2", 2, { snapshotAvailable: true, sourceFiles: { "a.txt": "a" } })))
      expect(readFileSync(join(workdir, "a.txt"), "utf8")).toBe("a")
      yield* Stream.runCollect(yield* sessions.send("app", fenced("run-3", 2, { snapshotAvailable: true })))
      expect(journal.opened).toHaveLength(2)
    }).pipe(Effect.provide(withSessions(journal, root)))
  })

  it.live("on a new fence with no snapshot anywhere, starts the app clean", () => {
    const journal = newJournal()
    const { root, workdir } = workspaces()
    return Effect.gen(function* () {
      const sessions = yield* Sessions
      yield* Stream.runCollect(yield* sessions.send("app", fenced("run-1", 1)))
      writeFileSync(join(workdir, "stale.txt"), "what another owner never saw")
      const events = yield* Stream.runCollect(yield* sessions.send("app", fenced("run-2", 3, { snapshotAvailable: false })))
      expect(events.at(-1)).toEqual({ type: "turn.completed", outcome: "completed" })
      expect(existsSync(join(workdir, "stale.txt"))).toBe(false)
      expect(journal.opened).toHaveLength(2)
    }).pipe(Effect.provide(withSessions(journal, root)))
  })

  it.live("on a new fence, never resumes the session the web names: it asks for the handover, or uses the one sent", () => {
    const journal = newJournal()
    const { root } = workspaces()
    return Effect.gen(function* () {
      const sessions = yield* Sessions
      yield* Stream.runCollect(yield* sessions.send("app", fenced("run-1", 1)))
      // The web would resume the session the previous owner ran: it is not this worker's.
      for (const snapshotAvailable of [true, false]) {
        const refused = yield* Effect.flip(
          sessions.send("app", fenced("run-2", 2, { snapshotAvailable, resumeSessionId: "elsewhere-1", handoffPrompt: null })),
        )
        expect(refused._tag).toBe("SessionSourceNeededError")
      }
      // With the handover (and a restore's files), the named session is ignored all the same.
      const files = { "index.html": "restored" }
      yield* Stream.runCollect(yield* sessions.send("app", fenced("run-2", 2, { resumeSessionId: "elsewhere-1", sourceFiles: files })))
      expect(journal.opened.map((opened) => opened.resume)).toEqual([null, null])
      expect(journal.prompts).toEqual(["earlier turns, then hello", "earlier turns, then hello"])
      // Same fence from then on: the web's resume is this worker's own session again.
      yield* Stream.runCollect(yield* sessions.send("app", fenced("run-3", 2, { resumeSessionId: "native-2", handoffPrompt: null })))
      expect(journal.opened).toHaveLength(2)
    }).pipe(Effect.provide(withSessions(journal, root)))
  })

  it.live("keeps the worker's count when the caller goes away while its turn is being admitted", () => {
    const journal = newJournal()
    let active = 0
    const entered = Latch.makeUnsafe(false)
    const admitted = Latch.makeUnsafe(false)
    // Counts first, then hands out the permit a step later: the gap an interruption could fall into.
    const registry = Layer.succeed(WorkerRegistry)(
      WorkerRegistry.of({
        id: "slow-admit",
        admit: Effect.gen(function* () {
          active += 1
          yield* entered.open
          yield* admitted.await
          let done = false
          return { release: Effect.sync(() => void (done ? undefined : ((done = true), (active -= 1)))) }
        }),
        load: Effect.sync(() => ({ id: "slow-admit", activeTurns: active, capacity: 8, draining: false })),
        notReady: Effect.succeed(null),
        drain: Effect.void,
        stopping: () => false,
      }),
    )
    return Effect.gen(function* () {
      const sessions = yield* Sessions
      const sending = yield* Effect.forkChild(sessions.send("app", request("run-1", "hello")))
      yield* entered.await
      const interrupting = yield* Effect.forkChild(Fiber.interrupt(sending))
      yield* admitted.open
      yield* Fiber.join(interrupting)
      expect(active).toBe(0)
      expect(yield* sessions.status("app")).toMatchObject({ busy: false })
      expect(journal.prompts).toEqual([])
    }).pipe(Effect.provide(withSessions(journal, undefined, registry)))
  })

  it.live("takes leftover source it never served under a fence as moved, and keeps today's rules without a fence", () => {
    const journal = newJournal()
    const { root, workdir } = workspaces({ "leftover.txt": "from a previous process" })
    return Effect.gen(function* () {
      const sessions = yield* Sessions
      const refused = yield* Effect.flip(sessions.send("app", fenced("run-1", 4, { snapshotAvailable: true })))
      expect(refused._tag).toBe("SessionSourceNeededError")
      // No fence: the directory's source is the app's, as before leases.
      yield* Stream.runCollect(yield* sessions.send("app", request("run-2", "hello", { snapshotAvailable: true })))
      expect(readFileSync(join(workdir, "leftover.txt"), "utf8")).toBe("from a previous process")
    }).pipe(Effect.provide(withSessions(journal, root)))
  })
})
