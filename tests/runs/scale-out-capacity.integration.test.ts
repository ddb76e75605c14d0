// Capacity across two workers (tests/runs/scale-out-world.ts), each taking one turn at a time
// (SECOND_WORKER_CONCURRENCY=1): three apps started at once → two run, one on each worker, and
// the third is answered "every agent worker is busy", retryable, with nothing half-done behind it
// (no run left running, the app not left claimed, no worker holding its files); retried once a
// worker is free, it runs.

import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { eventually } from "#tests/fixtures/eventually.ts"
import { appReleased, hangsOpen, startScaleOutWorld, type Created, type Run, type ScaleOutWorld } from "./scale-out-world.ts"

let world: ScaleOutWorld

beforeAll(async () => {
  world = await startScaleOutWorld("scale-out-capacity", { workerEnv: { SECOND_WORKER_CONCURRENCY: "1" } })
}, 240_000)

afterAll(async () => {
  await world?.stop()
}, 90_000)

describe("two workers at capacity", () => {
  it("three apps at once: two run, one per worker; the third is told every worker is busy, and can retry", { timeout: 300_000 }, async () => {
    const { fake, cluster } = world
    for (const entry of await world.registry()) expect(entry).toMatchObject({ capacity: 1, activeTurns: 0 })

    // Each turn that reaches the model waits there, holding its worker's one slot.
    fake.script([
      { kind: "hang", text: "Holding the first slot" },
      { kind: "hang", text: "Holding the second slot" },
    ])
    const created = await Promise.all(
      ["Busy app one", "Busy app two", "Busy app three"].map((prompt, index) => world.createApp(prompt, index % 2)),
    )
    const started = created.filter((each) => each.run.status === "running")
    const refused = created.filter((each) => each.run.status !== "running")
    expect(started, JSON.stringify(created.map((each) => each.run))).toHaveLength(2)
    expect(refused).toHaveLength(1)
    const [third] = refused as [Created]

    // The two run side by side, one on each worker.
    await hangsOpen(world, 2)
    const owners = started.map((each) => world.ownerByDisk(each.app.id))
    expect(new Set(owners).size).toBe(2)
    await world.within(
      eventually(async () => (await world.registry()).filter((entry) => entry.activeTurns === 1).length === 2, 60_000),
      65_000,
      "both workers to announce their one turn",
    )

    // The third: failed at once, retryable, in words the person understands.
    expect(third.run.status).toBe("failed")
    expect(third.run.error).toMatchObject({ retryable: true, message: expect.stringMatching(/every agent worker is busy/i) })
    const events = await world.wholeStream(third.run.id)
    expect(events.at(-1)).toEqual({ type: "turn.completed", outcome: "failed" })
    // Nothing half-done: the app is free again, no worker set it up, and it is not running.
    await appReleased(world, third.app.id)
    for (const worker of cluster.workers) expect(world.holds(worker, third.app.id)).toBe(false)
    expect((await world.runNow(third.app.id, third.run.id))?.status).toBe("failed")
    // The workers only ever took what they could: one turn each, never more.
    for (const entry of await world.registry()) expect(entry.activeTurns).toBeLessThanOrEqual(1)

    // A slot frees up: the retry runs.
    await world.call<Run>("mutation", "runs.stop", { workspaceId: world.workspaceId, runId: started[0]!.run.id })
    expect((await world.settled(started[0]!.app.id, started[0]!.run.id)).status).not.toBe("running")
    await fake.until(() => fake.openHangs() === 1, "the stopped turn's request to close", 60_000)
    await eventually(async () => (await world.registry()).some((entry) => entry.activeTurns === 0), 60_000)
    fake.clearScript()
    fake.script([{ kind: "writeFile", path: "third.txt", content: "at last", then: "Done at last." }])
    const retry = await world.call<Run>("mutation", "runs.retry", { workspaceId: world.workspaceId, runId: third.run.id }, 1)
    const done = await world.settled(third.app.id, retry.id)
    expect(done.status, JSON.stringify(done.error)).toBe("completed")
    expect(world.fileOn(world.ownerByDisk(third.app.id), third.app.id, "third.txt")).toBe("at last")

    // Every run of the three apps has ended, or is the one still holding its slot, until stopped.
    await world.call<Run>("mutation", "runs.stop", { workspaceId: world.workspaceId, runId: started[1]!.run.id })
    for (const each of created) {
      const { runs } = await world.call<{ runs: Run[] }>("query", "runs.list", { workspaceId: world.workspaceId, appId: each.app.id })
      expect(runs.filter((run) => run.status === "running")).toEqual([])
      await appReleased(world, each.app.id)
    }
  })
})
