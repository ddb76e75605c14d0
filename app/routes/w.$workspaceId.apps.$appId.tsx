// One app's frame: its name, the Chat and Files tabs, and renaming, collaborators or deleting it. Deleting asks
// for a second click (a disclosure, so it works without JavaScript too); only the app's creator
// and workspace admins are offered it, as only they may. An app the viewer cannot see: 404.

import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { redirect } from "@remix-run/node"
import { Form, Link, NavLink, Outlet, useActionData, useLoaderData, useParams, useRouteLoaderData } from "@remix-run/react"
import { ID_PATTERN } from "#shared/ids.ts"
import builderStyles from "../components/builder/builder.css?url"
import { FormMessage } from "../components/form-message.tsx"
import { readForm } from "../forms/read-form.server.ts"
import { act, field, load, reply } from "../trpc/caller.server.ts"
import type { loader as workspaceLoader } from "./w.$workspaceId.tsx"

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.name ?? "App"} · Second` }]
export const links: LinksFunction = () => [{ rel: "stylesheet", href: builderStyles }]

function appParams(params: LoaderFunctionArgs["params"]) {
  const workspaceId = params["workspaceId"] ?? ""
  const appId = params["appId"] ?? ""
  if (!ID_PATTERN.test(appId)) throw new Response("App not found.", { status: 404 })
  return { workspaceId, appId }
}

export async function loader(args: LoaderFunctionArgs) {
  const { workspaceId, appId } = appParams(args.params)
  return load(args, async (caller) => {
    const [app, members] = await Promise.all([caller.apps.get({ workspaceId, appId }), caller.members.list({ workspaceId })])
    // For the collaborator picker: who is in the workspace, by name.
    return { ...app, members: members.map((member) => ({ userId: member.userId, name: member.displayName, email: member.email })) }
  })
}

export async function action(args: ActionFunctionArgs) {
  const { workspaceId, appId } = appParams(args.params)
  const form = await readForm(args.request)
  const intent = field(form, "intent")
  if (intent === "add-collaborator" || intent === "remove-collaborator") {
    const input = { workspaceId, appId, userId: field(form, "userId") }
    return reply(
      await act(args, "collaborators", (caller) =>
        intent === "add-collaborator" ? caller.apps.addCollaborator(input) : caller.apps.removeCollaborator(input),
      ),
    )
  }
  if (intent === "delete") {
    const result = await act(args, "delete", (caller) => caller.apps.delete({ workspaceId, appId }))
    if (result.ok) throw redirect(`/w/${workspaceId}/apps`)
    return reply(result)
  }
  return reply(await act(args, "rename", (caller) => caller.apps.rename({ workspaceId, appId, name: field(form, "name") })))
}

const tab = ({ isActive }: { isActive: boolean }) => (isActive ? "active" : "")

export default function AppFrame() {
  const app = useLoaderData<typeof loader>()
  const outcome = useActionData<typeof action>()
  const frame = useRouteLoaderData<typeof workspaceLoader>("routes/w.$workspaceId")
  const role = frame?.workspace.role
  const mayDelete = app.createdByUserId === frame?.user?.id || role === "owner" || role === "admin"
  const apps = `/w/${useParams()["workspaceId"]}/apps`
  const base = `${apps}/${app.id}`
  return (
    <main className="page builder">
      <header className="app-header">
        <p className="crumbs">
          <Link to={apps}>Apps</Link> /
        </p>
        <h1 data-testid="app-name">{app.name}</h1>
        {app.description ? (
          <span className="muted" data-testid="app-description">
            {app.description}
          </span>
        ) : null}
        {app.running ? (
          <span className="pill badge-running" data-testid="app-running">
            working
          </span>
        ) : null}
      </header>
      <nav className="tabs app-tabs" aria-label="App sections">
        <NavLink to={base} end className={tab}>
          Chat
        </NavLink>
        <NavLink to={`${base}/files`} className={tab} data-testid="files-tab">
          Files
        </NavLink>
        <span className="spacer" />
        <details className="app-settings">
          <summary data-testid="app-settings">Settings</summary>
          <div className="app-settings-body card">
            <Form method="post" className="inline">
              <input name="name" defaultValue={app.name} required maxLength={80} aria-label="App name" data-testid="app-name-input" />
              <button type="submit" name="intent" value="rename" data-testid="rename-app">
                Rename
              </button>
            </Form>
            {mayDelete ? <Collaborators app={app} /> : null}
            {mayDelete ? (
              <details className="confirm">
                <summary data-testid="delete-app">Delete app…</summary>
                <Form method="post">
                  <p>This deletes {app.name}, its conversation and its files for everyone. It cannot be undone.</p>
                  <button type="submit" name="intent" value="delete" className="danger" data-testid="confirm-delete-app">
                    Delete {app.name}
                  </button>
                </Form>
              </details>
            ) : null}
          </div>
        </details>
      </nav>
      <FormMessage outcome={outcome} intent="rename" success="Renamed." />
      <FormMessage outcome={outcome} intent="delete" />
      <FormMessage outcome={outcome} intent="collaborators" success="Collaborators updated." />
      <Outlet />
    </main>
  )
}

/** Who builds in this app besides its creator; offered to the creator and admins only. */
function Collaborators({ app }: { app: ReturnType<typeof useLoaderData<typeof loader>> }) {
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
            <Form method="post" className="inline">
              <input type="hidden" name="userId" value={userId} />
              <button type="submit" name="intent" value="remove-collaborator">
                Remove
              </button>
            </Form>
          </li>
        ))}
      </ul>
      {candidates.length > 0 ? (
        <Form method="post" className="inline">
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
