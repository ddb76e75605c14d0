// GET /auth/oidc/start: sends the browser to the identity provider (external mode only).

import type { LoaderFunctionArgs } from "@remix-run/node"
import { redirect } from "@remix-run/node"
import { safeReturnTo } from "../auth/sign-in-response.server.ts"
import { signInReasonOf } from "../auth/sign-in-errors.server.ts"
import { AppError } from "../errors.server.ts"
import { onlyMethod } from "../server/method-not-allowed.server.ts"

export async function loader({ request, context }: LoaderFunctionArgs) {
  const provider = context.services.auth.provider
  if (!provider) throw new Response("Not found.", { status: 404 })
  const returnTo = safeReturnTo(new URL(request.url).searchParams.get("returnTo"))
  try {
    return await provider.start(request, returnTo)
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    context.services.log.warn("sign-in could not start", { reason: signInReasonOf(error), detail: (error as { detail?: string }).detail })
    throw redirect(`/sign-in?error=${signInReasonOf(error)}`)
  }
}

export const action = onlyMethod("GET")
