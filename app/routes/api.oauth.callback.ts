// GET /api/oauth/callback: where every provider sends the browser back after Connect (the one
// redirect URI admins register). See integrations/oauth/connect-callback.server.ts.

import type { LoaderFunctionArgs } from "@remix-run/node"
import { completeConnection } from "../integrations/oauth/connect-callback.server.ts"
import { onlyMethod } from "../server/method-not-allowed.server.ts"

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (!context.services.config.oauthEnabled) throw new Response("Not found.", { status: 404 })
  return completeConnection(context.services, request)
}

export const action = onlyMethod("GET")
