// Settings → Teams: everyone sees the teams; admins create, rename, delete and staff them. The
// General team holds everyone and cannot be renamed, deleted or left.

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { Form, useActionData, useLoaderData } from "@remix-run/react"
import { FormMessage } from "../components/form-message.tsx"
import { readForm } from "../forms/read-form.server.ts"
import { act, field, load, reply } from "../trpc/caller.server.ts"

export const meta: MetaFunction = () => [{ title: "Teams · Second" }]

export async function loader(args: LoaderFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  return load(args, async (caller) => {
    const [workspace, teams, members] = await Promise.all([
      caller.workspaces.get({ workspaceId }),
      caller.teams.list({ workspaceId }),
      caller.members.list({ workspaceId }),
    ])
    return { workspace, teams, members }
  })
}

export async function action(args: ActionFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  const form = await readForm(args.request)
  const intent = field(form, "intent")
  const teamId = field(form, "teamId")
  const userId = field(form, "userId")
  const name = field(form, "name")
  switch (intent) {
    case "rename":
      return reply(await act(args, intent, (caller) => caller.teams.rename({ workspaceId, teamId, name })))
    case "delete":
      return reply(await act(args, intent, (caller) => caller.teams.delete({ workspaceId, teamId })))
    case "addMember":
      return reply(await act(args, intent, (caller) => caller.teams.addMember({ workspaceId, teamId, userId })))
    case "removeMember":
      return reply(await act(args, intent, (caller) => caller.teams.removeMember({ workspaceId, teamId, userId })))
    default:
      return reply(await act(args, "create", (caller) => caller.teams.create({ workspaceId, name })))
  }
}

export default function Teams() {
  const { workspace, teams, members } = useLoaderData<typeof loader>()
  const outcome = useActionData<typeof action>()
  const manage = workspace.permissions.includes("teams:manage")
  const person = new Map(members.map((member) => [member.userId, member]))
  return (
    <main className="page">
      <h1>Teams</h1>
      {["create", "rename", "delete", "addMember", "removeMember"].map((intent) => (
        <FormMessage key={intent} outcome={outcome} intent={intent} />
      ))}
      {manage ? (
        <section className="card">
          <Form method="post" className="inline">
            <input name="name" required maxLength={80} placeholder="New team name" aria-label="New team name" />
            <button type="submit" name="intent" value="create" className="primary">
              Create team
            </button>
          </Form>
        </section>
      ) : null}
      {teams.map((team) => (
        <section key={team.id} data-testid="team" aria-label={team.name}>
          <h2>
            {team.name} {team.isDefault ? <span className="pill">everyone</span> : null}
          </h2>
          <ul>
            {team.memberIds.map((userId) => (
              <li key={userId}>
                {person.get(userId)?.displayName ?? "former member"}
                {manage && !team.isDefault ? (
                  <Form method="post" className="inline">
                    <input type="hidden" name="teamId" value={team.id} />
                    <input type="hidden" name="userId" value={userId} />
                    <button type="submit" name="intent" value="removeMember">
                      Remove
                    </button>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
          {manage && !team.isDefault ? (
            <div className="inline">
              <Form method="post" className="inline">
                <input type="hidden" name="teamId" value={team.id} />
                <select name="userId" aria-label={`Add to ${team.name}`}>
                  {members
                    .filter((member) => !team.memberIds.includes(member.userId))
                    .map((member) => (
                      <option key={member.userId} value={member.userId}>
                        {member.displayName}
                      </option>
                    ))}
                </select>
                <button type="submit" name="intent" value="addMember">
                  Add
                </button>
              </Form>
              <Form method="post" className="inline">
                <input type="hidden" name="teamId" value={team.id} />
                <input name="name" defaultValue={team.name} required maxLength={80} aria-label={`Rename ${team.name}`} />
                <button type="submit" name="intent" value="rename">
                  Rename
                </button>
              </Form>
              <Form method="post" className="inline">
                <input type="hidden" name="teamId" value={team.id} />
                <button type="submit" name="intent" value="delete" className="danger">
                  Delete team
                </button>
              </Form>
            </div>
          ) : null}
        </section>
      ))}
    </main>
  )
}
