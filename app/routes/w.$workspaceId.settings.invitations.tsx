// Settings → Invitations: invite an email with a role and teams, then copy the single-use link
// (shown once); resend issues a fresh link and voids the old one; revoke cancels.

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react"
import { useEffect, useRef } from "react"
import { ROLES, type Role } from "#shared/auth/permissions.ts"
import { FormMessage } from "../components/form-message.tsx"
import { readForm } from "../forms/read-form.server.ts"
import { act, field, load, reply } from "../trpc/caller.server.ts"

export const meta: MetaFunction = () => [{ title: "Invitations · Second" }]

export async function loader(args: LoaderFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  return load(args, async (caller) => {
    const [workspace, invitations, teams] = await Promise.all([
      caller.workspaces.get({ workspaceId }),
      caller.invitations.list({ workspaceId }),
      caller.teams.list({ workspaceId }),
    ])
    return { workspace, invitations, teams }
  })
}

export async function action(args: ActionFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  const form = await readForm(args.request)
  const intent = field(form, "intent")
  const invitationId = field(form, "invitationId")
  if (intent === "revoke") return reply(await act(args, intent, (caller) => caller.invitations.revoke({ workspaceId, invitationId })))
  if (intent === "resend") return reply(await act(args, intent, (caller) => caller.invitations.resend({ workspaceId, invitationId })))
  return reply(
    await act(args, "create", (caller) =>
      caller.invitations.create({
        workspaceId,
        email: field(form, "email"),
        role: field(form, "role") as Role,
        teamIds: form.getAll("teamIds").map(String),
      }),
    ),
  )
}

function InviteLink({ url }: { url: string }) {
  return (
    <div className="invite-link">
      <input readOnly value={url} aria-label="Invitation link" data-testid="invite-link" onFocus={(event) => event.currentTarget.select()} />
      <button type="button" onClick={() => void navigator.clipboard?.writeText(url)}>
        Copy
      </button>
    </div>
  )
}

export default function Invitations() {
  const { workspace, invitations, teams } = useLoaderData<typeof loader>()
  const outcome = useActionData<typeof action>()
  const busy = useNavigation().state !== "idle"
  const mayInviteOwners = workspace.permissions.includes("members:manage-owner")
  const teamName = new Map(teams.map((team) => [team.id, team.name]))
  const issued = outcome?.ok && "url" in outcome.data ? outcome.data : null
  const inviteForm = useRef<HTMLFormElement>(null)
  // A new invitation clears the form, ready for the next person.
  useEffect(() => {
    if (outcome?.ok && outcome.intent === "create") inviteForm.current?.reset()
  }, [outcome])
  return (
    <main className="page">
      <h1>Invitations</h1>
      <section className="card">
        <h2>Invite someone</h2>
        <Form method="post" className="stack" ref={inviteForm}>
          <label>
            Email
            <input name="email" type="email" required maxLength={254} />
          </label>
          <label>
            Role
            <select name="role" defaultValue="member">
              {ROLES.filter((role) => mayInviteOwners || role !== "owner").map((role) => (
                <option key={role} value={role}>
                  {role}
                </option>
              ))}
            </select>
          </label>
          {teams.some((team) => !team.isDefault) ? (
            <fieldset>
              <legend className="muted">Teams (everyone joins General)</legend>
              {teams
                .filter((team) => !team.isDefault)
                .map((team) => (
                  <label key={team.id} className="inline">
                    <input type="checkbox" name="teamIds" value={team.id} /> {team.name}
                  </label>
                ))}
            </fieldset>
          ) : null}
          <button type="submit" name="intent" value="create" className="primary" disabled={busy}>
            {busy ? "Inviting…" : "Create invitation link"}
          </button>
        </Form>
        <FormMessage outcome={outcome} intent="create" />
        <FormMessage outcome={outcome} intent="resend" />
        <FormMessage outcome={outcome} intent="revoke" success="Invitation revoked." />
        {issued ? (
          <>
            <p className="form-ok" role="status">
              Send this link to {issued.invitation.email}. It works once and expires {new Date(issued.invitation.expiresAt).toUTCString()}.
            </p>
            <InviteLink url={issued.url} />
          </>
        ) : null}
      </section>
      <section>
        <h2>Pending</h2>
        {invitations.length === 0 ? <p className="muted">No pending invitations.</p> : null}
        <table>
          <tbody>
            {invitations.map((invitation) => (
              <tr key={invitation.id} data-testid="invitation-row">
                <td>{invitation.email}</td>
                <td>{invitation.role}</td>
                <td>
                  {invitation.teamIds.map((teamId) => (
                    <span key={teamId} className="pill">
                      {teamName.get(teamId) ?? "deleted team"}
                    </span>
                  ))}
                </td>
                <td className="muted">{invitation.expired ? "expired" : `expires ${new Date(invitation.expiresAt).toUTCString()}`}</td>
                <td>
                  <Form method="post" className="inline">
                    <input type="hidden" name="invitationId" value={invitation.id} />
                    <button type="submit" name="intent" value="resend">
                      Resend
                    </button>
                    <button type="submit" name="intent" value="revoke" className="danger">
                      Revoke
                    </button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </main>
  )
}
