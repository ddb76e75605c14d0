// Settings → Members: everyone sees who is here; admins change roles and remove people (owners
// also for the owner role). The rules themselves live in the domain, not in this page.

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node"
import { Link, useActionData, useLoaderData } from "@remix-run/react"
import { UserPlus } from "lucide-react"
import { ROLES, type Role } from "#shared/auth/permissions.ts"
import { withArticle } from "../components/roles.ts"
import { MemberRow } from "../components/settings/member-row.tsx"
import { settingsMeta } from "../components/settings/workspace-title.ts"
import { Button } from "../components/ui/button.tsx"
import { Notice } from "../components/ui/notice.tsx"
import { PageHeader, PageMain } from "../components/ui/page.tsx"
import { readForm } from "../forms/read-form.server.ts"
import { act, field, load, reply } from "../trpc/caller.server.ts"

export const meta = settingsMeta("Members")

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
  // The confirmation names the person, read before they are gone from the list.
  const nameIn = (members: readonly { userId: string; displayName: string }[]) =>
    members.find((member) => member.userId === userId)?.displayName ?? "That person"
  if (intent === "remove") {
    return reply(
      await act(args, intent, async (caller) => {
        const name = nameIn(await caller.members.list({ workspaceId }))
        await caller.members.remove({ workspaceId, userId })
        return { name, role: null }
      }),
    )
  }
  return reply(
    await act(args, "changeRole", async (caller) => {
      const { role } = await caller.members.changeRole({ workspaceId, userId, role: field(form, "role") as Role })
      return { name: nameIn(await caller.members.list({ workspaceId })), role }
    }),
  )
}

function Outcome() {
  const outcome = useActionData<typeof action>()
  if (!outcome) return null
  if (!outcome.ok) return <Notice tone="error">{outcome.message}</Notice>
  const { name, role } = outcome.data
  return <Notice tone="success">{role ? `${name} is now ${withArticle(role)}.` : `Removed ${name} from the workspace.`}</Notice>
}

export default function Members() {
  const { workspace, members, teams, myId } = useLoaderData<typeof loader>()
  const manage = workspace.permissions.includes("members:manage")
  const manageOwners = workspace.permissions.includes("members:manage-owner")
  const teamName = new Map(teams.map((team) => [team.id, team.name]))
  const grantable = ROLES.filter((role) => manageOwners || role !== "owner")
  return (
    <PageMain>
      <PageHeader
        title="Members"
        description={`${members.length} ${members.length === 1 ? "person" : "people"} in ${workspace.name}.${manage ? " Owners and admins change roles here." : ""}`}
        actions={
          workspace.permissions.includes("members:invite") ? (
            <Button asChild>
              <Link to={`/w/${workspace.id}/settings/invitations`}>
                <UserPlus aria-hidden />
                Invite people
              </Link>
            </Button>
          ) : null
        }
      />
      <div className="mb-4 empty:hidden">
        <Outcome />
      </div>
      <div className="overflow-hidden rounded-xl border bg-card">
        <table data-testid="members" className="block w-full text-sm sm:table">
          <caption className="sr-only">Members of {workspace.name}</caption>
          <thead className="hidden border-b bg-muted text-left text-xs text-muted-foreground sm:table-header-group">
            <tr>
              <th scope="col" className="px-4 py-2 font-medium">
                Name
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Email
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Role
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Teams
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Joined
              </th>
              {manage ? (
                <th scope="col" className="px-4 py-2">
                  <span className="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody className="block divide-y sm:table-row-group">
            {members.map((member) => (
              <MemberRow
                key={member.userId}
                member={member}
                isMe={member.userId === myId}
                editable={manage && member.userId !== myId && !member.managedExternally && (manageOwners || member.role !== "owner")}
                grantable={grantable}
                teamNames={member.teamIds.map((teamId) => teamName.get(teamId) ?? "deleted team")}
                workspaceName={workspace.name}
                showActions={manage}
              />
            ))}
          </tbody>
        </table>
      </div>
    </PageMain>
  )
}
