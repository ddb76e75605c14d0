// Publishing the published version to other people (a new release of it, with the new audience),
// nothing to publish for the same people, and what the Publish dialog and the release history are
// told about the release's agents (declared, approved live, for mock data, or not at all).

import { afterEach, describe, expect, it } from "vitest"
import { cleanUp, publishingWorld, refusal } from "./publishing-world.ts"

afterEach(cleanUp)

describe("changing who sees the published app", () => {
  it("makes a new release of the same version for another audience; the same audience is nothing to publish", async () => {
    const p = await publishingWorld()
    const { versionId } = await p.build("one")
    const admin = p.caller(p.admin).publishing
    await admin.publish({ ...p.ofApp, visibility: "workspace", teamIds: [] })
    expect(await admin.state(p.ofApp)).toMatchObject({ draftIsPublished: true, draftMatchesRelease: true })

    const same = await refusal(admin.publish({ ...p.ofApp, visibility: "workspace", teamIds: [] }))
    expect(same).toMatchObject({ status: 409, reasonCode: "nothing_to_publish" })
    expect(same.message).toContain("published already for these people")

    const design = await p.team("Design", [p.otherMember])
    const moved = await admin.publish({ ...p.ofApp, visibility: "teams", teamIds: [design] })
    expect(moved.kind).toBe("published")
    if (moved.kind !== "published") return
    expect(moved.release).toMatchObject({ number: 2, versionId, audience: { visibility: "teams", teamIds: [design], teamNames: ["Design"] }, current: true })
    expect(await p.appNow()).toMatchObject({ publishedReleaseId: moved.release.id, visibility: "teams", visibleTeamIds: [design] })
    const audited = await p.audit("app.published")
    expect(audited.map((event) => event.after)).toMatchObject([{ releaseNumber: 1, visibility: "workspace" }, { releaseNumber: 2, versionNumber: 1, visibility: "teams", teamIds: [design] }])

    // The same teams again, in any order, change nothing.
    expect(await refusal(admin.publish({ ...p.ofApp, visibility: "teams", teamIds: [design] }))).toMatchObject({ status: 409, reasonCode: "nothing_to_publish" })
  })

  it("lets a member ask for another audience of the published version through a review, not for the same one", async () => {
    const p = await publishingWorld()
    await p.build("one")
    await p.caller(p.admin).publishing.publish({ ...p.ofApp, visibility: "workspace", teamIds: [] })
    const member = p.caller(p.creator).publishing
    expect(await refusal(member.publish({ ...p.ofApp, visibility: "workspace", teamIds: [] }))).toMatchObject({ status: 409, reasonCode: "nothing_to_publish" })
    const design = await p.team("Design", [p.otherMember])
    const asked = await member.publish({ ...p.ofApp, visibility: "teams", teamIds: [design] })
    expect(asked.kind).toBe("review")
    if (asked.kind !== "review") return
    const release = await p.caller(p.admin).reviews.approve({ workspaceId: p.ofApp.workspaceId, reviewId: asked.review.id })
    expect(release).toMatchObject({ number: 2, versionNumber: 1, audience: { visibility: "teams", teamIds: [design] } })
  })
})

describe("what the release's agents would be", () => {
  it("tells the dialog about agents not approved, then approved live, and the history keeps it per release", async () => {
    const p = await publishingWorld()
    await p.build("one")
    const admin = p.caller(p.admin).publishing
    const before = await admin.state(p.ofApp)
    expect(before.draftAgents).toMatchObject({ declared: true, approval: null })
    expect(before.draftAgents.agentNames.length).toBeGreaterThan(0)
    await admin.publish({ ...p.ofApp, visibility: "workspace", teamIds: [] })

    await p.approveAgents()
    const after = await admin.state(p.ofApp)
    // The same version with its agents now approved is something new to publish, even for the same people.
    expect(after).toMatchObject({ draftAgents: { declared: true, approval: "live" }, draftIsPublished: true, draftMatchesRelease: false })
    await admin.publish({ ...p.ofApp, visibility: "workspace", teamIds: [] })

    const { releases } = await admin.releases(p.ofApp)
    expect(releases.map((release) => [release.number, release.agentsDeclared, release.agentsMode])).toEqual([
      [2, true, "live"],
      [1, true, null],
    ])
    // A rollback keeps what the earlier release's agents were.
    const back = await admin.rollback({ ...p.ofApp, releaseId: releases[1]!.id })
    expect(back).toMatchObject({ number: 3, agentsDeclared: true, agentsMode: null })
  })

  it("says there are no agents when agents.json is absent", async () => {
    const p = await publishingWorld()
    await p.build("one", null)
    expect((await p.caller(p.admin).publishing.state(p.ofApp)).draftAgents).toEqual({ declared: false, approval: null, agentNames: [] })
    const outcome = await p.caller(p.admin).publishing.publish({ ...p.ofApp, visibility: "workspace", teamIds: [] })
    expect(outcome).toMatchObject({ kind: "published", release: { agentsDeclared: false, agentsMode: null } })
  })
})
