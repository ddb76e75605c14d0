// Who builds in an app besides its creator, in the app's settings; offered to the creator and
// admins only. Adding and removing post to the app's route through one fetcher, whose answer is
// shown under the list.

import { useFetcher } from "@remix-run/react"
import { UserMinus, UserPlus } from "lucide-react"
import { FormMessage } from "../form-message.tsx"
import { Button } from "../ui/button.tsx"
import { Select } from "../ui/input.tsx"
import type { AppSettingsApp, FormOutcome } from "./app-settings.tsx"

export function AppCollaborators({ app, action }: { app: AppSettingsApp; action: string }) {
  const fetcher = useFetcher<FormOutcome>()
  const busy = fetcher.state !== "idle"
  const name = (userId: string) => app.members.find((member) => member.userId === userId)?.name ?? "A former member"
  const candidates = app.members.filter((member) => member.userId !== app.createdByUserId && !app.collaboratorUserIds.includes(member.userId))
  return (
    <section className="grid gap-3" aria-labelledby="app-collaborators" data-testid="collaborators">
      <div className="grid gap-1">
        <h3 id="app-collaborators" className="text-sm font-medium">
          Collaborators
        </h3>
        <p className="text-xs text-muted-foreground">They see this app and build in it with you. Owners and admins always see it.</p>
      </div>
      {app.collaboratorUserIds.length > 0 ? (
        <ul className="divide-y rounded-lg border">
          {app.collaboratorUserIds.map((userId) => (
            <li key={userId} className="flex items-center gap-2 px-3 py-1.5" data-testid="collaborator">
              <span className="min-w-0 flex-1 truncate text-sm" title={name(userId)}>
                {name(userId)}
              </span>
              <fetcher.Form method="post" action={action}>
                <input type="hidden" name="userId" value={userId} />
                <Button type="submit" name="intent" value="remove-collaborator" variant="ghost" size="sm" disabled={busy}>
                  <UserMinus aria-hidden />
                  Remove<span className="sr-only"> {name(userId)}</span>
                </Button>
              </fetcher.Form>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-muted-foreground">Nobody yet: only its creator and the workspace's owners and admins see it.</p>
      )}
      {candidates.length > 0 ? (
        <fetcher.Form method="post" action={action} className="flex flex-col gap-2 sm:flex-row">
          <Select name="userId" aria-label="Add a collaborator" data-testid="collaborator-picker" className="sm:flex-1">
            {candidates.map((member) => (
              <option key={member.userId} value={member.userId}>
                {member.name} ({member.email})
              </option>
            ))}
          </Select>
          <Button type="submit" name="intent" value="add-collaborator" variant="outline" disabled={busy} data-testid="add-collaborator">
            <UserPlus aria-hidden />
            Add
          </Button>
        </fetcher.Form>
      ) : null}
      <FormMessage outcome={fetcher.state === "idle" ? fetcher.data : undefined} intent="collaborators" success="Collaborators updated." />
    </section>
  )
}
