// GET /api/w/:workspaceId/apps/:appId/data/events?scope=draft|published: changes to an app's data
// as Server-Sent Events, for its open previews and Data tab. Each message's data is one
// AppDataChange (shared/apps/app-data.ts); a browser reloads what it shows when the stream opens.
// Signed out: 401, as an API answers. Not a member, no such app, or an app the viewer cannot reach
// in that scope (the draft: its builders; published: whoever the app is published to): 404, as everywhere.

import type { LoaderFunctionArgs } from "@remix-run/node"
import { APP_DATA_SCOPES, type AppDataScope } from "#shared/apps/app-data.ts"
import { can } from "#shared/auth/permissions.ts"
import { ID_PATTERN } from "#shared/ids.ts"
import { openAppDataStream } from "../app-data/app-data-stream.server.ts"
import { canBuildApp, canUseAppNow } from "../apps/app-access.server.ts"
import { INVALID_API_TOKEN_MESSAGE } from "../api-tokens/api-token-text.ts"
import { findViewerMembership } from "../api-tokens/viewer-membership.server.ts"
import { getApiViewer, INVALID_API_TOKEN, viewerSessionKey } from "../auth/viewer.server.ts"
import { onlyMethod } from "../server/method-not-allowed.server.ts"
import { plainText } from "../server/plain-text.server.ts"
import { apps } from "../store/collections.server.ts"

const isScope = (value: string): value is AppDataScope => (APP_DATA_SCOPES as readonly string[]).includes(value)

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { services } = context
  const viewer = await getApiViewer(request, services)
  if (viewer === INVALID_API_TOKEN) return plainText(INVALID_API_TOKEN_MESSAGE, 401)
  if (!viewer) return plainText("Sign in first.", 401)
  const workspaceId = params["workspaceId"] ?? ""
  const appId = params["appId"] ?? ""
  const found = ID_PATTERN.test(workspaceId) ? await findViewerMembership(services, viewer, workspaceId) : null
  if (!found) return plainText("Workspace not found.", 404)
  if (!can(found.membership.role, "apps:build")) return plainText("Your role does not allow this (apps:build).", 403)
  const app = ID_PATTERN.test(appId) ? await services.store.collection(apps).findOne({ id: appId, workspaceId }) : null
  const scope = new URL(request.url).searchParams.get("scope") ?? "draft"
  const who = { user: viewer.user, membership: found.membership }
  const mayHear = app !== null && !app.deleting && (canBuildApp(app, who) || (scope === "published" && (await canUseAppNow(services.store, app, who))))
  if (!mayHear) return plainText("App not found.", 404)
  if (!isScope(scope)) return plainText('scope must be "draft" or "published".', 400)

  const refused = services.streamSlots.take({ userId: viewer.user.id, sessionId: viewerSessionKey(viewer) }, request.signal)
  if (refused) return refused
  const stream = await openAppDataStream({
    hub: services.appDataHub,
    target: { workspaceId, appId, scope },
    owner: { userId: viewer.user.id, sessionId: viewerSessionKey(viewer) },
    signal: request.signal,
  })
  if (!stream) {
    services.log.warn("app data: stream refused, live coordination unavailable", { workspaceId, appId })
    return plainText("Live updates are unavailable right now; the app still works without them.", 503)
  }
  return stream
}

export const action = onlyMethod("GET")
