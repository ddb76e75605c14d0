// Sign-in page for SECOND_AUTH_MODE=external: one button to the organization's identity
// provider, and the reason when the last attempt failed.

import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { redirect } from "@remix-run/node"
import { useLoaderData } from "@remix-run/react"
import { signInMessage } from "../auth/sign-in-errors.server.ts"
import { safeReturnTo } from "../auth/sign-in-response.server.ts"
import { getViewer } from "../auth/viewer.server.ts"

export const meta: MetaFunction = () => [{ title: "Sign in · Second" }]

export async function loader({ request, context }: LoaderFunctionArgs) {
  const params = new URL(request.url).searchParams
  const returnTo = safeReturnTo(params.get("returnTo"))
  const provider = context.services.auth.provider
  if (!provider) throw redirect(`/onboarding?returnTo=${encodeURIComponent(returnTo)}`)
  if (await getViewer(request, context.services)) throw redirect(returnTo)
  return {
    label: provider.label,
    start: `/auth/oidc/start?returnTo=${encodeURIComponent(returnTo)}`,
    error: signInMessage(params.get("error")),
  }
}

export default function SignIn() {
  const { label, start, error } = useLoaderData<typeof loader>()
  return (
    <main className="narrow">
      <h1>Sign in to Second</h1>
      <p className="lede">Use your organization's account.</p>
      <p>
        <a href={start} className="button-link" data-testid="sign-in-sso">
          {`Continue with ${label}`}
        </a>
      </p>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </main>
  )
}
