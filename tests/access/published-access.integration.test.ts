// The published app's access rule on the in-process web tier (no build needed; the HTTP matrix in
// access-matrix.integration.test.ts covers every surface against the built server): a member who
// is not a builder reaches an app only while it is published to the workspace or to a team of
// theirs, and then only its published things — the release's preview, the published data, the
// published agents (their own runs) — never the draft, its data or its builder's pages.

import { afterEach, describe, expect, it } from "vitest"
import { TRPCError } from "@trpc/server"
import { exampleAgentsConfig } from "#shared/agents/agents-config.fixture.ts"
import { agentsConfigHash } from "#shared/agents/canonical-hash.ts"
import { newId } from "#shared/ids.ts"
import { agentsApprovals } from "#app/agents/agent-approval-collections.server.ts"
import { servePreview } from "#app/apps/preview-serving.server.ts"
import { appReleases } from "#app/publishing/publishing-collections.server.ts"
import { apps, appVersions, snapshots, teamMemberships, teams } from "#app/store/collections.server.ts"
import { appDocument } from "#tests/fixtures/app-document.ts"
import { createVersionWorld, type VersionWorld } from "#tests/fixtures/version-world.ts"

const worlds: VersionWorld[] = []
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close()
})

const at = () => new Date().toISOString()

const codeOf = (call: Promise<unknown>) =>
  call.then(
    () => "ok",
    (error: unknown) => (error instanceof TRPCError ? error.code : String(error)),
  )

/** Ada's app, built once with agents she approved (mock-only), not published. */
async function given() {
  const world = await createVersionWorld()
  worlds.push(world)
  const { store } = world.services
  const { creator } = world.people
  const config = exampleAgentsConfig()
  const hash = agentsConfigHash(config)
  const app = appDocument({ workspaceId: world.workspaceId, name: "Lunch", description: "Orders lunch for the team", prompt: "A lunch order page", createdByUserId: creator.id })
  await store.collection(apps).insert(app)
  const snapshotId = newId()
  const files = { "dist/index.html": "<p>v1</p>", "second.json": JSON.stringify({ dataCollections: ["tickets"] }), "agents.json": JSON.stringify(config) }
  await store.collection(snapshots).insert({ id: snapshotId, workspaceId: app.workspaceId, appId: app.id, runId: newId(), files, binaryFiles: {}, fileCount: 3, sizeBytes: 10, hash: "h1", createdAt: at() })
  const versionId = newId()
  await store.collection(appVersions).insert({
    id: versionId,
    workspaceId: app.workspaceId,
    appId: app.id,
    number: 1,
    snapshotId,
    runId: newId(),
    requestedByUserId: creator.id,
    message: null,
    summary: "v1",
    restoredFromNumber: null,
    createdAt: at(),
  })
  await store.collection(apps).updateOne({ id: app.id }, { snapshotId, currentVersionId: versionId, currentVersionNumber: 1, lastVersionNumber: 1 })
  const teamId = newId()
  await store.collection(teams).insert({ id: teamId, workspaceId: world.workspaceId, name: "Design", createdAt: at(), updatedAt: at() } as never)
  const ids = { workspaceId: world.workspaceId, appId: app.id }

  /** Publishes version 1 with the agents, as publishing does: release, published slot, then the app's one switch. */
  const publish = async (visibility: "workspace" | "teams", teamIds: string[]) => {
    const releaseId = newId()
    const payloadJson = JSON.stringify(config)
    await store.collection(appReleases).insert({
      id: releaseId,
      workspaceId: app.workspaceId,
      appId: app.id,
      number: 1,
      versionId,
      versionNumber: 1,
      snapshotId,
      agentsHash: hash,
      agentsPayloadJson: payloadJson,
      agentsMode: "mock",
      agentsApprovedByUserId: creator.id,
      agentsApprovedAt: at(),
      visibility,
      teamIds,
      publishedByUserId: world.people.admin.id,
      reviewId: null,
      rolledBackFromNumber: null,
      createdAt: at(),
    })
    await store.collection(agentsApprovals).insert({
      id: newId(),
      workspaceId: app.workspaceId,
      appId: app.id,
      scope: "published",
      hash,
      payloadJson,
      mode: "mock",
      approvedByUserId: creator.id,
      approvedAt: at(),
      clearedAt: null,
      clearedReason: null,
      clearedHash: null,
      revokedByUserId: null,
    })
    await store.collection(apps).updateOne({ id: app.id }, { visibility, visibleTeamIds: teamIds, publishedReleaseId: releaseId, lastReleaseNumber: 1 })
    return releaseId
  }
  const joinTeam = (userId: string) => store.collection(teamMemberships).insert({ id: newId(), workspaceId: world.workspaceId, teamId, userId, createdAt: at() })
  return { world, ids, teamId, publish, joinTeam, hash }
}

describe("a published app, for a member who does not build it", () => {
  it("is not there until it is published to them, then only its published things are", async () => {
    const { world, ids, teamId, publish, joinTeam } = await given()
    const linus = world.caller(world.people.otherMember)
    const published = { ...ids, scope: "published" as const }

    expect(await codeOf(linus.publishedApps.open(ids)), "never published").toBe("NOT_FOUND")
    expect((await linus.publishedApps.forYou({ workspaceId: ids.workspaceId })).apps).toEqual([])

    await publish("teams", [teamId])
    expect(await codeOf(linus.publishedApps.open(ids)), "published to a team he is not in").toBe("NOT_FOUND")
    expect(await codeOf(linus.appData.list({ ...published, collection: "notes" }))).toBe("NOT_FOUND")

    await joinTeam(world.people.otherMember.id)
    const opened = await linus.publishedApps.open(ids)
    expect(opened).toMatchObject({ app: { id: ids.appId, name: "Lunch" }, release: { number: 1, versionNumber: 1 }, canBuild: false })
    expect(opened.preview.url).toMatch(/^\/preview\/[A-Za-z0-9_-]+\/$/)
    expect(opened.frame.sandbox).not.toContain("allow-same-origin")
    const [card] = (await linus.publishedApps.forYou({ workspaceId: ids.workspaceId })).apps
    expect(card).toMatchObject({ appId: ids.appId, name: "Lunch", description: "Orders lunch for the team", audience: { visibility: "teams", teamNames: ["Design"] } })

    // The published data is his to read and write; the draft, its data and the builder's things are not there for him.
    const note = await linus.appData.insert({ ...published, collection: "notes", data: { title: "Soup" } })
    expect((await linus.appData.list({ ...published, collection: "notes" })).documents.map((document) => document.id)).toEqual([note.id])
    expect((await linus.appData.collections(published)).canEdit).toBe(true)
    for (const refused of [
      linus.appData.list({ ...ids, scope: "draft", collection: "notes" }),
      linus.appData.insert({ ...ids, scope: "draft", collection: "notes", data: { title: "Draft" } }),
      linus.apps.get(ids),
      linus.versions.list(ids),
      linus.versions.preview(ids),
      linus.agents.overview(ids),
      linus.runs.list(ids),
      linus.appTools.execute({ ...ids, toolName: "create_note", input: { title: "x", tag: "work" } }),
      linus.agentRuns.trigger({ ...ids, agentId: "ticket-triage", prompt: "Draft run" }),
    ]) {
      expect(await codeOf(refused)).toBe("NOT_FOUND")
    }
    expect(await linus.appTools.execute({ ...ids, toolName: "create_note", input: { title: "x", tag: "work" }, scope: "published" })).toMatchObject({ mock: true })

    // His preview URL is the release's and his: served while both hold, taken back at once when his team drops him or the app is unpublished.
    const token = opened.preview.url.split("/")[2]!
    const serve = () => servePreview(world.services, new Request(`http://second.test${opened.preview.url}`), token)
    expect((await serve()).status).toBe(200)
    await world.services.store.collection(teamMemberships).deleteMany({ workspaceId: ids.workspaceId, teamId, userId: world.people.otherMember.id })
    expect((await serve()).status, "out of the team").toBe(404)
    await joinTeam(world.people.otherMember.id)
    expect((await serve()).status, "back in the team").toBe(200)
    await world.services.store.collection(apps).updateOne({ id: ids.appId, workspaceId: ids.workspaceId }, { publishedReleaseId: null, visibility: null, visibleTeamIds: null })
    expect((await serve()).status).toBe(404)
  })

  it("runs the published agents as him and shows him only his own runs; builders see them all", async () => {
    const { world, ids, publish } = await given()
    await publish("workspace", [])
    const linus = world.caller(world.people.otherMember)
    const ada = world.caller(world.people.creator)
    const mine = await linus.agentRuns.trigger({ ...ids, agentId: "ticket-triage", prompt: "Triage 42", scope: "published" })
    expect(mine.run).toMatchObject({ triggeredByUserId: world.people.otherMember.id, scope: "published" })
    const hers = await ada.agentRuns.trigger({ ...ids, agentId: "ticket-triage", prompt: "Triage 43", scope: "published" })

    expect((await linus.agentRuns.list(ids)).map((run) => run.id)).toEqual([mine.runId])
    expect((await linus.agentRuns.get({ workspaceId: ids.workspaceId, runId: mine.runId })).id).toBe(mine.runId)
    expect(await codeOf(linus.agentRuns.get({ workspaceId: ids.workspaceId, runId: hers.runId }))).toBe("NOT_FOUND")
    expect(await codeOf(linus.agentRuns.cancel({ workspaceId: ids.workspaceId, runId: hers.runId }))).toBe("NOT_FOUND")
    expect(new Set((await ada.agentRuns.list(ids)).map((run) => run.id))).toEqual(new Set([mine.runId, hers.runId]))
    expect((await ada.publishedApps.open(ids)).canBuild).toBe(true)

    // Unpublished: gone for him again, his runs with it.
    await world.services.store.collection(apps).updateOne({ id: ids.appId }, { publishedReleaseId: null, visibility: null, visibleTeamIds: null })
    expect(await codeOf(linus.publishedApps.open(ids))).toBe("NOT_FOUND")
    expect(await codeOf(linus.agentRuns.get({ workspaceId: ids.workspaceId, runId: mine.runId }))).toBe("NOT_FOUND")
    expect(await codeOf(linus.appData.list({ ...ids, scope: "published", collection: "notes" }))).toBe("NOT_FOUND")
  })
})
