// Your account: who you are signed in as, and every browser signed in as you, each of which you
// can sign out from here.

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react"
import { FormMessage } from "../components/form-message.tsx"
import { readForm } from "../forms/read-form.server.ts"
import { act, field, load, reply } from "../trpc/caller.server.ts"

export const meta: MetaFunction = () => [{ title: "Account · Second" }]

export async function loader(args: LoaderFunctionArgs) {
  return load(args, async (caller) => {
    const [me, sessions] = await Promise.all([caller.auth.me(), caller.auth.sessions()])
    return { user: me.user, sessions }
  })
}

export async function action(args: ActionFunctionArgs) {
  const form = await readForm(args.request)
  return reply(await act(args, "revoke", (caller) => caller.auth.revokeSession({ sessionId: field(form, "sessionId") })))
}

export default function Account() {
  const { user, sessions } = useLoaderData<typeof loader>()
  const outcome = useActionData<typeof action>()
  return (
    <main className="page">
      <p>
        <Link to="/">← Back</Link>
      </p>
      <h1>{user?.displayName}</h1>
      <p className="lede">{user?.email}</p>
      <section>
        <h2>Signed-in browsers</h2>
        <FormMessage outcome={outcome} intent="revoke" success="Signed out that browser." />
        <table>
          <tbody>
            {sessions.map((session) => (
              <tr key={session.id} data-testid="session-row">
                <td>{session.userAgent || "Unknown browser"}</td>
                <td className="muted">last seen {new Date(session.lastSeenAt).toUTCString()}</td>
                <td>
                  {session.current ? (
                    <span className="pill">this browser</span>
                  ) : (
                    <Form method="post" className="inline">
                      <input type="hidden" name="sessionId" value={session.id} />
                      <button type="submit" className="danger">
                        Sign out
                      </button>
                    </Form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </main>
  )
}
