// The published version history: a rollback is a new release serving an earlier one's version,
// source and agents; unpublishing takes the app from colleagues and keeps the history; deleting
// the app deletes its releases and reviews.

import { afterEach, describe, expect, it } from "vitest"
import { exampleAgentsConfig } from "#shared/agents/agents-config.fixture.ts"
import { agentsConfigHash } from "#shared/agents/canonical-hash.ts"
import { effectiveAgentsApproval } from "#app/agents/approvals.server.ts"
import { appReleases, reviewRequests } from "#app/publishing/publishing-collections.server.ts"
import { cleanUp, publishingWorld, refusal } from "./publishing-world.ts"

afterEach(cleanUp)

function editedAgents() {
  const config = exampleAgentsConfig()
  config.agents[0].tools[0].endpoint.url = "https://example.zendesk.com/api/v2/tickets/{{input.ticketId}}/comments"
  return config
}

describe("rolling back", () => {
  it("makes a new release with the earlier release's version, source, agents and audience", async () => {
    const p = await publishingWorld()
    const one = await p.build("one")
    const firstAgents = await p.approveAgents()
    const admin = p.caller(p.admin).publishing
    const first = await admin.publish({ ...p.ofApp, visibility: "workspace", teamIds: [] })
    if (first.kind !== "published") throw new Error("expected a release")

    await p.build("two", editedAgents())
    const secondAgents = await p.approveAgents()
    expect(secondAgents).toBe(agentsConfigHash(editedAgents()))
    const sales = await p.team("Sales", [p.otherMember])
    await admin.publish({ ...p.ofApp, visibility: "teams", teamIds: [sales] })
    expect((await effectiveAgentsApproval(p.world.services, await p.appNow(), "published"))?.hash).toBe(secondAgents)

    // Members may not roll back.
    expect((await refusal(p.caller(p.creator).publishing.rollback({ ...p.ofApp, releaseId: first.release.id }))).status).toBe(403)

    const rolledBack = await admin.rollback({ ...p.ofApp, releaseId: first.release.id })
    expect(rolledBack).toMatchObject({ number: 3, versionId: one.versionId, versionNumber: 1, rolledBackFromNumber: 1, audience: { visibility: "workspace" }, current: true })
    const stored = await p.world.services.store.collection(appReleases).findOne({ id: rolledBack.id })
    const original = await p.world.services.store.collection(appReleases).findOne({ id: first.release.id })
    expect(stored).toMatchObject({ snapshotId: original!.snapshotId, agentsHash: firstAgents, agentsPayloadJson: original!.agentsPayloadJson })
    const app = await p.appNow()
    expect(app).toMatchObject({ publishedReleaseId: rolledBack.id, visibility: "workspace", visibleTeamIds: [] })
    // Published agents run the rolled-back release's configuration; the draft keeps its own.
    expect((await effectiveAgentsApproval(p.world.services, app, "published"))?.hash).toBe(firstAgents)
    expect((await effectiveAgentsApproval(p.world.services, app, "draft"))?.hash).toBe(secondAgents)

    const history = await p.caller(p.creator).publishing.releases(p.ofApp)
    expect(history.releases.map((release) => [release.number, release.current])).toEqual([
      [3, true],
      [2, false],
      [1, false],
    ])
    expect((await p.audit("app.rolled_back"))[0]?.after).toMatchObject({ releaseNumber: 3, rolledBackFromNumber: 1, versionNumber: 1, agentsHash: firstAgents })
    expect((await refusal(admin.rollback({ ...p.ofApp, releaseId: "b".repeat(24) }))).status).toBe(404)
  })

  it("never runs a published slot that is not the current release's", async () => {
    const p = await publishingWorld()
    await p.build("one")
    await p.approveAgents()
    await p.caller(p.admin).publishing.publish({ ...p.ofApp, visibility: "workspace", teamIds: [] })
    // As if a crash came between switching to a release without agents and writing the slot.
    const release = await p.world.services.store.collection(appReleases).findOne({ appId: p.app.id })
    await p.world.services.store.collection(appReleases).updateOne({ id: release!.id }, { agentsHash: null, agentsPayloadJson: null, agentsMode: null })
    expect(await effectiveAgentsApproval(p.world.services, await p.appNow(), "published")).toBeNull()
  })
})

describe("unpublishing", () => {
  it("clears the app's audience and release at once, stops its published agents, and keeps the history", async () => {
    const p = await publishingWorld()
    await p.build("one")
    await p.approveAgents()
    const published = await p.caller(p.admin).publishing.publish({ ...p.ofApp, visibility: "workspace", teamIds: [] })
    if (published.kind !== "published") throw new Error("expected a release")
    expect((await refusal(p.caller(p.creator).publishing.unpublish(p.ofApp))).status).toBe(403)

    expect(await p.caller(p.admin).publishing.unpublish(p.ofApp)).toEqual({ ok: true })
    const app = await p.appNow()
    expect(app.publishedReleaseId ?? null).toBeNull()
    expect(app.visibility ?? null).toBeNull()
    expect(app.visibleTeamIds ?? null).toBeNull()
    expect(await effectiveAgentsApproval(p.world.services, app, "published")).toBeNull()
    const history = await p.caller(p.creator).publishing.releases(p.ofApp)
    expect(history.releases).toMatchObject([{ id: published.release.id, current: false }])
    expect((await p.caller(p.creator).publishing.state(p.ofApp)).published).toBeNull()
    expect((await p.audit("app.unpublished"))[0]?.before).toMatchObject({ releaseNumber: 1 })
    // Again: nothing to do, nothing recorded.
    await p.caller(p.admin).publishing.unpublish(p.ofApp)
    expect(await p.audit("app.unpublished")).toHaveLength(1)
  })
})

describe("deleting the app", () => {
  it("deletes its releases and review requests", async () => {
    const p = await publishingWorld()
    await p.build("one")
    await p.caller(p.admin).publishing.publish({ ...p.ofApp, visibility: "workspace", teamIds: [] })
    await p.build("two")
    await p.caller(p.creator).publishing.publish({ ...p.ofApp, visibility: "workspace", teamIds: [] })
    await p.caller(p.creator).apps.delete(p.ofApp)
    expect(await p.world.services.store.collection(appReleases).count({ appId: p.app.id })).toBe(0)
    expect(await p.world.services.store.collection(reviewRequests).count({ appId: p.app.id })).toBe(0)
  })
})
