// versions.list, versions.preview and versions.restore through tRPC's createCaller (their real
// authorization) on a real SQLite file, and the turn after a restore: it carries the restored
// files to the worker, with replaceSource, once.

import { TRPCError } from "@trpc/server"
import { afterEach, describe, expect, it } from "vitest"
import { buildReport, createVersionWorld, type VersionWorld } from "#tests/fixtures/version-world.ts"
import { servePreview } from "./preview-serving.server.ts"
import { restoredNote } from "./version-restore.server.ts"
import { sendMessage } from "../runs/runs.server.ts"
import { apps, appVersions, auditEvents, runs, snapshots, type AppDocument, type RunDocument } from "../store/collections.server.ts"
import type { WorkspaceScope } from "../workspaces/scope.server.ts"
import { findWorkspaceMembership } from "../workspaces/workspaces.server.ts"

const worlds: VersionWorld[] = []
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close()
})

/** An app built three times (v1, v2, v3), its turn over. */
async function appWithThreeVersions() {
  const given = await createVersionWorld()
  worlds.push(given)
  const { app, run } = await given.appInTurn()
  for (const label of ["one", "two", "three"]) expect((await given.postBuild(buildReport(run, label))).status).toBe(200)
  await endTurn(given, app, run)
  return { given, app: await given.appNow(app.id), run }
}

async function endTurn(given: VersionWorld, app: AppDocument, run: RunDocument) {
  await given.services.store.collection(runs).updateOne({ id: run.id }, { status: "completed", endedAt: new Date().toISOString() })
  await given.services.store.collection(apps).updateOne({ id: app.id }, { activeRunId: null })
}

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => null, (reason: unknown) => reason)
  expect(error, "the call was not refused").toBeInstanceOf(TRPCError)
  return error as TRPCError
}

/** What the preview URL serves at a path below it. */
async function fetchPreview(given: VersionWorld, url: string, path = "") {
  const token = url.split("/")[2]!
  return servePreview(given.services, new Request(`http://second.test${url}${path}`), token)
}

describe("versions.list", () => {
  it("lists versions newest first, who asked for each, and which is current", async () => {
    const { given, app } = await appWithThreeVersions()
    const { versions } = await given.caller(given.people.creator).versions.list({ workspaceId: given.workspaceId, appId: app.id })
    expect(versions.map((version) => [version.number, version.current, version.summary, version.restoredFromNumber])).toEqual([
      [3, true, "Built three", null],
      [2, false, "Built two", null],
      [1, false, "Built one", null],
    ])
    expect(versions[0]).toMatchObject({ requestedBy: { id: given.people.creator.id, name: "Ada" }, message: "Build a lunch order page" })
    expect(versions[0]!.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/)
  })
})

describe("versions.preview", () => {
  it("gives a URL for the current version, or a named one, and NOT_FOUND before the first build", async () => {
    const { given, app } = await appWithThreeVersions()
    const caller = given.caller(given.people.creator)
    const input = { workspaceId: given.workspaceId, appId: app.id }
    const current = await caller.versions.preview(input)
    expect(current).toMatchObject({ number: 3, versionId: app.currentVersionId, url: expect.stringMatching(/^\/preview\/[A-Za-z0-9_-]+\/$/) })
    expect(current.expiresAt).toBeGreaterThan(Date.now() + 11 * 60 * 60 * 1000)
    expect(await (await fetchPreview(given, current.url, "assets/index-three.js")).text()).toContain('"three"')

    const { versions } = await caller.versions.list(input)
    const first = await caller.versions.preview({ ...input, versionId: versions.at(-1)!.id })
    expect(first.number).toBe(1)
    expect(await (await fetchPreview(given, first.url, "assets/index-one.js")).text()).toContain('"one"')
    // One version's token does not reach another's files.
    expect((await fetchPreview(given, first.url, "assets/index-three.js")).status).toBe(404)

    const unbuilt = await given.appInTurn()
    const none = await refusal(caller.versions.preview({ ...input, appId: unbuilt.app.id }))
    expect([none.code, none.message]).toEqual(["NOT_FOUND", "This app has not been built yet."])
  })
})

describe("versions.restore", () => {
  it("restores version 1 after 3 as version 4, keeping 2 and 3, and previews v1's files as current", async () => {
    const { given, app } = await appWithThreeVersions()
    const caller = given.caller(given.people.creator)
    const input = { workspaceId: given.workspaceId, appId: app.id }
    const before = await caller.versions.list(input)
    const v1 = before.versions.at(-1)!

    const restored = await caller.versions.restore({ ...input, versionId: v1.id })
    expect(restored).toMatchObject({ number: 4, restoredFromNumber: 1, current: true, message: null, summary: "Built one", requestedBy: { id: given.people.creator.id, name: "Ada" } })

    const after = await caller.versions.list(input)
    expect(after.versions.map((version) => [version.number, version.restoredFromNumber, version.current])).toEqual([
      [4, 1, true],
      [3, null, false],
      [2, null, false],
      [1, null, false],
    ])
    const current = await caller.versions.preview(input)
    expect(current.number).toBe(4)
    expect(await (await fetchPreview(given, current.url, "assets/index-one.js")).text()).toContain('"one"')
    // Nothing lost: version 3 is still previewable.
    const v3 = await caller.versions.preview({ ...input, versionId: before.versions[0]!.id })
    expect(await (await fetchPreview(given, v3.url, "assets/index-three.js")).text()).toContain('"three"')
    // The app's source is v1's again (what a new worker would be given), shared, not copied.
    const appNow = await given.appNow(app.id)
    const stored = await given.services.store.collection(appVersions).findMany({ appId: app.id }, { sort: [["number", 1]] })
    expect(appNow.snapshotId).toBe(stored[0]!.snapshotId)
    expect(stored[3]!.snapshotId).toBe(stored[0]!.snapshotId)
    expect(await given.services.store.collection(snapshots).count({ appId: app.id })).toBe(3)
    const audit = await given.services.store.collection(auditEvents).findMany({ workspaceId: given.workspaceId, action: "app.version_restored" })
    expect(audit.map((event) => [event.actorUserId, event.after])).toEqual([[given.people.creator.id, { versionNumber: 4, restoredFromNumber: 1 }]])
  })

  it("refuses with CONFLICT while a turn runs, writing nothing", async () => {
    const { given, app } = await appWithThreeVersions()
    const caller = given.caller(given.people.creator)
    const input = { workspaceId: given.workspaceId, appId: app.id }
    const v1 = (await caller.versions.list(input)).versions.at(-1)!
    await given.services.store.collection(apps).updateOne({ id: app.id }, { activeRunId: "a".repeat(24) })
    const before = await given.appNow(app.id)

    const refused = await refusal(caller.versions.restore({ ...input, versionId: v1.id }))
    expect(refused.code).toBe("CONFLICT")
    expect(refused.message).toMatch(/working on a message: wait for it to finish \(or stop it\), then restore/)
    expect(await given.appNow(app.id)).toEqual(before)
    expect(await given.services.store.collection(appVersions).count({ appId: app.id })).toBe(3)
  })

  it("gives the next turn the restored files to replace the worker's, and tells the agent, once", async () => {
    const { given, app } = await appWithThreeVersions()
    const caller = given.caller(given.people.creator)
    const input = { workspaceId: given.workspaceId, appId: app.id }
    const v1 = (await caller.versions.list(input)).versions.at(-1)!
    await caller.versions.restore({ ...input, versionId: v1.id })
    const scope = await scopeOf(given, given.people.creator)

    // A worker that cannot take the turn leaves the restore waiting for the next one.
    given.workerAnswer = { started: false, code: "runtime_unavailable", message: "No runtime.", retryable: true }
    await sendMessage(given.services, scope, app.id, { prompt: "Make the title bigger" })
    given.workerAnswer = { started: true }
    await sendMessage(given.services, scope, app.id, { prompt: "Make the title bigger" }).then((run) => endTurn(given, app, { ...run } as RunDocument))

    for (const turn of given.turns.slice(0, 2)) {
      expect(turn.replaceSource).toBe(true)
      expect(turn.sourceFiles?.["dist/assets/index-one.js"]).toContain('"one"')
      expect(turn.sourceFiles?.["src/App.tsx"]).toContain('"one"')
      expect(Object.keys(turn.sourceFiles ?? {})).not.toContain("dist/assets/index-three.js")
      expect(turn.prompt).toBe(`${restoredNote(1)}\n\nMake the title bigger`)
    }
    expect(restoredNote(1)).toBe("The person restored version 1; the app's files are now as they were in that version.")
    expect((await given.appNow(app.id)).sourceReplaceVersion).toBeNull()

    await sendMessage(given.services, scope, app.id, { prompt: "Now make it green" })
    const last = given.turns.at(-1)!
    expect([last.replaceSource, last.sourceFiles, last.prompt]).toEqual([undefined, undefined, "Now make it green"])
  })
})

describe("authorization", () => {
  it("answers NOT_FOUND to other workspaces, to members who cannot see the app, and for another app's version", async () => {
    const { given, app } = await appWithThreeVersions()
    const input = { workspaceId: given.workspaceId, appId: app.id }
    const v1 = (await given.caller(given.people.creator).versions.list(input)).versions.at(-1)!
    const other = await given.appInTurn()

    for (const user of [given.people.outsider, given.people.otherMember]) {
      const caller = given.caller(user)
      for (const call of [caller.versions.list(input), caller.versions.preview(input), caller.versions.restore({ ...input, versionId: v1.id })]) {
        expect((await refusal(call)).code).toBe("NOT_FOUND")
      }
    }
    // The outsider's own workspace does not hold the app either.
    const outsider = given.caller(given.people.outsider)
    expect((await refusal(outsider.versions.list({ workspaceId: given.outsiderWorkspaceId, appId: app.id }))).code).toBe("NOT_FOUND")
    // A version is found only through its own app.
    const creator = given.caller(given.people.creator)
    for (const call of [
      creator.versions.preview({ ...input, appId: other.app.id, versionId: v1.id }),
      creator.versions.restore({ ...input, appId: other.app.id, versionId: v1.id }),
    ]) {
      const refused = await refusal(call)
      expect([refused.code, refused.message]).toEqual(["NOT_FOUND", "Version not found."])
    }
    // Admins see every app, as for apps.get.
    expect((await given.caller(given.people.admin).versions.list(input)).versions).toHaveLength(3)
    expect(await given.services.store.collection(appVersions).count({ appId: app.id })).toBe(3)
  })
})

async function scopeOf(given: VersionWorld, user: VersionWorld["people"]["creator"]): Promise<WorkspaceScope> {
  const found = (await findWorkspaceMembership(given.services, given.workspaceId, user.id))!
  return { user, ...found }
}
