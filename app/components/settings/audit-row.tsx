// One audit event as a sentence with names ("Ada invited bob@example.com as member") and when,
// and a details drawer with who, when, what it was about and each changed field, before and after.

import type { ReactNode } from "react"
import { AppWindow, Building2, ChevronRight, Mail, PanelRightOpen, UserRound, Users, type LucideIcon } from "lucide-react"
import { auditFields, auditSubject, type AuditField } from "../../text/audit-details.ts"
import { auditSentence, IDENTITY_PROVIDER, sentenceText, unattendedActor, type AuditDirectory, type AuditEventView, type SentencePart } from "../../text/audit-sentence.ts"
import { formatUtcTime } from "../../text/relative-time.ts"
import { Button } from "../ui/button.tsx"
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "../ui/dialog.tsx"
import { RelativeTime } from "../ui/relative-time.tsx"

const ICONS: Readonly<Record<string, LucideIcon>> = { workspace: Building2, member: UserRound, invitation: Mail, team: Users, app: AppWindow }

export function Sentence({ parts }: { parts: readonly SentencePart[] }) {
  return (
    <>
      {parts.map((part, index) =>
        typeof part === "string" ? (
          part
        ) : (
          <strong key={index} className="font-semibold" title={part.hint}>
            {part.name}
          </strong>
        ),
      )}
    </>
  )
}

export function AuditRow({ event, directory }: { event: AuditEventView; directory: AuditDirectory }) {
  const parts = auditSentence(event, directory)
  const Icon = ICONS[event.targetType] ?? PanelRightOpen
  return (
    <li data-testid="audit-row" data-action={event.action} className="flex items-start gap-3 px-4 py-3">
      <span className="mt-0.5 flex size-8 shrink-0 items-center justify-center rounded-full bg-muted">
        <Icon className="size-4 text-muted-foreground" aria-hidden />
      </span>
      <div className="min-w-0 flex-1">
        {/* wrap-anywhere: a long email must not set the row's minimum width. */}
        <p className="wrap-anywhere" data-testid="audit-sentence">
          <Sentence parts={parts} />
        </p>
        <p className="text-xs text-muted-foreground">
          <RelativeTime iso={event.occurredAt} />
        </p>
      </div>
      <Dialog>
        <DialogTrigger asChild>
          <Button variant="ghost" size="sm" className="shrink-0 max-sm:px-2">
            <span className="max-sm:sr-only">Details</span>
            <span className="sr-only">: {sentenceText(parts)}</span>
            <ChevronRight aria-hidden />
          </Button>
        </DialogTrigger>
        <DialogContent placement="right">
          <AuditDetails event={event} directory={directory} parts={parts} />
        </DialogContent>
      </Dialog>
    </li>
  )
}

function Item({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="grid gap-0.5">
      <dt className="text-xs font-medium text-muted-foreground">{term}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </div>
  )
}

function AuditDetails({ event, directory, parts }: { event: AuditEventView; directory: AuditDirectory; parts: readonly SentencePart[] }) {
  const actor = event.actorUserId ? directory.people[event.actorUserId] : undefined
  const subject = auditSubject(event, directory)
  const fields = auditFields(event, directory)
  return (
    <>
      <DialogHeader>
        <DialogTitle>Event details</DialogTitle>
        <DialogDescription className="text-foreground">
          <Sentence parts={parts} />
        </DialogDescription>
      </DialogHeader>
      <dl className="grid gap-4 text-sm">
        <Item term="When">
          {formatUtcTime(event.occurredAt)} <span className="text-muted-foreground">(<RelativeTime iso={event.occurredAt} />)</span>
        </Item>
        <Item term="Who">
          {event.actorUserId === null ? (
            <>
              {unattendedActor(event.action)}
              <span className="block text-xs text-muted-foreground">
                {unattendedActor(event.action) === IDENTITY_PROVIDER
                  ? "An automatic change when someone signed in through it."
                  : "An automatic deletion of events older than the workspace keeps."}
              </span>
            </>
          ) : actor ? (
            <>
              {actor.name}
              <span className="block text-xs text-muted-foreground">{actor.email}</span>
            </>
          ) : (
            "Someone no longer here"
          )}
        </Item>
        <Item term={subject.kind}>
          {subject.name ?? <span className="text-muted-foreground">no longer exists</span>}
          {subject.detail ? <span className="text-muted-foreground"> {subject.detail}</span> : null}
          <span className="block font-mono text-xs break-all text-muted-foreground">id {subject.id}</span>
        </Item>
      </dl>
      {fields.length ? (
        <section aria-labelledby={`changes-${event.id}`} className="grid gap-2">
          <h3 id={`changes-${event.id}`} className="text-sm font-semibold">
            What changed
          </h3>
          <dl className="divide-y rounded-lg border text-sm">
            {fields.map((field) => (
              <FieldChange key={field.label} field={field} />
            ))}
          </dl>
        </section>
      ) : null}
      <p className="font-mono text-xs break-all text-muted-foreground">
        {event.action} · event {event.id}
      </p>
    </>
  )
}

function FieldChange({ field }: { field: AuditField }) {
  const value = (text: string | null) => (text === null ? <span className="text-muted-foreground">—</span> : field.secondary ? <span className="font-mono text-xs break-all text-muted-foreground">{text}</span> : text)
  return (
    <div className="grid gap-1 px-3 py-2">
      <dt className="text-xs font-medium text-muted-foreground">{field.label}</dt>
      <dd className="grid grid-cols-2 gap-3 break-words">
        <span className="min-w-0">
          <span className="block text-xs text-muted-foreground">Before</span>
          {value(field.before)}
        </span>
        <span className="min-w-0">
          <span className="block text-xs text-muted-foreground">After</span>
          {value(field.after)}
        </span>
      </dd>
    </div>
  )
}
