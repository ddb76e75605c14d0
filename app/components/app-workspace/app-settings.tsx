// An app's settings, folded under the app's name: renaming it, its collaborators, and deleting it.
// Deleting asks for a second click (a disclosure, so it works without JavaScript too); only the
// app's creator and workspace admins are offered collaborators and deleting, as only they may.
// The forms post to the app's route (`action`), whichever panel the page shows.

import { Form } from "@remix-run/react"

export interface AppSettingsApp {
  readonly id: string
  readonly name: string
  readonly createdByUserId: string
  readonly collaboratorUserIds: readonly string[]
  readonly members: readonly { readonly userId: string; readonly name: string; readonly email: string }[]
}

export function AppSettings({ app, mayManage, action }: { app: AppSettingsApp; mayManage: boolean; action: string }) {
  return (
    <details className="app-settings">
      <summary data-testid="app-settings">Settings</summary>
      <div className="app-settings-body card">
        <Form method="post" action={action} className="inline">
          <input name="name" defaultValue={app.name} required maxLength={80} aria-label="App name" data-testid="app-name-input" />
          <button type="submit" name="intent" value="rename" data-testid="rename-app">
            Rename
          </button>
        </Form>
        {mayManage ? <Collaborators app={app} action={action} /> : null}
        {mayManage ? (
          <details className="confirm">
            <summary data-testid="delete-app">Delete app…</summary>
            <Form method="post" action={action}>
              <p>This deletes {app.name}, its conversation and its files for everyone. It cannot be undone.</p>
              <button type="submit" name="intent" value="delete" className="danger" data-testid="confirm-delete-app">
                Delete {app.name}
              </button>
            </Form>
          </details>
        ) : null}
      </div>
    </details>
  )
}

/** Who builds in this app besides its creator; offered to the creator and admins only. */
function Collaborators({ app, action }: { app: AppSettingsApp; action: string }) {
  const name = (userId: string) => app.members.find((member) => member.userId === userId)?.name ?? "A former member"
  const candidates = app.members.filter((member) => member.userId !== app.createdByUserId && !app.collaboratorUserIds.includes(member.userId))
  return (
    <section className="collaborators" data-testid="collaborators">
      <h3>Collaborators</h3>
      <p className="muted">They see this app and build in it with you. Owners and admins always see it.</p>
      <ul>
        {app.collaboratorUserIds.map((userId) => (
          <li key={userId} data-testid="collaborator">
            {name(userId)}
            <Form method="post" action={action} className="inline">
              <input type="hidden" name="userId" value={userId} />
              <button type="submit" name="intent" value="remove-collaborator">
                Remove
              </button>
            </Form>
          </li>
        ))}
      </ul>
      {candidates.length > 0 ? (
        <Form method="post" action={action} className="inline">
          <select name="userId" aria-label="Add a collaborator" data-testid="collaborator-picker">
            {candidates.map((member) => (
              <option key={member.userId} value={member.userId}>
                {member.name} ({member.email})
              </option>
            ))}
          </select>
          <button type="submit" name="intent" value="add-collaborator" data-testid="add-collaborator">
            Add
          </button>
        </Form>
      ) : null}
    </section>
  )
}
