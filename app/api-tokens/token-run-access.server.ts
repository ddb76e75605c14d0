// Run streams for a token: the run must be in the token's workspace, and its app visible at the
// token's effective role (a member-role token of an admin sees only the apps a member would).

import { maySeeAgentRun } from "../agents/agent-run-access.server.ts"
import type { AgentRunDocument } from "../agents/agent-run-collections.server.ts"
import { canBuildApp } from "../apps/app-access.server.ts"
import type { Viewer } from "../auth/viewer.server.ts"
import { apps, type RunDocument } from "../store/collections.server.ts"
import type { Stores } from "../workspaces/scope.server.ts"
import { findViewerMembership } from "./viewer-membership.server.ts"

/** Whether a run the owner may see may also be streamed with the request's token (always, for a browser). */
export async function mayStreamWithToken(
  stores: Stores,
  viewer: Viewer,
  run: RunDocument | AgentRunDocument,
  kind: "builder" | "agent",
): Promise<boolean> {
  if (!viewer.apiToken) return true
  const found = await findViewerMembership(stores, viewer, run.workspaceId)
  if (!found) return false
  const app = await stores.store.collection(apps).findOne({ id: run.appId, workspaceId: run.workspaceId })
  if (!app) return false
  const who = { user: viewer.user, membership: found.membership }
  return kind === "builder" ? canBuildApp(app, who) : maySeeAgentRun(stores.store, run as AgentRunDocument, app, who)
}
