// Who may read and who may change an app's data, by scope. The draft's data is the builders'
// (the preview writes it as whoever views it, and only builders view the draft). The published
// data is the published app's: everyone the app is published to uses it, reading and writing as
// themselves, and its builders too (app/apps/app-access.server.ts). Anyone else: 404.

import type { AppDataScope } from "#shared/apps/app-data.ts"
import { requireBuildableApp, requireUsableApp, type UsableApp } from "../apps/app-access.server.ts"
import { AppError, notFound } from "../errors.server.ts"
import type { Stores, WorkspaceScope } from "../workspaces/scope.server.ts"

/** The app whose data in `dataScope` the person may reach, with whether they build it; notFound("App") otherwise. */
export async function requireAppDataAccess(stores: Stores, scope: WorkspaceScope, appId: string, dataScope: AppDataScope): Promise<UsableApp> {
  const access: UsableApp =
    dataScope === "draft" ? { app: await requireBuildableApp(stores, scope, appId), release: null, builder: true } : await requireUsableApp(stores, scope, appId)
  // An app being deleted has its data deleted: nothing may be read or written into it meanwhile.
  if (access.app.deleting) throw notFound("App")
  return access
}

/**
 * Whether this person may write this app's data in this scope, once requireAppDataAccess let them
 * read it: the draft's builders write the draft, and every user of the published app writes the
 * published data (a published app that could not save would be of little use to its colleagues).
 */
export function mayEditAppData(access: Pick<UsableApp, "builder">, dataScope: AppDataScope): boolean {
  return dataScope === "published" || access.builder
}

export function requireAppDataEditor(access: Pick<UsableApp, "builder">, dataScope: AppDataScope): void {
  if (!mayEditAppData(access, dataScope)) {
    throw new AppError("FORBIDDEN", "You can look at this app's data but not change it: only the app's builders can. Ask its creator to add you as a collaborator.")
  }
}
