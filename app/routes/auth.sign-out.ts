// POST /auth/sign-out: ends this browser's session on the server and clears its cookie, then goes
// back to `returnTo` (a path on this site) or the front door.

import type { ActionFunctionArgs } from "@remix-run/node"
import { safeReturnTo, signedOutRedirect } from "../auth/sign-in-response.server.ts"
import { revokeSession } from "../auth/sessions.server.ts"
import { getViewer } from "../auth/viewer.server.ts"
import { onlyMethod } from "../server/method-not-allowed.server.ts"

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await getViewer(request, context.services)
  if (viewer) await revokeSession(context.services.store, viewer.session.id)
  const form = await request.formData().catch(() => new FormData())
  return signedOutRedirect(request, context.services, safeReturnTo(String(form.get("returnTo") ?? "/")))
}

export const loader = onlyMethod("POST")
