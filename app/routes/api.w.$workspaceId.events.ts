// GET /api/w/:workspaceId/events: the workspace's events as Server-Sent Events, for the pages a
// member has open (app/events/workspace-events.client.ts shares one stream between tabs).
// Signed out: 401, as an API answers. Not a member (or no such workspace): 404, as everywhere.

import type { LoaderFunctionArgs } from "@remix-run/node"
import { can } from "#shared/auth/permissions.ts"
import { ID_PATTERN } from "#shared/ids.ts"
import { INVALID_API_TOKEN_MESSAGE } from "../api-tokens/api-token-text.ts"
import { findViewerMembership } from "../api-tokens/viewer-membership.server.ts"
import { getApiViewer, INVALID_API_TOKEN, viewerSessionKey } from "../auth/viewer.server.ts"
import { openWorkspaceEventStream } from "../events/workspace-event-stream.server.ts"
import { onlyMethod } from "../server/method-not-allowed.server.ts"
import { plainText } from "../server/plain-text.server.ts"

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { services } = context
  const viewer = await getApiViewer(request, services)
  if (viewer === INVALID_API_TOKEN) return plainText(INVALID_API_TOKEN_MESSAGE, 401)
  if (!viewer) return plainText("Sign in first.", 401)
  const workspaceId = params["workspaceId"] ?? ""
  const found = ID_PATTERN.test(workspaceId) ? await findViewerMembership(services, viewer, workspaceId) : null
  if (!found) return plainText("Workspace not found.", 404)
  if (!can(found.membership.role, "workspace:view")) return plainText("Your role does not allow this (workspace:view).", 403)

  const refused = services.streamSlots.take({ userId: viewer.user.id, sessionId: viewerSessionKey(viewer) }, request.signal)
  if (refused) return refused
  const stream = await openWorkspaceEventStream({
    hub: services.workspaceEvents,
    workspaceId,
    owner: { userId: viewer.user.id, role: found.membership.role, sessionId: viewerSessionKey(viewer), ...(viewer.apiToken ? { roleCeiling: viewer.apiToken.role } : {}) },
    signal: request.signal,
  })
  if (!stream) {
    services.log.warn("workspace events: stream refused, live coordination unavailable", { workspaceId })
    return plainText("Live updates are unavailable right now; the page still works without them.", 503)
  }
  return stream
}

export const action = onlyMethod("GET")
