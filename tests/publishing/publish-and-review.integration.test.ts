// Publishing an app: an admin publishes directly; a member's request is reviewed, then approved
// (a release of exactly the reviewed draft) or sent back with a comment; withdrawn by its requester.

import { afterEach, describe, expect, it } from "vitest"
import { effectiveAgentsApproval } from "#app/agents/approvals.server.ts"
import { appReleases, reviewRequests } from "#app/publishing/publishing-collections.server.ts"
import { snapshots } from "#app/store/collections.server.ts"
import { cleanUp, exampleHash, publishingWorld, refusal } from "./publishing-world.ts"

afterEach(cleanUp)

describe("publishing directly", () => {
  it("makes release 1 of the current version for an admin, with the approved agents, and switches the app to it", async () => {
    const p = await publishingWorld()
    const { versionId } = await p.build("one")
    const agentsHash = await p.approveAgents()

    const outcome = await p.caller(p.admin).publishing.publish({ ...p.ofApp, visibility: "workspace", teamIds: [] })
    expect(outcome.kind).toBe("published")
    if (outcome.kind !== "published") return
    expect(outcome.release).toMatchObject({
      number: 1,
      versionId,
      versionNumber: 1,
      audience: { visibility: "workspace", teamIds: [], teamNames: [] },
      publishedBy: { id: p.admin.id, name: "Grace" },
      reviewId: null,
      agentsMode: "live",
      current: true,
    })

    const app = await p.appNow()
    expect(app).toMatchObject({ publishedReleaseId: outcome.release.id, visibility: "workspace", visibleTeamIds: [], lastReleaseNumber: 1 })
    expect((await effectiveAgentsApproval(p.world.services, app, "published"))?.hash).toBe(agentsHash)

    const state = await p.caller(p.creator).publishing.state(p.ofApp)
    expect(state).toMatchObject({ published: { id: outcome.release.id }, pendingReview: null, canPublishDirectly: false, draftIsPublished: true, integrationsRequired: false })

    const snapshot = await p.world.services.store.collection(snapshots).findOne({ id: app.snapshotId! })
    const [audited] = await p.audit("app.published")
    expect(audited).toMatchObject({
      actorUserId: p.admin.id,
      after: { releaseNumber: 1, versionNumber: 1, visibility: "workspace", teamIds: [], reviewId: null, sourceHash: snapshot!.hash, agentsHash },
    })
    expect(p.heard).toContain("app.published")
  })

  it("refuses an app without a build (409 nothing_to_publish)", async () => {
    const p = await publishingWorld()
    const refused = await refusal(p.caller(p.admin).publishing.publish({ ...p.ofApp, visibility: "workspace", teamIds: [] }))
    expect(refused).toMatchObject({ status: 409, reasonCode: "nothing_to_publish" })
    expect(refused.message).toContain("no build")
  })

  it("publishes to teams of this workspace only, and names a team that is not one (400)", async () => {
    const p = await publishingWorld()
    await p.build("one")
    const admin = p.caller(p.admin).publishing
    const noTeams = await refusal(admin.publish({ ...p.ofApp, visibility: "teams", teamIds: [] }))
    expect(noTeams).toMatchObject({ status: 400 })
    expect(noTeams.message).toContain("at least one team")
    const stranger = "a".repeat(24)
    const unknown = await refusal(admin.publish({ ...p.ofApp, visibility: "teams", teamIds: [stranger] }))
    expect(unknown).toMatchObject({ status: 400 })
    expect(unknown.message).toContain(stranger)
    const badVisibility = await refusal(admin.publish({ ...p.ofApp, visibility: "everyone" as "workspace", teamIds: [] }))
    expect(badVisibility).toMatchObject({ status: 400 })
    expect(badVisibility.message).toContain("visibility")

    const sales = await p.team("Sales", [p.otherMember])
    const outcome = await admin.publish({ ...p.ofApp, visibility: "teams", teamIds: [sales, sales] })
    expect(outcome.kind === "published" && outcome.release.audience).toEqual({ visibility: "teams", teamIds: [sales], teamNames: ["Sales"] })
    expect(await p.appNow()).toMatchObject({ visibility: "teams", visibleTeamIds: [sales] })
  })
})

describe("a member's review request", () => {
  it("is approved into a release of the reviewed version, audited and announced", async () => {
    const p = await publishingWorld()
    const { versionId } = await p.build("one")
    const sales = await p.team("Sales", [p.otherMember])
    const asked = await p.caller(p.creator).publishing.publish({ ...p.ofApp, visibility: "teams", teamIds: [sales], note: "Ready for Sales" })
    expect(asked.kind).toBe("review")
    if (asked.kind !== "review") return
    expect(asked.review).toMatchObject({ status: "pending", versionId, versionNumber: 1, note: "Ready for Sales", requestedBy: { name: "Ada" }, appName: "Lunch" })
    expect((await p.appNow()).pendingReviewId).toBe(asked.review.id)
    expect((await p.appNow()).publishedReleaseId ?? null).toBeNull()

    // One pending request per app.
    const again = await refusal(p.caller(p.creator).publishing.publish({ ...p.ofApp, visibility: "workspace", teamIds: [] }))
    expect(again).toMatchObject({ status: 409, reasonCode: "review_pending" })
    // Members cannot decide.
    expect((await refusal(p.caller(p.creator).reviews.approve({ workspaceId: p.ofApp.workspaceId, reviewId: asked.review.id }))).status).toBe(403)

    const pending = await p.caller(p.admin).reviews.list({ workspaceId: p.ofApp.workspaceId, status: "pending" })
    expect(pending.reviews.map((review) => review.id)).toEqual([asked.review.id])
    expect((await p.caller(p.otherMember).reviews.list({ workspaceId: p.ofApp.workspaceId })).reviews).toEqual([])

    const release = await p.caller(p.admin).reviews.approve({ workspaceId: p.ofApp.workspaceId, reviewId: asked.review.id })
    expect(release).toMatchObject({ number: 1, versionId, reviewId: asked.review.id, audience: { visibility: "teams", teamIds: [sales] }, current: true })
    const review = await p.world.services.store.collection(reviewRequests).findOne({ id: asked.review.id })
    expect(review).toMatchObject({ status: "approved", reviewerUserId: p.admin.id, releaseId: release.id })
    expect(await p.appNow()).toMatchObject({ publishedReleaseId: release.id, visibility: "teams", visibleTeamIds: [sales], pendingReviewId: null })

    expect((await p.audit("review.requested"))[0]?.after).toMatchObject({ reviewId: asked.review.id, visibility: "teams", teamIds: [sales], versionNumber: 1 })
    expect((await p.audit("review.approved"))[0]).toMatchObject({ actorUserId: p.admin.id, after: { reviewId: asked.review.id, status: "approved" } })
    expect((await p.audit("app.published"))[0]?.after).toMatchObject({ releaseNumber: 1, reviewId: asked.review.id })
    expect(p.heard).toEqual(expect.arrayContaining(["review.changed", "app.published", "app.updated"]))
  })

  it("may be asked for by an admin too (requestReview), and approved with the draft's agents as reviewed", async () => {
    const p = await publishingWorld()
    await p.build("one")
    const agentsHash = await p.approveAgents()
    const asked = await p.caller(p.admin).publishing.publish({ ...p.ofApp, visibility: "workspace", teamIds: [], requestReview: true })
    expect(asked.kind).toBe("review")
    if (asked.kind !== "review") return
    const release = await p.caller(p.admin).reviews.approve({ workspaceId: p.ofApp.workspaceId, reviewId: asked.review.id })
    const stored = await p.world.services.store.collection(appReleases).findOne({ id: release.id })
    expect(stored).toMatchObject({ agentsHash, agentsMode: "live" })
    expect(agentsHash).toBe(exampleHash())
  })

  it("needs a comment to send back, which the builder's Publish dialog shows", async () => {
    const p = await publishingWorld()
    await p.build("one")
    const asked = await p.caller(p.creator).publishing.publish({ ...p.ofApp, visibility: "workspace", teamIds: [] })
    if (asked.kind !== "review") throw new Error("expected a review")
    const reviews = p.caller(p.admin).reviews
    const empty = await refusal(reviews.requestChanges({ workspaceId: p.ofApp.workspaceId, reviewId: asked.review.id, comment: "   " }))
    expect(empty).toMatchObject({ status: 400 })
    expect(empty.message).toContain("comment")
    // Invisible characters alone are no comment either.
    expect(await refusal(reviews.requestChanges({ workspaceId: p.ofApp.workspaceId, reviewId: asked.review.id, comment: "\u200b\u2060 " }))).toMatchObject({ status: 400 })
    const tooLong = await refusal(reviews.requestChanges({ workspaceId: p.ofApp.workspaceId, reviewId: asked.review.id, comment: "x".repeat(2001) }))
    expect(tooLong).toMatchObject({ status: 400 })

    const decided = await reviews.requestChanges({ workspaceId: p.ofApp.workspaceId, reviewId: asked.review.id, comment: "Add a title" })
    expect(decided).toMatchObject({ status: "changes_requested", comment: "Add a title", reviewer: { name: "Grace" } })
    const state = await p.caller(p.creator).publishing.state(p.ofApp)
    expect(state).toMatchObject({ pendingReview: null, changesRequested: { comment: "Add a title" }, published: null })
    // Decided: approving it now is stale.
    expect(await refusal(reviews.approve({ workspaceId: p.ofApp.workspaceId, reviewId: asked.review.id }))).toMatchObject({ status: 409, reasonCode: "review_stale" })
    expect((await p.audit("review.changes_requested"))[0]?.after).toMatchObject({ status: "changes_requested" })
  })

  it("is withdrawn by its requester or an admin, and is not there for members who cannot build the app", async () => {
    const p = await publishingWorld()
    await p.build("one")
    const asked = await p.caller(p.creator).publishing.publish({ ...p.ofApp, visibility: "workspace", teamIds: [] })
    if (asked.kind !== "review") throw new Error("expected a review")
    expect((await refusal(p.caller(p.otherMember).publishing.withdrawReview(p.ofApp))).status).toBe(404)
    expect((await refusal(p.caller(p.otherMember).reviews.get({ workspaceId: p.ofApp.workspaceId, reviewId: asked.review.id }))).status).toBe(404)
    const withdrawn = await p.caller(p.creator).publishing.withdrawReview(p.ofApp)
    expect(withdrawn).toMatchObject({ id: asked.review.id, status: "withdrawn" })
    expect((await p.appNow()).pendingReviewId).toBeNull()
    expect(await refusal(p.caller(p.creator).publishing.withdrawReview(p.ofApp))).toMatchObject({ status: 409 })
    expect(await p.audit("review.withdrawn")).toHaveLength(1)
    // A new request may follow.
    expect((await p.caller(p.creator).publishing.publish({ ...p.ofApp, visibility: "workspace", teamIds: [] })).kind).toBe("review")
  })
})
