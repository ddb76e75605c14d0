// Builder runs across two workers (tests/runs/scale-out-world.ts: two webs, two workers, one
// Redis, one SQLite store, the real Claude Code against the fake model):
//   a. routing: an app with no owner goes to the least-loaded worker, so two apps started side by
//      side land on different workers; an app's next turn goes to its owner even when the owner is
//      the busier one;
//   b. the worker owning an app killed mid-run (SIGKILL, its tree): the run fails as retryable
//      worker_lost within the lease; the retry runs on the other worker, which gets the app's
//      files back from the last snapshot and the conversation handed over;
//   c. a worker sent SIGTERM mid-run drains: the run completes (every event, its files in the
//      snapshot), a new app's turn sent meanwhile goes to the other worker, and the drained worker
//      exits and leaves the registry.
// Where an app lives is read off the workers' disks (<workspaces>/apps/<appId>) and the session
// lease in Redis, never inferred from timing.

import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { eventually } from "#tests/fixtures/eventually.ts"
import type { ClusterWorker } from "#tests/fixtures/second-cluster.ts"
import { appReleased, hangsOpen, slowReply, startScaleOutWorld, type Run, type ScaleOutWorld } from "./scale-out-world.ts"

let world: ScaleOutWorld

beforeAll(async () => {
  // The drain deadline is far above any turn here, so a drained turn always gets to finish.
  world = await startScaleOutWorld("scale-out-faults", { workerEnv: { SECOND_WORKER_DRAIN_SECONDS: "60" } })
}, 240_000)

afterAll(async () => {
  await world?.stop()
}, 90_000)

const other = (worker: ClusterWorker) => world.cluster.workers.find((each) => each !== worker)!

/**
 * Lets the webs' view of the registry catch up with what Redis shows now: each web serves one
 * registry read for 500 ms (app/worker-client/worker-directory.server.ts), so a load the test
 * just saw announced can be unknown to a web for that long. Not an assertion: a wait for a cache.
 */
const webViewCatchesUp = () => new Promise((resolve) => setTimeout(resolve, 1_000))

/** Waits until the registry shows `worker` running at least `turns` turns, and the webs have seen it. */
const busyWith = async (worker: ClusterWorker, turns: number) => {
  await world.within(
    eventually(async () => ((await world.entryOf(worker))?.activeTurns ?? 0) >= turns, 60_000),
    65_000,
    `${worker.name} to announce ${turns} running turn(s)`,
  )
  await webViewCatchesUp()
}

/**
 * Stops a run waiting on the model (the person presses stop) and waits until it is settled, the
 * app released and the agent's request to the model closed.
 */
async function stopRun(appId: string, runId: string) {
  const hanging = world.fake.openHangs()
  await world.call<Run>("mutation", "runs.stop", { workspaceId: world.workspaceId, runId })
  expect((await world.settled(appId, runId)).status).not.toBe("running")
  await appReleased(world, appId)
  await world.fake.until(() => world.fake.openHangs() < hanging, "the stopped turn's request to close", 60_000)
}

/** Creates an app whose first turn writes `path`, and waits until it completed; returns its id. */
async function appWithFile(prompt: string, path: string, content: string): Promise<string> {
  world.fake.script([{ kind: "writeFile", path, content, then: `Saved ${path}.` }])
  const created = await world.createApp(prompt)
  const done = await world.settled(created.app.id, created.run.id)
  expect(done.status, JSON.stringify(done.error)).toBe("completed")
  await appReleased(world, created.app.id)
  return created.app.id
}

describe("builder runs across two workers", () => {
  it("an app with no owner goes to the least-loaded worker; an app's next turn goes to its owner", { timeout: 300_000 }, async () => {
    const { fake } = world
    // First app: it writes a file, then waits on the model, keeping its worker busy.
    fake.script([{ kind: "writeFile", path: "first.txt", content: "one" }, { kind: "hang", text: "Still thinking" }])
    const first = await world.createApp("The first app")
    await hangsOpen(world, 1)
    const x = world.ownerByDisk(first.app.id)
    const y = other(x)
    await busyWith(x, 1)

    // Second app, while the first one's worker is busy: the other worker takes it.
    fake.script([{ kind: "writeFile", path: "second.txt", content: "two" }, { kind: "hang", text: "Also thinking" }])
    const second = await world.createApp("The second app", 1)
    await hangsOpen(world, 2)
    expect(world.ownerByDisk(second.app.id)).toBe(y)
    expect(world.fileOn(y, second.app.id, "second.txt")).toBe("two")
    expect((await world.leaseHolder(first.app.id))?.worker).toBe(x)
    expect((await world.leaseHolder(second.app.id))?.worker).toBe(y)

    // Make the first app's owner the busier one: its turn ends, a third app starts there (the
    // second's worker is busy), then the second's turn ends, leaving x with one turn and y none.
    await stopRun(first.app.id, first.run.id)
    await eventually(async () => ((await world.entryOf(x))?.activeTurns ?? 1) === 0, 60_000)
    await webViewCatchesUp()
    fake.clearScript()
    fake.script([{ kind: "hang", text: "Third app thinking" }])
    const third = await world.createApp("The third app")
    await hangsOpen(world, 2)
    expect(world.ownerByDisk(third.app.id)).toBe(x)
    await stopRun(second.app.id, second.run.id)
    await busyWith(x, 1)
    await eventually(async () => ((await world.entryOf(y))?.activeTurns ?? 1) === 0, 60_000)

    // The first app's next turn still goes to x, its owner: least-loaded alone would say y.
    fake.clearScript()
    fake.script([{ kind: "writeFile", path: "again.txt", content: "owner", then: "Written again." }])
    const next = await world.send(first.app.id, "Write again", 1)
    const done = await world.settled(first.app.id, next.id)
    expect(done.status, JSON.stringify(done.error)).toBe("completed")
    expect(world.fileOn(x, first.app.id, "again.txt")).toBe("owner")
    expect(world.fileOn(x, first.app.id, "first.txt")).toBe("one")
    expect(world.fileOn(y, first.app.id, "again.txt")).toBeNull()
    expect((await world.leaseHolder(first.app.id))?.worker).toBe(x)

    await stopRun(third.app.id, third.run.id)
  })

  it("the owner killed mid-run fails the run as retryable; the retry runs on the other worker with the app's files", { timeout: 300_000 }, async () => {
    const { fake } = world
    const appId = await appWithFile("Keep a note: remember the milk", "notes.txt", "remember the milk")
    const x = world.ownerByDisk(appId)
    const y = other(x)
    const leaseBefore = await world.leaseHolder(appId)
    expect(leaseBefore?.worker).toBe(x)

    fake.clearScript()
    fake.script([{ kind: "hang", text: "Thinking at length" }])
    const interrupted = await world.send(appId, "Think about it at length")
    await hangsOpen(world, 1)
    await x.kill("SIGKILL")
    // The web's run lease is 3 s: the reaper fails it soon after (bounded generously for CI).
    const failed = await world.within(world.settled(appId, interrupted.id, 60_000), 65_000, "the interrupted run to fail")
    expect(failed.status).toBe("failed")
    expect(failed.error).toMatchObject({ code: "worker_lost", retryable: true })
    const events = await world.wholeStream(interrupted.id)
    expect(events.slice(-2)).toEqual([
      expect.objectContaining({ type: "error", code: "worker_lost", retryable: true }),
      { type: "turn.completed", outcome: "failed" },
    ])
    await appReleased(world, appId)

    // The person retries (the button on a retryable failure). x is gone: y takes the app.
    fake.clearScript()
    const before = fake.requests.length
    fake.script([{ kind: "shell", command: "cat notes.txt", then: "Your note says: remember the milk." }])
    const retry = await world.call<Run>("mutation", "runs.retry", { workspaceId: world.workspaceId, runId: interrupted.id }, 1)
    expect(retry.retryOf).toBe(interrupted.id)
    const answered = await world.settled(appId, retry.id)
    expect(answered.status, JSON.stringify(answered.error)).toBe("completed")
    expect(answered.transcript).toContainEqual({ kind: "text", text: "Your note says: remember the milk." })

    // y has the app's files, restored from the snapshot of the first turn…
    expect(world.fileOn(y, appId, "notes.txt")).toBe("remember the milk")
    const leaseAfter = await world.leaseHolder(appId)
    expect(leaseAfter?.worker).toBe(y)
    expect(leaseAfter!.fence).toBeGreaterThan(leaseBefore!.fence)
    const asked = fake.requests.slice(before).filter((request) => request.scripted)
    // …its agent found them there…
    expect(asked.some((request) => request.toolResults.some((result) => result.includes("remember the milk")))).toBe(true)
    // …and was told the conversation, which y never saw.
    const prompt = asked[0]?.lastUserText ?? ""
    expect(prompt).toContain("You are continuing a conversation")
    expect(prompt).toContain("User: Keep a note: remember the milk")
    expect(prompt).toContain("Saved notes.txt.")
    expect(prompt).toMatch(/Think about it at length\s*$/)

    // x comes back on its address and registers again, as a new process with a new id.
    const oldId = leaseBefore!.workerId
    await x.start()
    await world.everyWorkerReady()
    const entry = await world.entryOf(x)
    expect(entry?.id).not.toBe(oldId)
    expect(entry?.id.startsWith(`${x.name}-`)).toBe(true)
  })

  it("a worker sent SIGTERM mid-run finishes the run; new turns go to the other worker; it leaves the registry", { timeout: 300_000 }, async () => {
    const { fake } = world
    const appId = await appWithFile("A drained app", "start.txt", "begun")
    const x = world.ownerByDisk(appId)
    const y = other(x)

    // The turn: a shell command that outlasts the SIGTERM and writes a file at its end, then a
    // long streamed answer, every chunk of which must arrive.
    fake.clearScript()
    fake.script([{ kind: "shell", command: "sleep 3 && printf drained > drained.txt" }, slowReply(150, 100, "part")])
    const before = fake.requests.length
    const draining = await world.send(appId, "Work through the drain")
    await world.within(
      fake.waitForRequest((request) => request.seq > before && request.answeredWith === "shell", 90_000),
      95_000,
      "the agent to start its shell command",
    )
    const exited = x.sigterm()
    await world.within(
      eventually(async () => (await world.entryOf(x))?.draining === true, 30_000),
      35_000,
      `${x.name} to announce that it is draining`,
    )

    // Wait until the drained turn has taken its last step, so the new app's steps are its own.
    await world.within(
      fake.until(() => fake.remaining() === 0, "the drained turn's answer", 90_000),
      95_000,
      "the drained turn to stream its answer",
    )
    fake.script([{ kind: "writeFile", path: "new.txt", content: "elsewhere", then: "Made it." }])
    const fresh = await world.createApp("A new app during the drain")
    // Sent while x was still draining its turn: not x, whose turn is still running.
    expect(x.running).toBe(true)
    expect((await world.runNow(appId, draining.id))?.status).toBe("running")
    const freshDone = await world.settled(fresh.app.id, fresh.run.id)
    expect(freshDone.status, JSON.stringify(freshDone.error)).toBe("completed")
    expect(world.ownerByDisk(fresh.app.id)).toBe(y)
    expect(world.fileOn(y, fresh.app.id, "new.txt")).toBe("elsewhere")

    // The drained run completes, with every event…
    const done = await world.settled(appId, draining.id)
    expect(done.status, JSON.stringify(done.error)).toBe("completed")
    expect(done.error).toBeNull()
    const events = await world.wholeStream(draining.id)
    expect(events.at(-1)).toEqual({ type: "turn.completed", outcome: "completed" })
    expect(events.filter((event) => event.type === "error")).toEqual([])
    const text = events.filter((event) => event.type === "text.delta").map((event) => event.text).join("")
    expect(text).toContain(Array.from({ length: 150 }, (_, index) => `part ${index + 1}. `).join(""))
    // …and the file the shell wrote after the SIGTERM is in the app's snapshot.
    await appReleased(world, appId)
    const files = await world.snapshotFiles(appId)
    expect(files).toMatchObject({ "start.txt": "begun", "drained.txt": "drained" })

    // x exits by itself once its turn is done (an exit code, not a signal's kill; Effect's runMain
    // answers an interrupted main with 130), and withdraws from the registry as it goes.
    expect(typeof (await world.within(exited, 90_000, `${x.name} to exit after draining`))).toBe("number")
    expect((await world.registry()).filter((entry) => entry.url === x.url)).toEqual([])

    // The app's next turn goes to y, which restores it from that snapshot.
    fake.script([{ kind: "shell", command: "cat drained.txt", then: "It says drained." }])
    const after = await world.send(appId, "What does drained.txt say?")
    const afterDone = await world.settled(appId, after.id)
    expect(afterDone.status, JSON.stringify(afterDone.error)).toBe("completed")
    expect(world.fileOn(y, appId, "drained.txt")).toBe("drained")

    await x.start()
    await world.everyWorkerReady()
  })
})
