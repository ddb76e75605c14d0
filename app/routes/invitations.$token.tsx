// An invitation link: who invited you where, and a button to join. Signed-out visitors sign in
// first (with the invited address) and come back here.

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { redirect } from "@remix-run/node"
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react"
import { AuthShell } from "../components/auth-shell.tsx"
import { FormMessage } from "../components/form-message.tsx"
import { Button } from "../components/ui/button.tsx"
import { Notice } from "../components/ui/notice.tsx"
import { pageTitle } from "../text/page-title.ts"
import { withArticle } from "../components/roles.ts"
import { act, load, reply, signInPath } from "../trpc/caller.server.ts"

export const meta: MetaFunction = () => pageTitle("Invitation")

const INVALID_LINK = "This invitation link is not valid. Ask for a new one."

export async function loader(args: LoaderFunctionArgs) {
  const token = args.params["token"] ?? ""
  if (!/^[a-z2-7]{52}$/.test(token)) throw new Response(INVALID_LINK, { status: 404 })
  return load(args, async (caller) => {
    const [invitation, me] = await Promise.all([caller.invitations.preview({ token }), caller.auth.me()])
    // In none mode the sign-in form can start with the invited address filled in.
    const signIn = `${signInPath(args)}&email=${encodeURIComponent(invitation.email)}`
    return { invitation, user: me.user, signIn, invitationPath: new URL(args.request.url).pathname }
  })
}

export async function action(args: ActionFunctionArgs) {
  const token = args.params["token"] ?? ""
  const result = await act(args, "accept", (caller) => caller.invitations.accept({ token }))
  if (result.ok) throw redirect(`/w/${result.data.workspaceId}`)
  return reply(result)
}

export default function Invitation() {
  const { invitation, user, signIn, invitationPath } = useLoaderData<typeof loader>()
  const outcome = useActionData<typeof action>()
  const busy = useNavigation().state !== "idle"
  const role = withArticle(invitation.role)
  const isInvitee = user !== null && user.email.toLowerCase() === invitation.email.toLowerCase()
  return (
    <AuthShell
      title={`Join ${invitation.workspaceName}`}
      description={`${invitation.invitedBy} invited ${invitation.email} to join as ${role}.`}
    >
      {invitation.state !== "pending" ? (
        <Notice tone="error">
          This invitation {invitation.state === "expired" ? "has expired" : `was already ${invitation.state}`}. Ask for a new one.
        </Notice>
      ) : user && !isInvitee ? (
        <Form method="post" action="/auth/sign-out" className="grid gap-4">
          <Notice tone="warning">
            You are signed in as {user.email}, but this invitation is for {invitation.email}.
          </Notice>
          <input type="hidden" name="returnTo" value={invitationPath} />
          <Button type="submit" variant="outline" className="h-auto min-h-9 whitespace-normal">
            Sign out to accept as {invitation.email}
          </Button>
        </Form>
      ) : user ? (
        <Form method="post" className="grid gap-4">
          <p className="break-words">
            Signed in as {user.displayName} <span className="text-muted-foreground">({user.email})</span>.
          </p>
          <FormMessage outcome={outcome} intent="accept" />
          <Button type="submit" disabled={busy} className="w-full">
            {busy ? "Joining…" : `Join ${invitation.workspaceName}`}
          </Button>
        </Form>
      ) : (
        <Button asChild className="h-auto min-h-9 w-full whitespace-normal">
          <Link to={signIn}>Sign in as {invitation.email} to accept</Link>
        </Button>
      )}
    </AuthShell>
  )
}
