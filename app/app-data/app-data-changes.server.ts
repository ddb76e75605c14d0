// Changes to an app's data as they travel between web processes: one live channel per app (both
// scopes), published after every successful write and heard by each process's app data hub,
// which passes them on to the open previews and Data tabs of that app and scope.

import { APP_DATA_SCOPES, type AppDataChange, type AppDataDocument } from "#shared/apps/app-data.ts"
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

const OPS = ["insert", "update", "delete"] as const
const isString = (value: unknown): value is string => typeof value === "string"
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value)

function parseDocument(raw: unknown): AppDataDocument | null {
  if (!isObject(raw) || !isObject(raw["data"])) return null
  const { id, collection, createdAt, updatedAt } = raw
  if (!isString(id) || !isString(collection) || !isString(createdAt) || !isString(updatedAt)) return null
  return { id, collection, data: raw["data"], createdAt, updatedAt }
}

/** Reads a change off the channel, rebuilt field by field; null for anything malformed. */
export function parseAppDataChange(message: string): AppDataChange | null {
  let raw: unknown
  try {
    raw = JSON.parse(message)
  } catch {
    return null
  }
  if (!isObject(raw)) return null
  const { appId, scope, collection, op, documentId } = raw
  if (!isString(appId) || !isString(collection) || !isString(documentId)) return null
  if (!(APP_DATA_SCOPES as readonly unknown[]).includes(scope) || !(OPS as readonly unknown[]).includes(op)) return null
  const document = raw["document"] === null ? null : parseDocument(raw["document"])
  if ((op === "delete") !== (document === null)) return null
  return { appId, scope: scope as AppDataChange["scope"], collection, op: op as AppDataChange["op"], documentId, document }
}
