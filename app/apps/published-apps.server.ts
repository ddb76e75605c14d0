// The published apps a person uses: the list on their workspace home ("Apps for you") and what the
// published app's page needs to run one (its release, a preview URL for the release's version, the
// workspace's frame policy). Access is app-access.server.ts's canUseApp: anyone else gets a 404.

import { framePolicy, type FramePolicy } from "#shared/apps/frame-policy.ts"
import type { PublishedAppCard } from "#shared/publishing/publishing.ts"
import { AppError } from "../errors.server.ts"
import { appReleases } from "../publishing/publishing-collections.server.ts"
import { directoryFor } from "../publishing/publishing-views.server.ts"
import type { WebServices } from "../services.server.ts"
import { apps } from "../store/collections.server.ts"
import { appRuntimeSettingsOf } from "../workspaces/app-runtime-settings.server.ts"
import type { WorkspaceScope } from "../workspaces/scope.server.ts"
import { canUseApp, isPublished, requireUsableApp, teamIdsOf } from "./app-access.server.ts"
import { previewUrl } from "./preview-token.server.ts"

/** Published apps the person may use (including the ones they build), most recently published first. */
export async function publishedAppsFor(services: WebServices, scope: WorkspaceScope): Promise<{ apps: PublishedAppCard[] }> {
  const published = (await services.store.collection(apps).findMany({ workspaceId: scope.workspace.id })).filter((app) => isPublished(app) && !app.deleting)
  if (published.length === 0) return { apps: [] }
  const teamIds = published.some((app) => app.visibility === "teams") ? await teamIdsOf(services.store, scope.workspace.id, scope.user.id) : []
  const usable = published.filter((app) => canUseApp(app, scope, teamIds))
  if (usable.length === 0) return { apps: [] }
  const releases = await services.store
    .collection(appReleases)
    .findMany({ workspaceId: scope.workspace.id, id: { in: usable.map((app) => app.publishedReleaseId!) } })
  const releaseOf = new Map(releases.map((release) => [release.id, release]))
  const directory = await directoryFor(services, scope.workspace.id, releases)
  const cards = usable.flatMap((app): PublishedAppCard[] => {
    const release = releaseOf.get(app.publishedReleaseId!)
    if (!release || release.appId !== app.id) return []
    return [{ appId: app.id, name: app.name, description: app.description ?? null, publishedAt: release.createdAt, audience: directory.audience(release.visibility, release.teamIds) }]
  })
  return { apps: cards.sort((a, b) => (a.publishedAt < b.publishedAt ? 1 : a.publishedAt > b.publishedAt ? -1 : 0)) }
}

export interface OpenedApp {
  readonly app: { readonly id: string; readonly name: string; readonly description: string | null }
  readonly release: { readonly id: string; readonly number: number; readonly versionNumber: number; readonly publishedAt: string }
  /** `/preview/<token>/` for the release's version; ask again before expiresAt (ms since the epoch). */
  readonly preview: { readonly url: string; readonly expiresAt: number }
  readonly frame: FramePolicy
  /** The person builds the app: the page offers "Open builder". */
  readonly canBuild: boolean
}

export const NOT_PUBLISHED = "not_published"

/** What the published app's page runs: its current release, for anyone it is published to (404 otherwise). */
export async function openPublishedApp(services: WebServices, scope: WorkspaceScope, appId: string): Promise<OpenedApp> {
  const { app, release, builder } = await requireUsableApp(services, scope, appId)
  // Only a builder gets here without a release: the app exists for them, it just has nothing published.
  if (!release || app.deleting) throw new AppError("NOT_FOUND", "This app is not published: open it in the builder, and publish it from there.", NOT_PUBLISHED)
  const preview = previewUrl(services.auth.sessionKey, { workspaceId: app.workspaceId, appId: app.id, versionId: release.versionId, releaseId: release.id, userId: scope.user.id })
  return {
    app: { id: app.id, name: app.name, description: app.description ?? null },
    release: { id: release.id, number: release.number, versionNumber: release.versionNumber, publishedAt: release.createdAt },
    preview,
    frame: framePolicy(appRuntimeSettingsOf(scope.workspace)),
    canBuild: builder,
  }
}
