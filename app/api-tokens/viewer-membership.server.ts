// A viewer's membership in one workspace, as authorization must see it: a token reaches only its
// own workspace (any other is "not found", as for a non-member), with the lower of its role and
// its owner's current role.

import type { Viewer } from "../auth/viewer.server.ts"
import type { MembershipDocument, WorkspaceDocument } from "../store/collections.server.ts"
import type { Stores } from "../workspaces/scope.server.ts"
import { findWorkspaceMembership } from "../workspaces/workspaces.server.ts"
import { lowerRole } from "./token-role.ts"

export async function findViewerMembership(
  stores: Stores,
  viewer: Viewer,
  workspaceId: string,
): Promise<{ workspace: WorkspaceDocument; membership: MembershipDocument } | null> {
  if (viewer.apiToken && viewer.apiToken.workspaceId !== workspaceId) return null
  const found = await findWorkspaceMembership(stores, workspaceId, viewer.user.id)
  if (!found || !viewer.apiToken) return found
  return { ...found, membership: { ...found.membership, role: lowerRole(viewer.apiToken.role, found.membership.role) } }
}

/** A person's workspaces as their token sees them: its own workspace only, at the token's effective role. */
export function workspacesForViewer<T extends { readonly id: string; readonly role: MembershipDocument["role"] }>(viewer: Viewer, mine: readonly T[]): T[] {
  const token = viewer.apiToken
  if (!token) return [...mine]
  return mine.filter((workspace) => workspace.id === token.workspaceId).map((workspace) => ({ ...workspace, role: lowerRole(token.role, workspace.role) }))
}
