// GET /auth/oidc/callback: the identity provider sends the browser back here with a code. The
// person is resolved, synced into users and memberships, and given a session.

import type { LoaderFunctionArgs } from "@remix-run/node"
import { redirect } from "@remix-run/node"
import { syncExternalIdentity } from "../auth/external/sync-identity.server.ts"
import { completeSignIn } from "../auth/sign-in-response.server.ts"
import { signInReasonOf } from "../auth/sign-in-errors.server.ts"
import { AppError } from "../errors.server.ts"
import { onlyMethod } from "../server/method-not-allowed.server.ts"

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { services } = context
  const provider = services.auth.provider
  if (!provider || !services.config.oidc) throw new Response("Not found.", { status: 404 })
  try {
    const { signIn, headers } = await provider.complete(request)
    const user = await syncExternalIdentity(services, signIn.identity, services.config.oidc.roleMap)
    const response = await completeSignIn(request, services, user, signIn.returnTo)
    for (const cookie of headers.getSetCookie()) response.headers.append("set-cookie", cookie)
    return response
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    services.log.warn("sign-in failed", { reason: signInReasonOf(error), detail: (error as { detail?: string }).detail })
    throw redirect(`/sign-in?error=${signInReasonOf(error)}`)
  }
}

export const action = onlyMethod("GET")
