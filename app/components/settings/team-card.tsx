// One team on the Teams page: its name and people, and for admins rename, delete, add and remove
// (each consequential step asks first). General holds everyone and offers none of these.

import { Form } from "@remix-run/react"
import { Pencil, Trash2, UserMinus, UserPlus, Users } from "lucide-react"
import { Badge } from "../ui/badge.tsx"
import { Button } from "../ui/button.tsx"
import { Input, Select } from "../ui/input.tsx"
import { Field } from "../ui/label.tsx"
import { ConfirmForm } from "./confirm-form.tsx"

export interface TeamCardProps {
  readonly team: { readonly id: string; readonly name: string; readonly isDefault: boolean; readonly memberIds: readonly string[] }
  readonly people: ReadonlyMap<string, { readonly displayName: string; readonly email: string }>
  /** Members of the workspace not in this team yet, for the add picker. */
  readonly candidates: readonly { readonly userId: string; readonly displayName: string }[]
  readonly manage: boolean
}

export function TeamCard({ team, people, candidates, manage }: TeamCardProps) {
  const editable = manage && !team.isDefault
  const count = team.memberIds.length
  return (
    // aria-label (not labelledby): tests find a team's card by its name in this attribute.
    <section data-testid="team" aria-label={team.name} className="rounded-xl border bg-card">
      <div className="flex flex-col gap-3 border-b px-4 py-3 sm:flex-row sm:items-center sm:justify-between">
        <div className="flex min-w-0 flex-wrap items-center gap-2">
          <h2 className="text-base font-semibold break-words">
            {team.name}
          </h2>
          {team.isDefault ? <Badge variant="primary">everyone</Badge> : null}
          <span className="text-xs text-muted-foreground">
            {count} {count === 1 ? "person" : "people"}
          </span>
        </div>
        {editable ? (
          <div className="flex shrink-0 gap-2">
            <ConfirmForm
              trigger={
                <Button variant="outline" size="sm">
                  <Pencil aria-hidden />
                  Rename<span className="sr-only"> {team.name}</span>
                </Button>
              }
              title={`Rename ${team.name}`}
              description="Everyone in the workspace sees the new name."
              confirmLabel="Rename"
              intent="rename"
              fields={{ teamId: team.id }}
            >
              <Field label="Team name">
                <Input name="name" defaultValue={team.name} required maxLength={80} />
              </Field>
            </ConfirmForm>
            <ConfirmForm
              trigger={
                <Button variant="ghost" size="sm" className="text-destructive hover:text-destructive">
                  <Trash2 aria-hidden />
                  Delete<span className="sr-only"> {team.name}</span>
                </Button>
              }
              title={`Delete the team ${team.name}?`}
              description={`Its ${count} ${count === 1 ? "member stays" : "members stay"} in the workspace; only the team goes. This cannot be undone.`}
              confirmLabel="Delete team"
              intent="delete"
              fields={{ teamId: team.id }}
              destructive
            />
          </div>
        ) : null}
      </div>
      {team.isDefault ? <p className="px-4 pt-3 text-sm text-muted-foreground">Everyone in the workspace is in General; it cannot be renamed, deleted or left.</p> : null}
      {count === 0 ? (
        <p className="flex items-center gap-2 px-4 py-3 text-sm text-muted-foreground">
          <Users className="size-4" aria-hidden />
          Nobody yet.
        </p>
      ) : (
        <ul className="divide-y" aria-label={`People in ${team.name}`}>
          {team.memberIds.map((userId) => {
            const person = people.get(userId)
            const name = person?.displayName ?? "a former member"
            return (
              <li key={userId} className="flex items-center gap-3 px-4 py-2">
                <div className="grid min-w-0 flex-1">
                  <span className="truncate font-medium" title={name}>
                    {name}
                  </span>
                  {person ? (
                    <span className="truncate text-xs text-muted-foreground" title={person.email}>
                      {person.email}
                    </span>
                  ) : null}
                </div>
                {editable ? (
                  <ConfirmForm
                    trigger={
                      <Button variant="ghost" size="icon-sm" aria-label={`Remove ${name} from ${team.name}`} title={`Remove from ${team.name}`}>
                        <UserMinus aria-hidden />
                      </Button>
                    }
                    title={`Remove ${name} from ${team.name}?`}
                    description="They stay in the workspace; only their place in this team goes."
                    confirmLabel="Remove from team"
                    intent="removeMember"
                    fields={{ teamId: team.id, userId }}
                    destructive
                  />
                ) : null}
              </li>
            )
          })}
        </ul>
      )}
      {editable && candidates.length ? (
        <Form method="post" className="flex gap-2 border-t px-4 py-3">
          <input type="hidden" name="teamId" value={team.id} />
          <Select name="userId" aria-label={`Add to ${team.name}`} className="sm:max-w-64">
            {candidates.map((member) => (
              <option key={member.userId} value={member.userId}>
                {member.displayName}
              </option>
            ))}
          </Select>
          <Button type="submit" name="intent" value="addMember" variant="secondary">
            <UserPlus aria-hidden />
            Add
          </Button>
        </Form>
      ) : null}
    </section>
  )
}
