// A review describes one draft. Editing the app while it is pending supersedes it (a new build, a
// restore, an agents approval given, revoked or cleared); approving a review that no longer
// matches is refused (409 review_stale); two approvers at once make exactly one release.

import { afterEach, describe, expect, it } from "vitest"
import { appReleases, reviewRequests } from "#app/publishing/publishing-collections.server.ts"
import { apps } from "#app/store/collections.server.ts"
import { cleanUp, publishingWorld, refusal, type PublishingWorld } from "./publishing-world.ts"

afterEach(cleanUp)

async function pendingReview(p: PublishingWorld) {
  const asked = await p.caller(p.creator).publishing.publish({ ...p.ofApp, visibility: "workspace", teamIds: [] })
  if (asked.kind !== "review") throw new Error("expected a review")
  return asked.review
}

const reviewNow = (p: PublishingWorld, id: string) => p.world.services.store.collection(reviewRequests).findOne({ id })

describe("editing the app while its review is pending", () => {
  it("supersedes the review when a new version is built, and approving it is refused as stale", async () => {
    const p = await publishingWorld()
    await p.build("one")
    const review = await pendingReview(p)
    await p.build("two")

    expect(await reviewNow(p, review.id)).toMatchObject({ status: "superseded", supersededReason: "Version 2 was built after the request" })
    expect((await p.appNow()).pendingReviewId).toBeNull()
    const [audited] = await p.audit("review.superseded")
    expect(audited).toMatchObject({ actorUserId: p.creator.id, after: { reviewId: review.id, status: "superseded", reason: "Version 2 was built after the request" } })
    expect(p.heard).toContain("review.changed")

    const refused = await refusal(p.caller(p.admin).reviews.approve({ workspaceId: p.ofApp.workspaceId, reviewId: review.id }))
    expect(refused).toMatchObject({ status: 409, reasonCode: "review_stale" })
    expect(refused.message).toContain("superseded")
    expect(await p.world.services.store.collection(appReleases).count({ appId: p.app.id })).toBe(0)
    // The requester asks again, for the new version.
    const again = await pendingReview(p)
    expect(again.versionNumber).toBe(2)
  })

  it("supersedes the review when the draft's agents approval changes after the request", async () => {
    const p = await publishingWorld()
    await p.build("one")
    const review = await pendingReview(p)
    await p.approveAgents()
    expect(await reviewNow(p, review.id)).toMatchObject({ status: "superseded", supersededReason: "The agents were approved again after the request" })

    const second = await pendingReview(p)
    await p.caller(p.admin).agents.revoke(p.ofApp)
    expect(await reviewNow(p, second.id)).toMatchObject({ status: "superseded", supersededReason: "The agents' approval was revoked after the request" })
  })

  it("refuses approving when the current version moved on although the review was never superseded", async () => {
    const p = await publishingWorld()
    await p.build("one")
    const review = await pendingReview(p)
    // As if the supersede had been lost (a crash after the build): the app points at another version.
    const { versionId } = await p.build("two")
    await p.world.services.store.collection(reviewRequests).updateOne({ id: review.id }, { status: "pending", supersededReason: null })
    await p.world.services.store.collection(apps).updateOne({ id: p.app.id }, { pendingReviewId: review.id })
    expect((await p.appNow()).currentVersionId).toBe(versionId)

    const refused = await refusal(p.caller(p.admin).reviews.approve({ workspaceId: p.ofApp.workspaceId, reviewId: review.id }))
    expect(refused).toMatchObject({ status: 409, reasonCode: "review_stale" })
    expect(refused.message).toContain("Version 2 was built after the request")
    expect(await reviewNow(p, review.id)).toMatchObject({ status: "superseded" })
  })
})

describe("two approvers at once", () => {
  it("make exactly one release; the other is told the review is stale", async () => {
    const p = await publishingWorld()
    await p.build("one")
    const review = await pendingReview(p)
    const [owner] = [p.admin]
    const approve = () => p.caller(owner).reviews.approve({ workspaceId: p.ofApp.workspaceId, reviewId: review.id })
    const outcomes = await Promise.allSettled([approve(), approve(), approve()])

    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1)
    for (const outcome of outcomes) {
      if (outcome.status === "rejected") expect(await refusal(Promise.reject(outcome.reason))).toMatchObject({ status: 409, reasonCode: "review_stale" })
    }
    const releases = await p.world.services.store.collection(appReleases).findMany({ appId: p.app.id })
    expect(releases).toHaveLength(1)
    expect((await p.appNow()).publishedReleaseId).toBe(releases[0]!.id)
    expect(await p.audit("review.approved")).toHaveLength(1)
  })
})
