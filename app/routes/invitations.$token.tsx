// An invitation link: who invited you where, and a button to join. Signed-out visitors sign in
// first (with the invited address) and come back here.

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { redirect } from "@remix-run/node"
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react"
import { FormMessage } from "../components/form-message.tsx"
import { withArticle } from "../components/roles.ts"
import { act, load, reply, signInPath } from "../trpc/caller.server.ts"

export const meta: MetaFunction = () => [{ title: "Invitation · Second" }]

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
    <main className="narrow">
      <h1>Join {invitation.workspaceName}</h1>
      <p className="lede">
        {invitation.invitedBy} invited {invitation.email} to join as {role}.
      </p>
      {invitation.state !== "pending" ? (
        <p className="form-error" role="alert">
          This invitation {invitation.state === "expired" ? "has expired" : `was already ${invitation.state}`}. Ask for a new one.
        </p>
      ) : user && !isInvitee ? (
        <Form method="post" action="/auth/sign-out" className="stack card">
          <p className="form-error" role="alert">
            You are signed in as {user.email}, but this invitation is for {invitation.email}.
          </p>
          <input type="hidden" name="returnTo" value={invitationPath} />
          <button type="submit">Sign out to accept as {invitation.email}</button>
        </Form>
      ) : user ? (
        <Form method="post" className="stack card">
          <p>
            Signed in as {user.displayName} ({user.email}).
          </p>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? "Joining…" : `Join ${invitation.workspaceName}`}
          </button>
          <FormMessage outcome={outcome} intent="accept" />
        </Form>
      ) : (
        <p>
          <Link to={signIn} className="button-link">
            Sign in as {invitation.email} to accept
          </Link>
        </p>
      )}
    </main>
  )
}
