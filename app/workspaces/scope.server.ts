// What every workspace operation works with: the stores, and who is acting in which workspace
// with which role (established once by workspaceProcedure, never re-checked by hand).

import type { LiveCoordination } from "#shared/live/live.server.ts"
import type { MembershipDocument, UserDocument, WorkspaceDocument } from "../store/collections.server.ts"
import type { DurableStore } from "../store/store.server.ts"

export interface Stores {
  readonly store: DurableStore
  readonly live: LiveCoordination
}

export interface WorkspaceScope {
  readonly user: UserDocument
  readonly workspace: WorkspaceDocument
  readonly membership: MembershipDocument
}

export const nowIso = () => new Date().toISOString()
