// What the Versions list and the preview pane read: an app's versions, newest first, with who asked
// for each; and a preview URL for one of them (the current one unless another is named).

import { AppError, notFound } from "../errors.server.ts"
import type { WebServices } from "../services.server.ts"
import { appVersions, users, type AppVersionDocument } from "../store/collections.server.ts"
import type { WorkspaceScope } from "../workspaces/scope.server.ts"
import { requireBuildableApp } from "./app-access.server.ts"
import { previewUrl } from "./preview-token.server.ts"
import { currentVersion, findVersion } from "./versions.server.ts"

/** Far more than anyone scrolls through; older versions stay stored and restorable by id. */
export const VERSIONS_LISTED = 200

export interface VersionView {
  readonly id: string
  readonly number: number
  readonly createdAt: string
  /** Who sent the message that built it, or restored it; null when they are no longer a user here. */
  readonly requestedBy: { readonly id: string; readonly name: string } | null
  /** The message that built it; null for a restore. */
  readonly message: string | null
  readonly summary: string
  readonly restoredFromNumber: number | null
  /** The version previews show by default. */
  readonly current: boolean
}

export async function listVersions(services: WebServices, scope: WorkspaceScope, appId: string): Promise<{ versions: VersionView[] }> {
  const app = await requireBuildableApp(services, scope, appId)
  const versions = await services.store
    .collection(appVersions)
    .findMany({ appId: app.id, workspaceId: app.workspaceId }, { sort: [["number", -1]], limit: VERSIONS_LISTED })
  const ids = [...new Set(versions.map((version) => version.requestedByUserId))]
  const people = ids.length > 0 ? await services.store.collection(users).findMany({ id: { in: ids } }) : []
  const names = new Map(people.map((person) => [person.id, person.displayName]))
  const current = app.currentVersionId ?? versions[0]?.id ?? null
  return { versions: versions.map((version) => versionView(version, names.get(version.requestedByUserId), current)) }
}

export const versionView = (version: AppVersionDocument, requesterName: string | undefined, currentId: string | null): VersionView => ({
  id: version.id,
  number: version.number,
  createdAt: version.createdAt,
  requestedBy: requesterName === undefined ? null : { id: version.requestedByUserId, name: requesterName },
  message: version.message,
  summary: version.summary,
  restoredFromNumber: version.restoredFromNumber,
  current: version.id === currentId,
})

export interface VersionPreview {
  readonly versionId: string
  readonly number: number
  /** `/preview/<token>/`, on this origin; the token expires at `expiresAt`. */
  readonly url: string
  /** Milliseconds since the epoch: ask for a new URL before then. */
  readonly expiresAt: number
}

export async function previewVersion(services: WebServices, scope: WorkspaceScope, appId: string, versionId?: string): Promise<VersionPreview> {
  const app = await requireBuildableApp(services, scope, appId)
  let version: AppVersionDocument | null
  if (versionId === undefined) {
    version = await currentVersion(services, app)
    if (!version) throw new AppError("NOT_FOUND", "This app has not been built yet.")
  } else {
    version = await findVersion(services, app, versionId)
    if (!version) throw notFound("Version")
  }
  const { url, expiresAt } = previewUrl(services.auth.sessionKey, { workspaceId: app.workspaceId, appId: app.id, versionId: version.id })
  return { versionId: version.id, number: version.number, url, expiresAt }
}
