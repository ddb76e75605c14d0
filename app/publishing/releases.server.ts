// Making a release and switching colleagues to it. The store has atomic single-document updates
// but no transactions, so: a release number is taken by compare-and-set on the app's
// lastReleaseNumber (as versions are numbered), the release is written whole, and only then does
// the app point at it — its publishedReleaseId, visibility and visibleTeamIds in ONE update, so
// who may open the app and what they see switch together. The published agents slot follows right
// after (and counts only while it matches the current release, app/agents/approvals.server.ts).

import { newId } from "#shared/ids.ts"
import { syncPublishedAgentsSlot } from "../agents/approvals.server.ts"
import { notFound } from "../errors.server.ts"
import type { WebServices } from "../services.server.ts"
import { apps, type AppDocument } from "../store/collections.server.ts"
import { nowIso } from "../workspaces/scope.server.ts"
import { appReleases, reviewRequests, type AppReleaseDocument } from "./publishing-collections.server.ts"
import { announceReleaseSwitch } from "./publishing-events.server.ts"

export type NewRelease = Omit<AppReleaseDocument, "id" | "workspaceId" | "appId" | "number" | "createdAt">

const appGone = () => notFound("App")

/** The app's next release number, taken atomically. */
async function takeReleaseNumber(services: WebServices, app: AppDocument): Promise<number> {
  const collection = services.store.collection(apps)
  let current: AppDocument | null = app
  for (;;) {
    if (!current || current.deleting) throw appGone()
    const previous = current.lastReleaseNumber ?? null
    const number = (previous ?? 0) + 1
    const taken = await collection.updateOne(
      { id: app.id, workspaceId: app.workspaceId, deleting: current.deleting ?? null, lastReleaseNumber: previous },
      { lastReleaseNumber: number },
    )
    if (taken) return number
    current = await collection.findOne({ id: app.id, workspaceId: app.workspaceId })
  }
}

export const findRelease = (services: WebServices, app: Pick<AppDocument, "id" | "workspaceId">, releaseId: string) =>
  services.store.collection(appReleases).findOne({ id: releaseId, appId: app.id, workspaceId: app.workspaceId })

/** The release colleagues see now; null while the app is not published. */
export const currentRelease = (services: WebServices, app: Pick<AppDocument, "id" | "workspaceId" | "publishedReleaseId">) =>
  app.publishedReleaseId ? findRelease(services, app, app.publishedReleaseId) : Promise.resolve(null)

/**
 * Points the app at the release, with its audience, unless a newer release is current already (two
 * publishes at once end at the later number). Returns the app as it is after.
 */
async function switchTo(services: WebServices, app: AppDocument, release: AppReleaseDocument): Promise<AppDocument> {
  const collection = services.store.collection(apps)
  let current: AppDocument | null = app
  for (;;) {
    if (!current || current.deleting) throw appGone()
    const shown = await currentRelease(services, current)
    if (shown && shown.number > release.number) return current
    const switched = await collection.updateOne(
      { id: app.id, workspaceId: app.workspaceId, deleting: null, publishedReleaseId: current.publishedReleaseId ?? null },
      { publishedReleaseId: release.id, visibility: release.visibility, visibleTeamIds: [...release.teamIds], updatedAt: nowIso() },
    )
    if (switched) return switched
    current = await collection.findOne({ id: app.id, workspaceId: app.workspaceId })
  }
}

/** Writes the app's next release and makes it what colleagues see; tells them. */
export async function createRelease(services: WebServices, app: AppDocument, fields: NewRelease): Promise<{ release: AppReleaseDocument; app: AppDocument }> {
  const number = await takeReleaseNumber(services, app)
  const release: AppReleaseDocument = { id: newId(), workspaceId: app.workspaceId, appId: app.id, number, ...fields, createdAt: nowIso() }
  await services.store.collection(appReleases).insert(release)
  const switched = await switchTo(services, app, release)
  await syncPublishedAgentsSlot(services, app)
  announceReleaseSwitch(services, switched)
  return { release, app: switched }
}

/** Colleagues lose the app: the three fields cleared in one update; the releases stay as history. Returns the release that was current. */
export async function takeDown(services: WebServices, app: AppDocument): Promise<AppReleaseDocument | null> {
  const collection = services.store.collection(apps)
  let current: AppDocument | null = app
  for (;;) {
    if (!current || current.deleting) throw appGone()
    if (!current.publishedReleaseId) return null
    const was = await currentRelease(services, current)
    const cleared = await collection.updateOne(
      { id: app.id, workspaceId: app.workspaceId, publishedReleaseId: current.publishedReleaseId },
      { publishedReleaseId: null, visibility: null, visibleTeamIds: null, updatedAt: nowIso() },
    )
    if (cleared) {
      await syncPublishedAgentsSlot(services, app)
      announceReleaseSwitch(services, cleared)
      return was
    }
    current = await collection.findOne({ id: app.id, workspaceId: app.workspaceId })
  }
}

/** An app's releases, newest first. */
export const releasesOf = (services: WebServices, app: Pick<AppDocument, "id" | "workspaceId">, limit = 200) =>
  services.store.collection(appReleases).findMany({ workspaceId: app.workspaceId, appId: app.id }, { sort: [["number", -1]], limit })

/** With the app itself: its releases and review requests. */
export async function deletePublishing(services: WebServices, app: Pick<AppDocument, "id" | "workspaceId">): Promise<void> {
  await services.store.collection(reviewRequests).deleteMany({ workspaceId: app.workspaceId, appId: app.id })
  await services.store.collection(appReleases).deleteMany({ workspaceId: app.workspaceId, appId: app.id })
}
