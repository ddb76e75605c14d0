// A workspace's overview: the way in to its apps, the name, and renaming it for those who
// manage the workspace.

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node"
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react"
import { FormMessage } from "../components/form-message.tsx"
import { withArticle } from "../components/roles.ts"
import { readForm } from "../forms/read-form.server.ts"
import { act, field, load, reply } from "../trpc/caller.server.ts"

export async function loader(args: LoaderFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  return load(args, (caller) => caller.workspaces.get({ workspaceId }))
}

export async function action(args: ActionFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  const form = await readForm(args.request)
  return reply(await act(args, "rename", (caller) => caller.workspaces.rename({ workspaceId, name: field(form, "name") })))
}

export default function WorkspaceOverview() {
  const workspace = useLoaderData<typeof loader>()
  const outcome = useActionData<typeof action>()
  return (
    <main className="page">
      <h1 data-testid="workspace-name">{workspace.name}</h1>
      <p className="lede">You are {withArticle(workspace.role)} of this workspace.</p>
      <Link to={`/w/${workspace.id}/apps`} className="button-link" data-testid="open-apps">
        Build an app
      </Link>
      {workspace.permissions.includes("workspace:manage") ? (
        <section className="card">
          <h2>Workspace name</h2>
          <Form method="post" className="inline">
            <input name="name" defaultValue={workspace.name} required maxLength={80} aria-label="Workspace name" />
            <button type="submit">Rename</button>
          </Form>
          <FormMessage outcome={outcome} intent="rename" success="Renamed." />
        </section>
      ) : null}
    </main>
  )
}
