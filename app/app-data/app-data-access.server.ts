// Who may read and who may change an app's data. Reading follows the app's visibility
// (app/apps/app-access.server.ts: another workspace's or a hidden app is a 404). Changing is its
// own rule so the Data tab can show a read-only view to those who may look but not edit.

import type { AppDataScope } from "#shared/apps/app-data.ts"
import { can } from "#shared/auth/permissions.ts"
import { AppError } from "../errors.server.ts"
import type { AppDocument } from "../store/collections.server.ts"
import type { WorkspaceScope } from "../workspaces/scope.server.ts"

/**
 * Whether this person may write this app's data in this scope. Today everyone who can see an app
 * is one of its builders (creator, collaborator, or an owner/admin who manages every app), and
 * the preview writes as whoever views it. NOTE: when published apps open to colleagues, the
 * published scope will take its users' writes while the draft stays the builders'; change it here.
 */
export function mayEditAppData(app: AppDocument, who: Pick<WorkspaceScope, "user" | "membership">, _scope: AppDataScope): boolean {
  return app.createdByUserId === who.user.id || app.collaboratorUserIds.includes(who.user.id) || can(who.membership.role, "apps:manage-all")
}

export function requireAppDataEditor(app: AppDocument, who: Pick<WorkspaceScope, "user" | "membership">, scope: AppDataScope): void {
  if (!mayEditAppData(app, who, scope)) {
    throw new AppError("FORBIDDEN", "You can look at this app's data but not change it: only the app's builders can. Ask its creator to add you as a collaborator.")
  }
}
