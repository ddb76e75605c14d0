// Settings → Invitations: invite an email with a role and teams, then copy the single-use link
// (shown once); resend issues a fresh link and voids the old one; revoke cancels.

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node"
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react"
import { LoaderCircle, MailPlus } from "lucide-react"
import { useEffect, useRef } from "react"
import { ROLES, type Role } from "#shared/auth/permissions.ts"
import { FormMessage } from "../components/form-message.tsx"
import { roleSummary } from "../components/roles.ts"
import { InvitationRow, IssuedLink } from "../components/settings/invitation-parts.tsx"
import { settingsMeta } from "../components/settings/workspace-title.ts"
import { Button } from "../components/ui/button.tsx"
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../components/ui/card.tsx"
import { EmptyState } from "../components/ui/empty-state.tsx"
import { Input, Select } from "../components/ui/input.tsx"
import { Field } from "../components/ui/label.tsx"
import { PageHeader, PageMain, SectionTitle } from "../components/ui/page.tsx"
import { readForm } from "../forms/read-form.server.ts"
import { act, field, load, reply } from "../trpc/caller.server.ts"
import { displayNamesById } from "../workspaces/display-names.ts"

export const meta = settingsMeta("Invitations")

export async function loader(args: LoaderFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  return load(args, async (caller) => {
    const [workspace, invitations, teams, members] = await Promise.all([
      caller.workspaces.get({ workspaceId }),
      caller.invitations.list({ workspaceId }),
      caller.teams.list({ workspaceId }),
      caller.members.list({ workspaceId }),
    ])
    return { workspace, invitations, teams, names: displayNamesById(members) }
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

export default function Invitations() {
  const { workspace, invitations, teams, names } = useLoaderData<typeof loader>()
  const outcome = useActionData<typeof action>()
  const navigation = useNavigation()
  const inviting = navigation.state !== "idle" && navigation.formData?.get("intent") === "create"
  const mayInviteOwners = workspace.permissions.includes("members:manage-owner")
  const teamName = new Map(teams.map((team) => [team.id, team.name]))
  const issued =
    outcome?.ok && "url" in outcome.data
      ? { url: outcome.data.url, email: outcome.data.invitation.email, role: outcome.data.invitation.role, expiresAt: outcome.data.invitation.expiresAt, resent: outcome.intent === "resend" }
      : null
  const inviteForm = useRef<HTMLFormElement>(null)
  // A new invitation clears the form, ready for the next person.
  useEffect(() => {
    if (outcome?.ok && outcome.intent === "create") inviteForm.current?.reset()
  }, [outcome])
  const otherTeams = teams.filter((team) => !team.isDefault)
  const roles = ROLES.filter((role) => mayInviteOwners || role !== "owner")
  return (
    <PageMain>
      <PageHeader title="Invitations" description={`Invite people to ${workspace.name} with a single-use link. Links expire after 7 days.`} />
      <div className="grid gap-8">
        <Card>
          <CardHeader>
            <CardTitle>Invite someone</CardTitle>
            <CardDescription>They join as the role you choose, in General and the teams you tick.</CardDescription>
          </CardHeader>
          <CardContent className="grid gap-4">
            <Form method="post" className="grid gap-4" ref={inviteForm}>
              <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_12rem]">
                <Field label="Email">
                  <Input name="email" type="email" required maxLength={254} autoComplete="off" placeholder="bob@example.com" />
                </Field>
                <Field label="Role">
                  <Select name="role" defaultValue="member">
                    {roles.map((role) => (
                      <option key={role} value={role}>
                        {role}
                      </option>
                    ))}
                  </Select>
                </Field>
              </div>
              <p className="text-xs text-muted-foreground">
                {[...roles].reverse().map(roleSummary).join(" ")}
              </p>
              {otherTeams.length ? (
                <fieldset className="grid gap-2">
                  <legend className="mb-2 text-sm font-medium">
                    Teams <span className="font-normal text-muted-foreground">(everyone joins General)</span>
                  </legend>
                  <div className="flex flex-wrap gap-x-4 gap-y-2">
                    {otherTeams.map((team) => (
                      <label key={team.id} className="inline-flex min-w-0 items-center gap-2 text-sm">
                        <input type="checkbox" name="teamIds" value={team.id} className="size-4 accent-primary" />
                        <span className="break-words">{team.name}</span>
                      </label>
                    ))}
                  </div>
                </fieldset>
              ) : null}
              <div>
                <Button type="submit" name="intent" value="create" disabled={inviting}>
                  {inviting ? <LoaderCircle aria-hidden className="animate-spin motion-reduce:animate-none" /> : <MailPlus aria-hidden />}
                  {inviting ? "Inviting…" : "Create invitation link"}
                </Button>
              </div>
            </Form>
            <FormMessage outcome={outcome} intent="create" />
            {issued && !issued.resent ? <IssuedLink {...issued} /> : null}
          </CardContent>
        </Card>

        <section aria-labelledby="pending-heading">
          <SectionTitle id="pending-heading">Pending</SectionTitle>
          <div className="mb-3 grid gap-3 empty:hidden">
            <FormMessage outcome={outcome} intent="resend" />
            {issued?.resent ? <IssuedLink {...issued} /> : null}
            <FormMessage outcome={outcome} intent="revoke" success="Invitation revoked: its link no longer works." />
          </div>
          {invitations.length === 0 ? (
            <EmptyState icon={MailPlus} title="No pending invitations">
              Links you create appear here until they are used, revoked or expire.
            </EmptyState>
          ) : (
            <ul className="divide-y rounded-xl border bg-card">
              {invitations.map((invitation) => (
                <InvitationRow
                  key={invitation.id}
                  invitation={invitation}
                  teamNames={invitation.teamIds.map((teamId) => teamName.get(teamId) ?? "deleted team")}
                  invitedBy={names[invitation.invitedByUserId] ?? "a former member"}
                />
              ))}
            </ul>
          )}
        </section>
      </div>
    </PageMain>
  )
}
