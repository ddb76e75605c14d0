// A model the person picks is one its runtime offers, or nothing happens: creating an app or
// sending a message with another runtime's model is refused with a 400 naming the runtime and
// what to pick, before anything is stored or sent to the worker. In-process web tier (real
// SQLite, tRPC through createCaller with real authorization), a worker client reporting models.

import { TRPCError } from "@trpc/server"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { createVersionWorld, type VersionWorld } from "#tests/fixtures/version-world.ts"
import { apps, runs } from "../store/collections.server.ts"
import { WorkerUnavailableError, type WorkerRuntimeReport } from "../worker-client/worker-client.server.ts"

const REPORT: readonly WorkerRuntimeReport[] = [
  { id: "claude", usable: true, reason: null, version: "2.1.197", models: [{ id: "opus", label: "Opus" }, { id: "sonnet", label: "Sonnet" }], defaultModel: "opus" },
  { id: "codex", usable: true, reason: null, version: "0.171.0", models: [{ id: "gpt-5.5", label: "GPT-5.5" }], defaultModel: "gpt-5.5" },
  // OpenCode could not list its models: any well-formed id goes through.
  { id: "opencode", usable: true, reason: null, version: "1.18.33", models: [], defaultModel: null },
]

let world: VersionWorld
let report: () => Promise<readonly WorkerRuntimeReport[]>
beforeEach(async () => {
  world = await createVersionWorld()
  report = async () => REPORT
  world.services.worker.runtimes = () => report()
})
afterEach(() => world.close())

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error,
  )

const stored = async () => ({
  apps: await world.services.store.collection(apps).count({ workspaceId: world.workspaceId }),
  runs: await world.services.store.collection(runs).count({ workspaceId: world.workspaceId }),
  turns: world.turns.length,
})

describe("creating an app", () => {
  it("refuses another runtime's model with a 400 that says what to pick, and writes nothing", async () => {
    const caller = world.caller(world.people.creator)
    const before = await stored()
    const error = await refusal(caller.apps.create({ workspaceId: world.workspaceId, prompt: "A clock", runtime: "claude", model: "gpt-5.5" }))
    expect(error).toBeInstanceOf(TRPCError)
    expect(error).toMatchObject({
      code: "BAD_REQUEST",
      message: 'Claude Code does not offer the model "gpt-5.5" on this worker. Pick one of Claude Code\'s models (such as opus, sonnet), or choose the runtime that offers "gpt-5.5".',
    })
    expect(await stored()).toEqual(before)
  })

  it("takes a model its runtime offers, and the runtime's default, and sends the turn with it", async () => {
    const caller = world.caller(world.people.creator)
    const { app } = await caller.apps.create({ workspaceId: world.workspaceId, prompt: "A clock", runtime: "codex", model: "gpt-5.5" })
    expect(app).toMatchObject({ runtime: "codex", model: "gpt-5.5" })
    expect(world.turns.at(-1)).toMatchObject({ runtime: "codex", model: "gpt-5.5" })
    const byDefault = await caller.apps.create({ workspaceId: world.workspaceId, prompt: "A timer", runtime: "claude", model: "" })
    expect(byDefault.app.model).toBeNull()
  })

  it("lets any well-formed model through when the list is not known: the worker's list is empty, or the worker cannot be asked", async () => {
    const caller = world.caller(world.people.creator)
    const { app } = await caller.apps.create({ workspaceId: world.workspaceId, prompt: "A clock", runtime: "opencode", model: "openai/my-gateway-model" })
    expect(app.model).toBe("openai/my-gateway-model")
    report = () => Promise.reject(new WorkerUnavailableError("unreachable"))
    const unreachable = await caller.apps.create({ workspaceId: world.workspaceId, prompt: "A timer", runtime: "claude", model: "sonnet" })
    expect(unreachable.app.model).toBe("sonnet")
  })
})

describe("sending a message", () => {
  it("refuses a model the chosen runtime, or the app's runtime, does not offer; nothing is stored or started", async () => {
    const { app } = await world.appInTurn()
    await world.services.store.collection(apps).updateOne({ id: app.id }, { activeRunId: null })
    const caller = world.caller(world.people.creator)
    const before = await stored()
    const send = (extra: { runtime?: "claude" | "codex" | "opencode"; model?: string }) =>
      refusal(caller.runs.send({ workspaceId: world.workspaceId, appId: app.id, prompt: "Make it blue", ...extra }))

    expect(await send({ runtime: "codex", model: "sonnet" })).toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/^Codex does not offer the model "sonnet"/) })
    // No runtime given: the model is checked against the app's (Claude Code).
    expect(await send({ model: "gpt-5.5" })).toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/^Claude Code does not offer the model "gpt-5.5"/) })
    expect(await stored()).toEqual(before)
    expect(await world.appNow(app.id)).toMatchObject({ runtime: "claude", model: null, activeRunId: null })

    expect(await send({ runtime: "codex", model: "gpt-5.5" })).toBeNull()
    expect(world.turns.at(-1)).toMatchObject({ runtime: "codex", model: "gpt-5.5" })
  })
})
