// Changes to an app's data as they travel between web processes: one live channel per app (both
// scopes), published after every successful write and heard by each process's app data hub,
// which passes them on to the open previews and Data tabs of that app and scope.

import { parseAppDataChange, type AppDataChange } from "#shared/apps/app-data.ts"
import type { LiveCoordination } from "#shared/live/live.server.ts"
import type { Log } from "../log.server.ts"

export const appDataChannel = (workspaceId: string, appId: string) => `workspace:${workspaceId}:app:${appId}:data`

/**
 * Never rejects: the write is made and must not fail for want of a live update. A browser that
 * missed one is behind until it refetches (it does on every reconnect).
 */
export async function publishAppDataChange(live: LiveCoordination, log: Pick<Log, "warn">, workspaceId: string, change: AppDataChange): Promise<void> {
  try {
    await live.publish(appDataChannel(workspaceId, change.appId), JSON.stringify(change))
  } catch (error) {
    log.warn("app data: change not published", { workspaceId, appId: change.appId, op: change.op, error })
  }
}

/** Reads a change off the channel (shared/apps/app-data.ts's parser); null for anything malformed. */
export function parseAppDataChangeMessage(message: string): AppDataChange | null {
  try {
    return parseAppDataChange(JSON.parse(message))
  } catch {
    return null
  }
}
