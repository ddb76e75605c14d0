// POST /api/internal/app-builds in-process (real SQLite file, in-process live port): builds become
// versions 1, 2, 3 even when reported at once, a retried report makes no second version, and a
// report that is forged, late, malformed or unkeepable is refused with nothing written.

import { afterEach, describe, expect, it } from "vitest"
import { workspaceEventsChannel } from "../events/workspace-events.server.ts"
import { buildReport, builtSource, createVersionWorld, type VersionWorld } from "#tests/fixtures/version-world.ts"
import { newId } from "#shared/ids.ts"
import { apps, appVersions, runs, snapshots, type RunDocument } from "../store/collections.server.ts"
import { settleRun } from "../runs/run-settlement.server.ts"

const worlds: VersionWorld[] = []
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close()
})
async function world() {
  const made = await createVersionWorld()
  worlds.push(made)
  return made
}

const json = async (response: Response) => ({ status: response.status, body: (await response.json()) as Record<string, unknown> })

async function countsOf(given: VersionWorld) {
  const store = given.services.store
  return { versions: await store.collection(appVersions).count({}), snapshots: await store.collection(snapshots).count({}) }
}

describe("recording builds", () => {
  it("numbers builds 1, 2, 3 per app, even when reported at once, and makes the newest current", async () => {
    const given = await world()
    const { app, run } = await given.appInTurn()
    const heard: string[] = []
    await given.services.live.subscribe(workspaceEventsChannel(given.workspaceId), (message) => heard.push(JSON.parse(message).event.type))

    const answers = await Promise.all(["one", "two", "three"].map((label) => given.postBuild(buildReport(run, label)).then(json)))

    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200])
    expect(answers.map((answer) => answer.body["versionNumber"]).sort()).toEqual([1, 2, 3])
    const stored = await given.services.store.collection(appVersions).findMany({ appId: app.id }, { sort: [["number", 1]] })
    expect(stored.map((version) => version.number)).toEqual([1, 2, 3])
    expect(new Set(stored.map((version) => version.snapshotId)).size).toBe(3)
    expect(stored.every((version) => version.runId === run.id && version.requestedByUserId === run.createdByUserId && version.message === run.prompt)).toBe(true)
    const newest = stored[2]!
    const appNow = await given.appNow(app.id)
    expect([appNow.currentVersionId, appNow.currentVersionNumber, appNow.snapshotId, appNow.lastVersionNumber]).toEqual([newest.id, 3, newest.snapshotId, 3])
    expect(heard.filter((type) => type === "app.version.created")).toHaveLength(3)
    // The next app starts from 1 again.
    const other = await given.appInTurn()
    expect((await json(await given.postBuild(buildReport(other.run, "other")))).body["versionNumber"]).toBe(1)
  })

  it("answers a retried report with the version it made, once or twice at once", async () => {
    const given = await world()
    const { app, run } = await given.appInTurn()
    const first = await json(await given.postBuild(buildReport(run, "one")))
    const again = await json(await given.postBuild(buildReport(run, "one", "Another summary, same source")))
    expect(again).toEqual(first)

    const [a, b] = await Promise.all([given.postBuild(buildReport(run, "two")).then(json), given.postBuild(buildReport(run, "two")).then(json)])
    expect(a.status).toBe(200)
    expect(b).toEqual(a)
    expect(a.body["versionNumber"]).toBe(2)
    const numbers = (await given.services.store.collection(appVersions).findMany({ appId: app.id })).map((version) => version.number)
    expect(numbers.sort()).toEqual([1, 2])
  })

  it("records an unchanged source as a new version that shares the app's snapshot", async () => {
    const given = await world()
    const { app, run } = await given.appInTurn()
    const first = await json(await given.postBuild(buildReport(run, "same")))
    const second = await json(await given.postBuild(buildReport(await nextTurn(given, run), "same", "Rebuilt without changes")))
    expect(second.body["versionNumber"]).toBe(2)
    const versions = await given.services.store.collection(appVersions).findMany({ appId: app.id }, { sort: [["number", 1]] })
    expect(versions[1]!.snapshotId).toBe(versions[0]!.snapshotId)
    expect((await countsOf(given)).snapshots).toBe(1)
    expect((await given.appNow(app.id)).currentVersionId).toBe(second.body["versionId"])
    expect(first.body["versionId"]).not.toBe(second.body["versionId"])
  })

  it("keeps a version's snapshot when the turn's end stores a newer source", async () => {
    const given = await world()
    const { app, run } = await given.appInTurn()
    await given.postBuild(buildReport(run, "built"))
    const [version] = await given.services.store.collection(appVersions).findMany({ appId: app.id })
    // The agent changed a file after building; the turn's end carries that source.
    await settleRun(given.services, run, { status: "completed", error: null, transcript: [], source: builtSource("built", { "src/extra.ts": "changed after the build" }) })
    const appNow = await given.appNow(app.id)
    expect(appNow.snapshotId).not.toBe(version!.snapshotId)
    expect(await given.services.store.collection(snapshots).findOne({ id: version!.snapshotId })).not.toBeNull()
    // The next build replaces that unversioned snapshot, which is then dropped.
    const turnEnd = appNow.snapshotId!
    await given.postBuild(buildReport(await nextTurn(given, run), "rebuilt"))
    expect(await given.services.store.collection(snapshots).findOne({ id: turnEnd })).toBeNull()
    expect(await given.services.store.collection(snapshots).findOne({ id: version!.snapshotId })).not.toBeNull()
  })
})

describe("refusing build reports", () => {
  it("rejects claims the run cannot make (ended, another app's, workspace's or runtime's) alike, writing nothing", async () => {
    const given = await world()
    const { run } = await given.appInTurn()
    const other = await given.appInTurn()
    const claims = buildReport(run, "x").claims
    const reports = [
      { ...buildReport(run, "x"), claims: { ...claims, appId: other.app.id } },
      { ...buildReport(run, "x"), claims: { ...claims, workspaceId: given.outsiderWorkspaceId } },
      { ...buildReport(run, "x"), claims: { ...claims, runtime: "codex" as const } },
      { ...buildReport(run, "x"), claims: { ...claims, runId: other.run.id } },
    ]
    for (const report of reports) {
      expect(await json(await given.postBuild(report))).toEqual({
        status: 403,
        body: { error: { code: "claims_rejected", message: "This run cannot record a build now." } },
      })
    }
    await given.services.store.collection(runs).updateOne({ id: run.id }, { status: "completed" })
    expect((await given.postBuild(buildReport(run, "x"))).status).toBe(403)
    expect(await countsOf(given)).toEqual({ versions: 0, snapshots: 0 })
  })

  it("keeps no build of a run that no longer holds the app (stopped while its report was on the way), so it cannot hide what came after", async () => {
    const given = await world()
    const { app, run } = await given.appInTurn()
    // The run is still marked running, but the app has moved on (stopped and released, say).
    await given.services.store.collection(apps).updateOne({ id: app.id }, { activeRunId: null })
    expect((await json(await given.postBuild(buildReport(run, "late")))).status).toBe(403)
    expect((await given.appNow(app.id)).lastVersionNumber ?? null).toBeNull()
    expect(await countsOf(given)).toEqual({ versions: 0, snapshots: 0 })
  })

  it("answers a body that is not a build report with 400 and the schema's words", async () => {
    const given = await world()
    const { run } = await given.appInTurn()
    const report = buildReport(run, "x")
    for (const body of ["not json", "null", "[]", JSON.stringify({ ...report, source: undefined }), JSON.stringify({ ...report, summary: "x".repeat(4_001) })]) {
      const answer = await json(await given.postBuild(body))
      expect(answer.status, body.slice(0, 40)).toBe(400)
      expect((answer.body["error"] as { message: string }).message).toMatch(/^The build report does not match shared\/apps\/app-build\.ts\./)
    }
    const summary = await json(await given.postBuild(JSON.stringify({ ...report, summary: "x".repeat(4_001) })))
    expect((summary.body["error"] as { message: string }).message).toMatch(/summary|4000|length/i)
    expect((await given.postBuild(report, { token: null })).status).toBe(401)
    expect((await given.postBuild(report, { token: "wrong" })).status).toBe(401)
    expect(await countsOf(given)).toEqual({ versions: 0, snapshots: 0 })
  })

  it("refuses a build it could not preview (no dist/index.html, a dist file left out, too large) and says what to change", async () => {
    const given = await world()
    const { run } = await given.appInTurn()
    const report = buildReport(run, "x")
    const { "dist/index.html": _index, ...withoutIndex } = report.source.files as Record<string, string>
    const cases = [
      [{ ...report.source, files: withoutIndex }, /no dist\/index\.html/],
      [{ ...report.source, skipped: ["dist/assets/vendor-abc.js"] }, /dist\/assets\/vendor-abc\.js is over the size limit.*split the bundle/],
      [{ tooLarge: "more than 12 MiB of source" }, /too large to keep as a version \(more than 12 MiB of source\)/],
    ] as const
    for (const [source, message] of cases) {
      const answer = await json(await given.postBuild({ ...report, source }))
      expect(answer.status).toBe(422)
      expect((answer.body["error"] as { code: string; message: string }).message).toMatch(message)
    }
    expect(await countsOf(given)).toEqual({ versions: 0, snapshots: 0 })
  })
})

/** Ends the app's turn and starts the next one, as the web stores them: the new turn's run. */
async function nextTurn(given: VersionWorld, previous: RunDocument): Promise<RunDocument> {
  const store = given.services.store
  await store.collection(runs).updateOne({ id: previous.id, status: "running" }, { status: "completed", endedAt: new Date().toISOString() })
  const next: RunDocument = { ...previous, id: newId(), prompt: "Make it blue", status: "running", createdAt: new Date().toISOString() }
  await store.collection(runs).insert(next)
  await store.collection(apps).updateOne({ id: previous.appId }, { activeRunId: next.id })
  return next
}
