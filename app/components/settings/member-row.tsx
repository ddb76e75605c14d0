// One person on the Members page: a table row on wider screens, a stacked card on a phone (name
// and email, then role and teams, the remove action in the corner). A role change and a removal
// each ask first. Name and email stay the row's first two cells (the e2e tests read them).

import { Form } from "@remix-run/react"
import { UserMinus } from "lucide-react"
import { useEffect, useState } from "react"
import { ROLES, type Role } from "#shared/auth/permissions.ts"
import { roleSummary, withArticle } from "../roles.ts"
import { Badge } from "../ui/badge.tsx"
import { Button } from "../ui/button.tsx"
import { Dialog } from "../ui/dialog.tsx"
import { Select } from "../ui/input.tsx"
import { RelativeTime } from "../ui/relative-time.tsx"
import { ConfirmDialogContent, ConfirmForm } from "./confirm-form.tsx"
import { RoleBadge } from "./role-badge.tsx"

export interface MemberRowData {
  readonly userId: string
  readonly displayName: string
  readonly email: string
  readonly role: Role
  readonly managedExternally: boolean
  readonly joinedAt: string
  readonly teamIds: readonly string[]
}

export interface MemberRowProps {
  readonly member: MemberRowData
  readonly isMe: boolean
  /** The viewer may change this person's role and remove them. */
  readonly editable: boolean
  /** Roles the viewer may give (owners only by owners). */
  readonly grantable: readonly Role[]
  readonly teamNames: readonly string[]
  readonly workspaceName: string
  /** The viewer manages members at all (the table has an actions column). */
  readonly showActions: boolean
}

// Phone: a two-column grid per row. Wider: a real table row.
const row = "grid grid-cols-[minmax(0,1fr)_auto] items-center gap-x-3 gap-y-1.5 px-4 py-3 sm:table-row sm:p-0"
const cell = "min-w-0 sm:px-4 sm:py-3 sm:align-middle"

export function MemberRow({ member, isMe, editable, grantable, teamNames, workspaceName, showActions }: MemberRowProps) {
  return (
    <tr data-testid="member-row" className={row}>
      <td className={`${cell} col-start-1 font-medium break-words`}>{member.displayName}</td>
      <td className={`${cell} col-start-1 break-all text-muted-foreground sm:break-normal`}>{member.email}</td>
      <td className={`${cell} col-start-1`}>
        <div className="flex flex-wrap items-center gap-1.5">
          {editable ? (
            <RoleForm member={member} grantable={grantable} />
          ) : (
            <RoleBadge role={member.role} data-testid="member-role" />
          )}
          {isMe ? <Badge variant="outline">you</Badge> : null}
          {member.managedExternally ? (
            <Badge variant="outline" title="This membership comes from your identity provider; change it there.">
              identity provider
            </Badge>
          ) : null}
        </div>
      </td>
      <td className={`${cell} col-start-1`}>
        {teamNames.length ? (
          <ul className="flex flex-wrap gap-1" aria-label={`Teams of ${member.displayName}`}>
            {teamNames.map((name) => (
              <li key={name}>
                <Badge variant="default" className="max-w-48 truncate" title={name}>
                  <span className="truncate">{name}</span>
                </Badge>
              </li>
            ))}
          </ul>
        ) : null}
      </td>
      <td className={`${cell} hidden text-muted-foreground sm:table-cell sm:whitespace-nowrap`}>
        <RelativeTime iso={member.joinedAt} />
      </td>
      {showActions ? (
        <td className={`${cell} col-start-2 row-start-1 row-span-2 self-start text-right sm:self-auto`}>
          {editable ? (
            <ConfirmForm
              trigger={
                <Button variant="ghost" size="sm" className="text-destructive hover:text-destructive">
                  <UserMinus aria-hidden />
                  Remove<span className="sr-only"> {member.displayName}</span>
                </Button>
              }
              title={`Remove ${member.displayName} from ${workspaceName}?`}
              description="They lose access to this workspace and its apps right away. You can invite them again later."
              confirmLabel="Remove"
              intent="remove"
              fields={{ userId: member.userId }}
              destructive
            />
          ) : null}
        </td>
      ) : null}
    </tr>
  )
}

/**
 * The role picker. Without scripts, Save submits the form directly; once hydrated, Save first asks
 * in a dialog whose own form carries the chosen role.
 */
function RoleForm({ member, grantable }: { member: MemberRowData; grantable: readonly Role[] }) {
  const [role, setRole] = useState<Role>(member.role)
  const [confirming, setConfirming] = useState(false)
  // The list was reloaded (a change here or elsewhere): show the role the person has now.
  useEffect(() => setRole(member.role), [member.role])
  const options = ROLES.filter((option) => grantable.includes(option) || option === member.role)
  return (
    <>
      <Form
        method="post"
        className="flex items-center gap-1.5"
        onSubmit={(event) => {
          event.preventDefault()
          setConfirming(true)
        }}
      >
        <input type="hidden" name="userId" value={member.userId} />
        <Select
          name="role"
          value={role}
          onChange={(event) => setRole(event.currentTarget.value as Role)}
          aria-label={`Role of ${member.displayName}`}
          className="h-8 w-auto"
        >
          {options.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </Select>
        {role !== member.role ? (
          <Button type="submit" name="intent" value="changeRole" size="sm">
            Save
          </Button>
        ) : null}
      </Form>
      <Dialog
        open={confirming}
        onOpenChange={(open) => {
          setConfirming(open)
          if (!open) setRole(member.role)
        }}
      >
        {confirming ? (
          <ConfirmDialogContent
            title={`Make ${member.displayName} ${withArticle(role)}?`}
            description={`${member.displayName} is ${withArticle(member.role)} now. ${roleSummary(role)}`}
            confirmLabel={`Make ${withArticle(role)}`}
            intent="changeRole"
            fields={{ userId: member.userId, role }}
            onSubmitted={() => setConfirming(false)}
          />
        ) : null}
      </Dialog>
    </>
  )
}
