// Settings → Members: everyone sees who is here; admins change roles and remove people (owners
// also for the owner role). The rules themselves live in the domain, not in this page.

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { Form, useActionData, useLoaderData } from "@remix-run/react"
import { ROLES } from "#shared/auth/permissions.ts"
import { FormMessage } from "../components/form-message.tsx"
import { readForm } from "../forms/read-form.server.ts"
import { act, field, load, reply } from "../trpc/caller.server.ts"

export const meta: MetaFunction = () => [{ title: "Members · Second" }]

export async function loader(args: LoaderFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  return load(args, async (caller) => {
    const [workspace, members, teams, me] = await Promise.all([
      caller.workspaces.get({ workspaceId }),
      caller.members.list({ workspaceId }),
      caller.teams.list({ workspaceId }),
      caller.auth.me(),
    ])
    return { workspace, members, teams, myId: me.user?.id }
  })
}

export async function action(args: ActionFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  const form = await readForm(args.request)
  const intent = field(form, "intent")
  const userId = field(form, "userId")
  if (intent === "remove") return reply(await act(args, intent, (caller) => caller.members.remove({ workspaceId, userId })))
  return reply(
    await act(args, "changeRole", (caller) =>
      caller.members.changeRole({ workspaceId, userId, role: field(form, "role") as (typeof ROLES)[number] }),
    ),
  )
}

export default function Members() {
  const { workspace, members, teams, myId } = useLoaderData<typeof loader>()
  const outcome = useActionData<typeof action>()
  const manage = workspace.permissions.includes("members:manage")
  const manageOwners = workspace.permissions.includes("members:manage-owner")
  const teamName = new Map(teams.map((team) => [team.id, team.name]))
  return (
    <main className="page">
      <h1>Members</h1>
      <FormMessage outcome={outcome} intent="changeRole" success="Role changed." />
      <FormMessage outcome={outcome} intent="remove" success="Removed." />
      <table data-testid="members">
        <thead>
          <tr>
            <th>Name</th>
            <th>Email</th>
            <th>Role</th>
            <th>Teams</th>
            {manage ? <th /> : null}
          </tr>
        </thead>
        <tbody>
          {members.map((member) => {
            const editable = manage && member.userId !== myId && !member.managedExternally && (manageOwners || member.role !== "owner")
            return (
              <tr key={member.userId} data-testid="member-row">
                <td>{member.displayName}</td>
                <td>{member.email}</td>
                <td>
                  {editable ? (
                    <Form method="post" className="inline">
                      <input type="hidden" name="userId" value={member.userId} />
                      <select name="role" defaultValue={member.role} aria-label={`Role of ${member.displayName}`}>
                        {ROLES.filter((role) => manageOwners || role !== "owner").map((role) => (
                          <option key={role} value={role}>
                            {role}
                          </option>
                        ))}
                      </select>
                      <button type="submit" name="intent" value="changeRole">
                        Save
                      </button>
                    </Form>
                  ) : (
                    <span data-testid="member-role">{member.role}</span>
                  )}
                </td>
                <td>
                  {member.teamIds.map((teamId) => (
                    <span key={teamId} className="pill">
                      {teamName.get(teamId) ?? "?"}
                    </span>
                  ))}
                </td>
                {manage ? (
                  <td>
                    {editable ? (
                      <Form method="post" className="inline">
                        <input type="hidden" name="userId" value={member.userId} />
                        <button type="submit" name="intent" value="remove" className="danger">
                          Remove
                        </button>
                      </Form>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            )
          })}
        </tbody>
      </table>
    </main>
  )
}
