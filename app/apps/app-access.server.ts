// Who may reach an app, in two degrees. Its builders (creator, collaborators, workspace owners and
// admins) see everything of it: draft, chat, runs, files, versions, draft data. Everyone else may
// only use its published release, and only while it is published to the whole workspace or to one
// of their teams. Anyone else is told the app does not exist (404), the same answer as for
// another workspace's app: never a 403 that would confirm it is there.

import { can } from "#shared/auth/permissions.ts"
import { notFound } from "../errors.server.ts"
import { appReleases, type AppReleaseDocument } from "../publishing/publishing-collections.server.ts"
import { apps, teamMemberships, type AppDocument } from "../store/collections.server.ts"
import type { DurableStore } from "../store/store.server.ts"
import type { Stores, WorkspaceScope } from "../workspaces/scope.server.ts"

type Who = Pick<WorkspaceScope, "user" | "membership">

export function canBuildApp(app: AppDocument, scope: Who): boolean {
  return (
    app.createdByUserId === scope.user.id ||
    app.collaboratorUserIds.includes(scope.user.id) ||
    can(scope.membership.role, "apps:manage-all")
  )
}

/** The users an app's events may reach besides owners and admins. */
export const appAudience = (app: AppDocument) => ({ kind: "app" as const, userIds: [app.createdByUserId, ...app.collaboratorUserIds] })

export async function requireBuildableApp(stores: Stores, scope: WorkspaceScope, appId: string): Promise<AppDocument> {
  const app = await stores.store.collection(apps).findOne({ id: appId, workspaceId: scope.workspace.id })
  if (!app || !canBuildApp(app, scope)) throw notFound("App")
  return app
}

/** Published to someone at all: a release, and an audience it is for. */
export const isPublished = (app: AppDocument) => Boolean(app.publishedReleaseId) && (app.visibility === "workspace" || app.visibility === "teams")

/**
 * Whether the person may use the app: build it, or open its published release. `teamIds` are the
 * person's teams in the app's workspace; only an app published to teams needs them (see
 * needsTeamsToDecide), so callers read them only then.
 */
export function canUseApp(app: AppDocument, who: Who, teamIds: readonly string[]): boolean {
  if (canBuildApp(app, who)) return true
  if (app.deleting || !isPublished(app)) return false
  if (app.visibility === "workspace") return true
  return (app.visibleTeamIds ?? []).some((teamId) => teamIds.includes(teamId))
}

/** canUseApp needs the person's teams only for a non-builder and an app published to teams. */
export const needsTeamsToDecide = (app: AppDocument, who: Who) => !canBuildApp(app, who) && isPublished(app) && app.visibility === "teams"

/** The person's teams in the workspace (workspace_team_memberships). */
export async function teamIdsOf(store: DurableStore, workspaceId: string, userId: string): Promise<string[]> {
  return (await store.collection(teamMemberships).findMany({ workspaceId, userId })).map((membership) => membership.teamId)
}

/** canUseApp, reading the person's teams only when the answer depends on them. */
export async function canUseAppNow(store: DurableStore, app: AppDocument, who: Who): Promise<boolean> {
  const teamIds = needsTeamsToDecide(app, who) ? await teamIdsOf(store, app.workspaceId, who.user.id) : []
  return canUseApp(app, who, teamIds)
}

export interface UsableApp {
  readonly app: AppDocument
  /** The release colleagues see now; null while the app is not published (then only builders get here). */
  readonly release: AppReleaseDocument | null
  /** The person builds the app (sees the draft and everything else), not only uses it. */
  readonly builder: boolean
}

/** The app and its current release, for a builder or for someone it is published to; notFound("App") otherwise. */
export async function requireUsableApp(stores: Stores, scope: WorkspaceScope, appId: string): Promise<UsableApp> {
  const app = await stores.store.collection(apps).findOne({ id: appId, workspaceId: scope.workspace.id })
  if (!app) throw notFound("App")
  const builder = canBuildApp(app, scope)
  const release = isPublished(app) ? await stores.store.collection(appReleases).findOne({ id: app.publishedReleaseId!, appId: app.id, workspaceId: app.workspaceId }) : null
  if (builder) return { app, release, builder }
  // A release the app points at but that is gone is nothing to use: the same 404.
  if (!release || !(await canUseAppNow(stores.store, app, scope))) throw notFound("App")
  return { app, release, builder }
}
