// GET /api/w/:workspaceId/events: the workspace's events as Server-Sent Events, for the pages a
// member has open (app/events/workspace-events.client.ts shares one stream between tabs).
// Signed out: 401, as an API answers. Not a member (or no such workspace): 404, as everywhere.

import type { LoaderFunctionArgs } from "@remix-run/node"
import { can } from "#shared/auth/permissions.ts"
import { ID_PATTERN } from "#shared/ids.ts"
import { getViewer } from "../auth/viewer.server.ts"
import { openWorkspaceEventStream } from "../events/workspace-event-stream.server.ts"
import { onlyMethod } from "../server/method-not-allowed.server.ts"
import { plainText } from "../server/plain-text.server.ts"
import { findWorkspaceMembership } from "../workspaces/workspaces.server.ts"

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { services } = context
  const viewer = await getViewer(request, services)
  if (!viewer) return plainText("Sign in first.", 401)
  const workspaceId = params["workspaceId"] ?? ""
  const found = ID_PATTERN.test(workspaceId) ? await findWorkspaceMembership(services, workspaceId, viewer.user.id) : null
  if (!found) return plainText("Workspace not found.", 404)
  if (!can(found.membership.role, "workspace:view")) return plainText("Your role does not allow this (workspace:view).", 403)

  const refused = services.streamSlots.take({ userId: viewer.user.id, sessionId: viewer.session.id }, request.signal)
  if (refused) return refused
  const stream = await openWorkspaceEventStream({
    hub: services.workspaceEvents,
    workspaceId,
    owner: { userId: viewer.user.id, role: found.membership.role, sessionId: viewer.session.id },
    signal: request.signal,
  })
  if (!stream) {
    services.log.warn("workspace events: stream refused, live coordination unavailable", { workspaceId })
    return plainText("Live updates are unavailable right now; the page still works without them.", 503)
  }
  return stream
}

export const action = onlyMethod("GET")
