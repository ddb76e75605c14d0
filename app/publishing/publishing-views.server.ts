// Releases and review requests as the pages show them: people and teams by their current names
// (looked up once per answer), never ids alone.

import type { AudienceView, PersonRef, ReleaseView, ReviewView, Visibility } from "#shared/publishing/publishing.ts"
import type { WebServices } from "../services.server.ts"
import { apps, teams, users, type AppDocument } from "../store/collections.server.ts"
import type { AppReleaseDocument, ReviewRequestDocument } from "./publishing-collections.server.ts"

const GONE_PERSON = "someone no longer here"
const GONE_TEAM = "a deleted team"

/** Names of the people and teams the documents mention, read once. */
export interface Directory {
  person(userId: string): PersonRef
  audience(visibility: Visibility, teamIds: readonly string[]): AudienceView
  appName(appId: string): string
}

export async function directoryFor(
  services: WebServices,
  workspaceId: string,
  documents: readonly (AppReleaseDocument | ReviewRequestDocument)[],
): Promise<Directory> {
  const userIds = new Set<string>()
  const teamIds = new Set<string>()
  const appIds = new Set<string>()
  for (const document of documents) {
    appIds.add(document.appId)
    for (const teamId of document.teamIds) teamIds.add(teamId)
    if ("publishedByUserId" in document) userIds.add(document.publishedByUserId)
    else {
      userIds.add(document.requestedByUserId)
      if (document.reviewerUserId) userIds.add(document.reviewerUserId)
    }
  }
  const [people, teamList, appList] = await Promise.all([
    userIds.size > 0 ? services.store.collection(users).findMany({ id: { in: [...userIds] } }) : [],
    teamIds.size > 0 ? services.store.collection(teams).findMany({ workspaceId, id: { in: [...teamIds] } }) : [],
    appIds.size > 0 ? services.store.collection(apps).findMany({ workspaceId, id: { in: [...appIds] } }) : [],
  ])
  const personNames = new Map(people.map((user) => [user.id, user.displayName]))
  const teamNames = new Map(teamList.map((team) => [team.id, team.name]))
  const appNames = new Map(appList.map((app) => [app.id, app.name]))
  return {
    person: (userId) => ({ id: userId, name: personNames.get(userId) ?? GONE_PERSON }),
    audience: (visibility, ids) => {
      const shown = visibility === "teams" ? [...ids] : []
      return { visibility, teamIds: shown, teamNames: shown.map((id) => teamNames.get(id) ?? GONE_TEAM) }
    },
    appName: (appId) => appNames.get(appId) ?? "a deleted app",
  }
}

export function releaseView(release: AppReleaseDocument, app: Pick<AppDocument, "publishedReleaseId">, directory: Directory): ReleaseView {
  return {
    id: release.id,
    number: release.number,
    versionId: release.versionId,
    versionNumber: release.versionNumber,
    audience: directory.audience(release.visibility, release.teamIds),
    publishedAt: release.createdAt,
    publishedBy: directory.person(release.publishedByUserId),
    reviewId: release.reviewId,
    rolledBackFromNumber: release.rolledBackFromNumber,
    agentsMode: release.agentsMode,
    agentsDeclared: release.agentsDeclared ?? null,
    current: app.publishedReleaseId === release.id,
  }
}

export function reviewView(review: ReviewRequestDocument, directory: Directory): ReviewView {
  return {
    id: review.id,
    appId: review.appId,
    appName: directory.appName(review.appId),
    status: review.status,
    requestedBy: directory.person(review.requestedByUserId),
    requestedAt: review.createdAt,
    audience: directory.audience(review.visibility, review.teamIds),
    note: review.note,
    versionId: review.versionId,
    versionNumber: review.versionNumber,
    reviewer: review.reviewerUserId ? directory.person(review.reviewerUserId) : null,
    decidedAt: review.decidedAt,
    comment: review.comment,
    supersededReason: review.supersededReason,
  }
}

/** One release as its page shows it. */
export async function viewOfRelease(services: WebServices, release: AppReleaseDocument, app: Pick<AppDocument, "publishedReleaseId">): Promise<ReleaseView> {
  return releaseView(release, app, await directoryFor(services, release.workspaceId, [release]))
}

/** One review as its page shows it. */
export async function viewOfReview(services: WebServices, review: ReviewRequestDocument): Promise<ReviewView> {
  return reviewView(review, await directoryFor(services, review.workspaceId, [review]))
}
