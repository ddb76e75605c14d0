// Sign-in page for SECOND_AUTH_MODE=external: one button to the organization's identity
// provider, and the reason when the last attempt failed.

import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { redirect } from "@remix-run/node"
import { useLoaderData } from "@remix-run/react"
import { LogIn } from "lucide-react"
import { AuthShell } from "../components/auth-shell.tsx"
import { Button } from "../components/ui/button.tsx"
import { Notice } from "../components/ui/notice.tsx"
import { signInMessage } from "../auth/sign-in-errors.server.ts"
import { safeReturnTo } from "../auth/sign-in-response.server.ts"
import { getViewer } from "../auth/viewer.server.ts"
import { pageTitle } from "../text/page-title.ts"

export const meta: MetaFunction = () => pageTitle("Sign in")

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
    <AuthShell title="Sign in to Second" description="Use your organization's account.">
      {error ? <Notice tone="error">{error}</Notice> : null}
      <Button asChild size="lg" className="w-full">
        <a href={start} data-testid="sign-in-sso">
          <LogIn aria-hidden />
          {`Continue with ${label}`}
        </a>
      </Button>
    </AuthShell>
  )
}
