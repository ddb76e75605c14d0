// Onboarding in auth mode "none": who you are (display name and email). Creating the first
// workspace follows on /workspaces/new.

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { data, redirect } from "@remix-run/node"
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react"
import { z } from "zod"
import { AuthShell } from "../components/auth-shell.tsx"
import { Button } from "../components/ui/button.tsx"
import { Input } from "../components/ui/input.tsx"
import { Field } from "../components/ui/label.tsx"
import { Notice } from "../components/ui/notice.tsx"
import { pageTitle } from "../text/page-title.ts"
import { signInLocally } from "../auth/local-sign-in.server.ts"
import { completeSignIn, safeReturnTo } from "../auth/sign-in-response.server.ts"
import { getViewer } from "../auth/viewer.server.ts"
import { readForm } from "../forms/read-form.server.ts"
import { issuesMessage } from "../trpc/issue-messages.server.ts"
import { emailSchema, nameSchema } from "../trpc/schemas.server.ts"

export const meta: MetaFunction = () => pageTitle("Welcome")

const identity = z.object({ displayName: nameSchema("display name"), email: emailSchema })

export async function loader({ request, context }: LoaderFunctionArgs) {
  const params = new URL(request.url).searchParams
  const returnTo = safeReturnTo(params.get("returnTo"))
  if (context.services.config.authMode !== "none") throw redirect(`/sign-in?returnTo=${encodeURIComponent(returnTo)}`)
  if (await getViewer(request, context.services)) throw redirect(returnTo)
  // Arriving from an invitation: the invited address, ready to use.
  return { returnTo, email: params.get("email")?.slice(0, 254) ?? "" }
}

export async function action({ request, context }: ActionFunctionArgs) {
  if (context.services.config.authMode !== "none") {
    return data({ message: "Sign-in by name and email is off on this server." }, { status: 403 })
  }
  const form = await readForm(request)
  const parsed = identity.safeParse({ displayName: form.get("displayName"), email: form.get("email") })
  if (!parsed.success) {
    return data({ message: issuesMessage(parsed.error.issues) }, { status: 400 })
  }
  const user = await signInLocally(context.services.store, parsed.data)
  return completeSignIn(request, context.services, user, String(form.get("returnTo") ?? "/"))
}

export default function Onboarding() {
  const { returnTo, email } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const busy = useNavigation().state !== "idle"
  return (
    <AuthShell title="Welcome to Second" description="Tell us who you are. On this local server your name and email are all it takes to sign in.">
      <Form method="post" className="grid gap-4">
        <input type="hidden" name="returnTo" value={returnTo} />
        <Field label="Display name">
          <Input name="displayName" autoComplete="name" required maxLength={80} placeholder="Ada Lovelace" />
        </Field>
        <Field label="Email">
          <Input name="email" type="email" autoComplete="email" required maxLength={254} defaultValue={email} placeholder="ada@example.com" />
        </Field>
        {result?.message ? <Notice tone="error">{result.message}</Notice> : null}
        <Button type="submit" disabled={busy} className="w-full">
          {busy ? "Signing in…" : "Continue"}
        </Button>
      </Form>
    </AuthShell>
  )
}
