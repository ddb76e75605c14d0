// An app's settings, in a sheet from the right opened from the app's header (never over the chat
// in the page's flow): its name, what the builder says it is for, what it builds with, who builds
// in it and deleting it. Only the app's creator and workspace admins are offered collaborators and
// deleting, as only they may. The forms post to the app's route through fetchers, so each answer
// is shown in the sheet, beside the form that asked. The header fetches this module (and Radix
// Dialog with it) only when the sheet is first wanted, so the button that opens it is the header's.

import { useFetcher } from "@remix-run/react"
import { Trash2 } from "lucide-react"
import type { RefObject } from "react"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { runtimeLabel } from "../builder/runtime-picker.tsx"
import { FormMessage } from "../form-message.tsx"
import { Badge } from "../ui/badge.tsx"
import { Button } from "../ui/button.tsx"
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "../ui/dialog.tsx"
import { Input } from "../ui/input.tsx"
import { Field } from "../ui/label.tsx"
import { AppCollaborators } from "./app-collaborators.tsx"

export interface AppSettingsApp {
  readonly id: string
  readonly name: string
  readonly description: string | null
  readonly runtime: RuntimeId
  readonly model: string | null
  readonly createdByUserId: string
  readonly collaboratorUserIds: readonly string[]
  readonly members: readonly { readonly userId: string; readonly name: string; readonly email: string }[]
}

/** An action's answer as the forms read it (caller.server.ts ActionResult). */
export interface FormOutcome {
  readonly ok: boolean
  readonly intent: string
  readonly message?: string
}

export interface AppSettingsProps {
  readonly app: AppSettingsApp
  readonly mayManage: boolean
  /** The app page's URL: the forms post there. */
  readonly action: string
  /** Asks to delete the app: the header's confirmation dialog takes over from the sheet. */
  readonly onDelete: () => void
  readonly open: boolean
  readonly onOpenChange: (open: boolean) => void
  /** The header's Settings button: closing hands the focus back to it, as a Radix trigger would. */
  readonly opener: RefObject<HTMLElement>
}

/** The sheet in its dialog; the header owns the button that opens it. */
export function AppSettingsSheet({ app, mayManage, action, onDelete, open, onOpenChange, opener }: AppSettingsProps) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent
        placement="right"
        className="gap-6"
        data-testid="app-settings-sheet"
        onCloseAutoFocus={(event) => {
          event.preventDefault()
          opener.current?.focus()
        }}
      >
        <DialogHeader>
          <DialogTitle>App settings</DialogTitle>
          <DialogDescription>How {app.name} is named and built, and who builds it.</DialogDescription>
        </DialogHeader>
        <RenameForm app={app} action={action} />
        <section className="grid gap-1.5" aria-labelledby="app-settings-description">
          <h3 id="app-settings-description" className="text-sm font-medium">
            Description
          </h3>
          <p className={app.description ? "text-sm break-words" : "text-sm text-muted-foreground"}>
            {app.description ?? "None yet: the builder writes one once it knows what the app is for."}
          </p>
        </section>
        <section className="grid gap-1.5" aria-labelledby="app-settings-runtime">
          <h3 id="app-settings-runtime" className="text-sm font-medium">
            Builds with
          </h3>
          <p className="flex flex-wrap items-center gap-2 text-sm">
            <Badge variant="primary">{runtimeLabel(app.runtime)}</Badge>
            <span className="min-w-0 break-all text-muted-foreground">{app.model ? <code>{app.model}</code> : "its default model"}</span>
          </p>
          <p className="text-xs text-muted-foreground">Pick another runtime or model beside the chat's message box; it applies from your next message.</p>
        </section>
        {mayManage ? <AppCollaborators app={app} action={action} /> : null}
        {mayManage ? (
          <section className="grid gap-2 rounded-lg border border-destructive/30 p-4" aria-labelledby="app-settings-delete">
            <h3 id="app-settings-delete" className="text-sm font-medium">
              Delete this app
            </h3>
            <p className="text-sm text-muted-foreground">Its conversation, versions, files and data go for everyone. This cannot be undone.</p>
            <Button variant="destructive" size="sm" className="justify-self-start" onClick={onDelete} data-testid="delete-app">
              <Trash2 aria-hidden />
              Delete app…
            </Button>
          </section>
        ) : null}
      </DialogContent>
    </Dialog>
  )
}

function RenameForm({ app, action }: { app: AppSettingsApp; action: string }) {
  const fetcher = useFetcher<FormOutcome>()
  const saving = fetcher.state !== "idle"
  return (
    <fetcher.Form method="post" action={action} className="grid gap-3">
      <Field label="Name" hint="Shown in the apps list and to everyone who builds in it. Up to 80 characters.">
        {/* Keyed on the name: once saved, the field starts again from what was saved. */}
        <Input key={app.name} name="name" defaultValue={app.name} required maxLength={80} autoComplete="off" data-testid="app-name-input" />
      </Field>
      <Button type="submit" name="intent" value="rename" size="sm" className="justify-self-start" disabled={saving} data-testid="rename-app">
        {saving ? "Saving…" : "Save name"}
      </Button>
      <FormMessage outcome={fetcher.state === "idle" ? fetcher.data : undefined} intent="rename" success={`Saved: the app is now called ${app.name}.`} />
    </fetcher.Form>
  )
}
