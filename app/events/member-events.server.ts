// "Who is in this workspace changed": announced by the membership code after each change, so open
// pages refresh their member lists and every web process re-checks the streams it holds.

import type { LiveCoordination } from "#shared/live/live.server.ts"
import { publishWorkspaceEvent, type PublishFailureLog } from "./workspace-events.server.ts"

/**
 * Fire-and-forget: the change is already made and must not fail for want of a hint. The
 * membership code is handed the web services as its stores, so their logger is used when present.
 */
export function announceMemberChanged(stores: { readonly live: LiveCoordination; readonly log?: PublishFailureLog }, workspaceId: string): void {
  void publishWorkspaceEvent(stores.live, workspaceId, { type: "member.changed" }, { kind: "workspace" }, stores.log)
}
