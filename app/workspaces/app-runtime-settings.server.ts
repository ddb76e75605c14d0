// The workspace's runtime settings for app frames (Settings → Runtime): reading them (missing:
// everything on) and saving them, audited with before and after, and announced so open app pages
// reload their frame under the new policy.

import { DEFAULT_APP_RUNTIME_SETTINGS, type AppRuntimeSettings } from "#shared/apps/frame-policy.ts"
import { recordAudit } from "../audit/audit.server.ts"
import { publishWorkspaceEvent } from "../events/workspace-events.server.ts"
import type { WebServices } from "../services.server.ts"
import { workspaces, type WorkspaceDocument } from "../store/collections.server.ts"
import { nowIso, type WorkspaceScope } from "./scope.server.ts"

export function appRuntimeSettingsOf(workspace: Pick<WorkspaceDocument, "appRuntimeSettings">): AppRuntimeSettings {
  const saved = workspace.appRuntimeSettings
  return saved ? { scripts: saved.scripts, clipboard: saved.clipboard, externalLinks: saved.externalLinks } : DEFAULT_APP_RUNTIME_SETTINGS
}

const same = (a: AppRuntimeSettings, b: AppRuntimeSettings) => a.scripts === b.scripts && a.clipboard === b.clipboard && a.externalLinks === b.externalLinks

/** Saves the settings; an unchanged save writes, audits and announces nothing. */
export async function saveAppRuntimeSettings(services: WebServices, scope: WorkspaceScope, settings: AppRuntimeSettings): Promise<AppRuntimeSettings> {
  const current = await services.store.collection(workspaces).findOne({ id: scope.workspace.id })
  const before = appRuntimeSettingsOf(current ?? scope.workspace)
  const after: AppRuntimeSettings = { scripts: settings.scripts, clipboard: settings.clipboard, externalLinks: settings.externalLinks }
  if (same(before, after)) return after
  const updated = await services.store.collection(workspaces).updateOne({ id: scope.workspace.id }, { appRuntimeSettings: after, updatedAt: nowIso() })
  if (!updated) throw new Error("workspace vanished while saving its runtime settings")
  await recordAudit(services.store, {
    workspaceId: scope.workspace.id,
    actorUserId: scope.user.id,
    action: "workspace.runtime_settings_changed",
    target: { type: "workspace", id: scope.workspace.id },
    before: { ...before },
    after: { ...after },
  })
  void publishWorkspaceEvent(services.live, scope.workspace.id, { type: "workspace.settings.changed" }, { kind: "workspace" }, services.log)
  return after
}
