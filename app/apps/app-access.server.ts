// Who may see an app: its creator, its collaborators, and workspace owners and admins. Everyone
// else is told it does not exist (404), the same answer as for another workspace's app.

import { can } from "#shared/auth/permissions.ts"
import { notFound } from "../errors.server.ts"
import { apps, type AppDocument } from "../store/collections.server.ts"
import type { Stores, WorkspaceScope } from "../workspaces/scope.server.ts"

export function canBuildApp(app: AppDocument, scope: Pick<WorkspaceScope, "user" | "membership">): boolean {
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
