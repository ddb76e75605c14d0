// The builder loop end to end on the embedded default (one process, SQLite file, in-process live
// port), with the real Claude Code against the fake model: create an app from a prompt, watch
// its run over Server-Sent Events to the turn's end and the settle, and find the transcript and the source
// snapshot persisted (binary files included, and naming the files too large to keep); one turn at a time (a concurrent send gets 409); stop within 2 s;
// retry after a retryable failure; delete leaves nothing behind.

import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { eventuallyValue } from "#tests/fixtures/eventually.ts"
import { FAKE_API_KEY } from "#tests/fixtures/fake-model/cli-env.ts"
import { startFakeModel, type FakeModel } from "#tests/fixtures/fake-model/server.ts"
import { HttpPerson, type TrpcErrorBody } from "#tests/fixtures/http-person.ts"
import { startSecond, type SecondServer } from "#tests/fixtures/second-server.ts"
import { followRun as followStream } from "#tests/fixtures/sse-client.ts"

type Run = { id: string; appId: string; status: string; error: { code: string; retryable: boolean } | null; transcript: unknown[]; prompt: string }
type Created = { app: { id: string; name: string }; run: Run }

let fake: FakeModel
let second: SecondServer
let person: HttpPerson
let workspaceId: string

beforeAll(async () => {
  fake = await startFakeModel()
  second = await startSecond({ ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: FAKE_API_KEY, SECOND_RUN_LEASE_SECONDS: "3" })
  person = await new HttpPerson(second.url).signIn("builder@example.com")
  workspaceId = (await person.must<{ id: string }>("mutation", "workspaces.create", { name: "Builders" })).id
}, 120_000)

afterAll(async () => {
  await second?.stop()
  await fake?.stop()
})

/** Reads a run's events to the end, as a browser's EventSource would. */
const followRun = (runId: string, lastEventId?: string) => followStream(person, runId, lastEventId)

const runsOf = async (appId: string) => (await person.must<{ runs: Run[] }>("query", "runs.list", { workspaceId, appId })).runs

const settled = (appId: string, runId: string) =>
  eventuallyValue(async () => {
    const run = (await runsOf(appId)).find((candidate) => candidate.id === runId)
    return run && run.status !== "running" ? run : undefined
  }, 60_000)

describe("a builder run", () => {
  it("streams the scripted reply to the end and persists the transcript and the source", { timeout: 90_000 }, async () => {
    fake.script([
      { kind: "shell", command: "printf 'PNG\\000\\001' > logo.png" },
      { kind: "writeFile", path: "lunch.html", content: "<h1>Team lunch</h1>", then: "Your page is ready." },
    ])
    const created = await person.must<Created>("mutation", "apps.create", { workspaceId, prompt: "Build a team lunch page", runtime: "claude" })
    expect(created.app.name).toBe("Team lunch page")
    expect(created.run.status).toBe("running")

    const messages = await followRun(created.run.id)
    const events = messages.filter((message) => message.event === "message").map((message) => JSON.parse(message.data) as { type: string })
    expect(events.filter((event) => event.type === "error")).toEqual([])
    expect(events.slice(-2)).toEqual([
      { type: "turn.completed", outcome: "completed" },
      { type: "run.settled", status: "completed" },
    ])
    expect(events.map((event) => event.type)).toContain("tool.started")
    expect(new Set(messages.map((message) => message.id)).size).toBe(messages.length)

    // Once the stream says the run is settled, one reload shows it as it ended: no polling.
    const run = (await runsOf(created.app.id)).find((candidate) => candidate.id === created.run.id)!
    expect(run.status).toBe("completed")
    expect(run.transcript).toContainEqual({ kind: "text", text: "Your page is ready." })
    type Files = { source: string; files: Record<string, string>; binaryFiles: Record<string, number>; skipped: string[] }
    const files = await person.must<Files>("query", "apps.files", { workspaceId, appId: created.app.id })
    expect(files.files["lunch.html"]).toBe("<h1>Team lunch</h1>")
    // A binary file is kept with the source (named with its size, not shown).
    expect(files.binaryFiles).toEqual({ "logo.png": 5 })
    expect(files.skipped).toEqual([])
    const store = await second.openStore()
    try {
      const { snapshots } = await import("#app/store/collections.server.ts")
      const [snapshot] = await store.collection(snapshots).findMany({ appId: created.app.id })
      expect(snapshot).toMatchObject({ files: { "lunch.html": "<h1>Team lunch</h1>" }, binaryFiles: { "logo.png": Buffer.from("PNG\0\x01").toString("base64") } })
    } finally {
      await store.close()
    }

    // A browser that reconnects after the end is told to stop (204), not replayed twice.
    expect(await followRun(created.run.id, messages.at(-1)!.id!)).toEqual([])
  })

  it("takes one turn at a time: of two concurrent sends, one runs and the other is told it is busy", { timeout: 90_000 }, async () => {
    fake.script([{ kind: "text", text: "Ready." }])
    const created = await person.must<Created>("mutation", "apps.create", { workspaceId, prompt: "Say ready", runtime: "claude" })
    await settled(created.app.id, created.run.id)

    fake.script([{ kind: "hang" }])
    const send = () => person.mutate<Run | TrpcErrorBody>("runs.send", { workspaceId, appId: created.app.id, prompt: "Again" })
    const replies = await Promise.all([send(), send()])
    expect(replies.map((reply) => reply.status).sort()).toEqual([200, 409])
    const refused = replies.find((reply) => reply.status === 409)!.body as TrpcErrorBody
    expect(refused.error.message).toMatch(/already working on a message/)
    const running = (replies.find((reply) => reply.status === 200)!.body as unknown as { result: { data: Run } }).result.data
    expect((await runsOf(created.app.id)).filter((run) => run.status === "running").map((run) => run.id)).toEqual([running.id])

    // Stop once the model is answering: the run ends as stopped within 2 s, and its stream ends
    // for every watcher. (Stopping earlier would leave the scripted stall for the next test.)
    const watching = followRun(running.id)
    await fake.waitForHang(60_000)
    const startedAt = Date.now()
    const stopped = await person.must<Run>("mutation", "runs.stop", { workspaceId, runId: running.id })
    expect(Date.now() - startedAt).toBeLessThan(2_000)
    expect(stopped.status).toBe("stopped")
    const seen = await watching
    expect(seen.slice(-2).map((message) => JSON.parse(message.data))).toEqual([
      { type: "turn.completed", outcome: "cancelled" },
      { type: "run.settled", status: "stopped" },
    ])
  })

  it("fails with a retryable error when the runtime cannot be used, and can be retried", { timeout: 90_000 }, async () => {
    const created = await person.must<Created>("mutation", "apps.create", { workspaceId, prompt: "Use codex", runtime: "codex" })
    const failed = await settled(created.app.id, created.run.id)
    expect(failed.status).toBe("failed")
    expect(failed.error).toMatchObject({ code: "runtime_unavailable", retryable: true })
    const events = await followRun(created.run.id)
    expect(events.map((message) => message.event === "message" && JSON.parse(message.data).type)).toContain("error")

    const retried = await person.must<Run>("mutation", "runs.retry", { workspaceId, runId: created.run.id })
    expect(retried.prompt).toBe("Use codex")
    expect(retried.id).not.toBe(created.run.id)
  })

  it("names at most a hundred of the files it leaves out, and counts them all", { timeout: 90_000 }, async () => {
    // Files over the per-file limit (sparse, so they cost no disk) are named, not kept.
    fake.script([{ kind: "shell", command: "mkdir img && for i in $(seq 105); do truncate -s 600K img/$i.png; done", then: "Added images." }])
    const created = await person.must<Created>("mutation", "apps.create", { workspaceId, prompt: "Add images", runtime: "claude" })
    expect((await settled(created.app.id, created.run.id)).status).toBe("completed")
    const files = await person.must<{ skipped: string[]; skippedCount: number }>("query", "apps.files", { workspaceId, appId: created.app.id })
    expect(files.skipped).toHaveLength(100)
    expect(files.skipped.every((path) => /^img\/\d+\.png$/.test(path))).toBe(true)
    expect(files.skippedCount).toBe(105)
  })

  it("keeps the last snapshot when the source grows too large to keep, and says why the live copy is not shown", { timeout: 90_000 }, async () => {
    fake.script([{ kind: "writeFile", path: "a.txt", content: "first", then: "Done." }])
    const created = await person.must<Created>("mutation", "apps.create", { workspaceId, prompt: "Write a", runtime: "claude" })
    expect((await settled(created.app.id, created.run.id)).status).toBe("completed")

    fake.script([{ kind: "shell", command: "mkdir many && for i in $(seq 2001); do echo $i > many/$i.txt; done", then: "Made many files." }])
    const next = await person.must<Run>("mutation", "runs.send", { workspaceId, appId: created.app.id, prompt: "Make many files" })
    expect((await settled(created.app.id, next.id)).status).toBe("completed")

    type Files = { source: string; files: Record<string, string>; liveProblem: string | null }
    const files = await person.must<Files>("query", "apps.files", { workspaceId, appId: created.app.id })
    expect(files).toMatchObject({ source: "snapshot", files: { "a.txt": "first" } })
    expect(files.liveProblem).toMatch(/more than 2000 files/)
  })

  it("deletes an app with its runs and snapshots", { timeout: 90_000 }, async () => {
    expect(fake.remaining()).toBe(0)
    fake.script([{ kind: "writeFile", path: "a.txt", content: "a", then: "Done." }])
    const created = await person.must<Created>("mutation", "apps.create", { workspaceId, prompt: "Write a", runtime: "claude" })
    await settled(created.app.id, created.run.id)
    await person.must("mutation", "appData.insert", { workspaceId, appId: created.app.id, collection: "notes", data: { text: "kept until the app goes" } })
    await person.must("mutation", "apps.delete", { workspaceId, appId: created.app.id })
    const store = await second.openStore()
    try {
      const { apps, runs, snapshots } = await import("#app/store/collections.server.ts")
      const { appData, appDataUsage } = await import("#app/app-data/app-data-collections.server.ts")
      expect(await store.collection(apps).count({ id: created.app.id })).toBe(0)
      expect(await store.collection(runs).count({ appId: created.app.id })).toBe(0)
      expect(await store.collection(snapshots).count({ appId: created.app.id })).toBe(0)
      expect(await store.collection(appData).count({ appId: created.app.id })).toBe(0)
      expect(await store.collection(appDataUsage).count({ appId: created.app.id })).toBe(0)
    } finally {
      await store.close()
    }
    expect((await person.query("apps.get", { workspaceId, appId: created.app.id })).status).toBe(404)
  })
})
