// The Invitations page's parts: the link just issued (with Copy), when a link expires, and one
// pending invitation as a row (stacked on a phone) with Resend and Revoke behind a question.

import { Mail, RefreshCw, X } from "lucide-react"
import type { Role } from "#shared/auth/permissions.ts"
import { timeLeft } from "../../text/time-left.ts"
import { formatUtcTime, useNow } from "../../text/relative-time.ts"
import { Badge } from "../ui/badge.tsx"
import { Button } from "../ui/button.tsx"
import { Input } from "../ui/input.tsx"
import { Notice } from "../ui/notice.tsx"
import { RelativeTime } from "../ui/relative-time.tsx"
import { ConfirmForm } from "./confirm-form.tsx"
import { CopyButton } from "./copy-button.tsx"
import { RoleBadge } from "./role-badge.tsx"

/** "expires in 6 days" (the exact time on hover); the date itself until the page is live. */
export function Expiry({ iso }: { iso: string }) {
  const now = useNow()
  const left = now === null ? `on ${formatUtcTime(iso)}` : timeLeft(iso, now)
  if (left === null) return <Badge variant="warning">expired</Badge>
  return (
    <time dateTime={iso} title={formatUtcTime(iso)} className="whitespace-nowrap">
      expires {left}
    </time>
  )
}

export interface IssuedLinkProps {
  readonly url: string
  readonly email: string
  readonly role: Role
  readonly expiresAt: string
  readonly resent: boolean
}

export function IssuedLink({ url, email, role, expiresAt, resent }: IssuedLinkProps) {
  return (
    <div className="grid gap-3">
      <Notice tone="success" title={resent ? `New link for ${email}` : `Invited ${email} as ${role}`}>
        Send this link to {email}. It works once and <Expiry iso={expiresAt} />.{resent ? " The earlier link no longer works." : ""}
      </Notice>
      <div className="flex min-w-0 gap-2">
        <Input
          readOnly
          value={url}
          aria-label="Invitation link"
          data-testid="invite-link"
          className="font-mono text-xs"
          onFocus={(event) => event.currentTarget.select()}
        />
        <CopyButton text={url} />
      </div>
    </div>
  )
}

export interface InvitationRowData {
  readonly id: string
  readonly email: string
  readonly role: Role
  readonly expiresAt: string
  readonly expired: boolean
  readonly createdAt: string
}

export function InvitationRow({ invitation, teamNames, invitedBy }: { invitation: InvitationRowData; teamNames: readonly string[]; invitedBy: string }) {
  const fields = { invitationId: invitation.id }
  return (
    <li data-testid="invitation-row" className="flex flex-col gap-3 px-4 py-3 sm:flex-row sm:items-center">
      <div className="flex min-w-0 flex-1 gap-3">
        <span className="mt-0.5 flex size-8 shrink-0 items-center justify-center rounded-full bg-muted">
          <Mail className="size-4 text-muted-foreground" aria-hidden />
        </span>
        <div className="grid min-w-0 gap-1">
          <p className="flex min-w-0 flex-wrap items-center gap-x-2 gap-y-1">
            <span className="font-medium break-all">{invitation.email}</span>
            <RoleBadge role={invitation.role} />
            {teamNames.map((name) => (
              <Badge key={name} variant="default" className="max-w-48" title={name}>
                <span className="truncate">{name}</span>
              </Badge>
            ))}
          </p>
          <p className="text-xs text-muted-foreground">
            Invited by {invitedBy} <RelativeTime iso={invitation.createdAt} /> · {invitation.expired ? <Badge variant="warning">expired</Badge> : <Expiry iso={invitation.expiresAt} />}
          </p>
        </div>
      </div>
      <div className="flex shrink-0 gap-2 pl-11 sm:pl-0">
        <ConfirmForm
          trigger={
            <Button variant="outline" size="sm">
              <RefreshCw aria-hidden />
              Resend<span className="sr-only"> to {invitation.email}</span>
            </Button>
          }
          title={`Make a new link for ${invitation.email}?`}
          description="The link you sent before stops working, and the new one is valid for 7 days. You will see it here to copy."
          confirmLabel="Make a new link"
          intent="resend"
          fields={fields}
        />
        <ConfirmForm
          trigger={
            <Button variant="ghost" size="sm" className="text-destructive hover:text-destructive">
              <X aria-hidden />
              Revoke<span className="sr-only"> the invitation for {invitation.email}</span>
            </Button>
          }
          title={`Revoke the invitation for ${invitation.email}?`}
          description="The link stops working. You can invite this address again later."
          confirmLabel="Revoke invitation"
          intent="revoke"
          fields={fields}
          destructive
        />
      </div>
    </li>
  )
}
