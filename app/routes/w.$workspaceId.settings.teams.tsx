// Settings → Teams: everyone sees the teams; admins create, rename, delete and staff them. The
// General team holds everyone and cannot be renamed, deleted or left.

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node"
import { Form, useActionData, useLoaderData } from "@remix-run/react"
import { Plus } from "lucide-react"
import { useEffect, useRef } from "react"
import { TeamCard } from "../components/settings/team-card.tsx"
import { settingsMeta } from "../components/settings/workspace-title.ts"
import { Button } from "../components/ui/button.tsx"
import { Input } from "../components/ui/input.tsx"
import { Notice } from "../components/ui/notice.tsx"
import { PageHeader, PageMain } from "../components/ui/page.tsx"
import { readForm } from "../forms/read-form.server.ts"
import { act, field, load, reply } from "../trpc/caller.server.ts"

export const meta = settingsMeta("Teams")

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
  const intent = field(form, "intent") || "create"
  const teamId = field(form, "teamId")
  const userId = field(form, "userId")
  const name = field(form, "name")
  return reply(
    await act(args, intent, async (caller) => {
      // The confirmation names the team and the person, read before either may be gone.
      const [teams, members] = await Promise.all([caller.teams.list({ workspaceId }), caller.members.list({ workspaceId })])
      const team = teams.find((each) => each.id === teamId)?.name ?? "the team"
      const person = members.find((each) => each.userId === userId)?.displayName ?? "That person"
      switch (intent) {
        case "rename": {
          const renamed = await caller.teams.rename({ workspaceId, teamId, name })
          return { done: `Renamed ${team} to ${renamed.name}.` }
        }
        case "delete":
          await caller.teams.delete({ workspaceId, teamId })
          return { done: `Deleted the team ${team}.` }
        case "addMember":
          await caller.teams.addMember({ workspaceId, teamId, userId })
          return { done: `Added ${person} to ${team}.` }
        case "removeMember":
          await caller.teams.removeMember({ workspaceId, teamId, userId })
          return { done: `Removed ${person} from ${team}.` }
        default: {
          const created = await caller.teams.create({ workspaceId, name })
          return { done: `Created the team ${created.name}.` }
        }
      }
    }),
  )
}

export default function Teams() {
  const { workspace, teams, members } = useLoaderData<typeof loader>()
  const outcome = useActionData<typeof action>()
  const manage = workspace.permissions.includes("teams:manage")
  const people = new Map(members.map((member) => [member.userId, member]))
  const createForm = useRef<HTMLFormElement>(null)
  // A created team clears the name field, ready for the next one.
  useEffect(() => {
    if (outcome?.ok && outcome.intent === "create") createForm.current?.reset()
  }, [outcome])
  return (
    <PageMain>
      <PageHeader title="Teams" description={`Groups of people in ${workspace.name}. Everyone is in General; an invitation can add people to more teams.`} />
      {manage ? (
        <Form method="post" ref={createForm} className="mb-6 flex flex-col gap-2 rounded-xl border bg-card p-4 sm:flex-row">
          <Input name="name" required maxLength={80} placeholder="New team name" aria-label="New team name" className="sm:max-w-sm" />
          <Button type="submit" name="intent" value="create">
            <Plus aria-hidden />
            Create team
          </Button>
        </Form>
      ) : null}
      {outcome ? (
        <div className="mb-6">
          {outcome.ok ? <Notice tone="success">{outcome.data.done}</Notice> : <Notice tone="error">{outcome.message}</Notice>}
        </div>
      ) : null}
      <div className="grid gap-4">
        {teams.map((team) => (
          <TeamCard
            key={team.id}
            team={team}
            people={people}
            candidates={members.filter((member) => !team.memberIds.includes(member.userId))}
            manage={manage}
          />
        ))}
      </div>
    </PageMain>
  )
}
