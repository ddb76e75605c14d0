// Create a workspace (the first one is the last onboarding step). Its creator becomes owner.

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { redirect } from "@remix-run/node"
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react"
import { FormMessage } from "../components/form-message.tsx"
import { readForm } from "../forms/read-form.server.ts"
import { act, field, load, reply } from "../trpc/caller.server.ts"

export const meta: MetaFunction = () => [{ title: "New workspace · Second" }]

export async function loader(args: LoaderFunctionArgs) {
  return load(args, async (caller) => ({ workspaces: await caller.workspaces.list() }))
}

export async function action(args: ActionFunctionArgs) {
  const form = await readForm(args.request)
  const result = await act(args, "create", (caller) => caller.workspaces.create({ name: field(form, "name") }))
  if (result.ok) throw redirect(`/w/${result.data.id}`)
  return reply(result)
}

export default function NewWorkspace() {
  const { workspaces } = useLoaderData<typeof loader>()
  const outcome = useActionData<typeof action>()
  const busy = useNavigation().state !== "idle"
  return (
    <main className="narrow">
      <h1>{workspaces.length === 0 ? "Create your first workspace" : "New workspace"}</h1>
      <p className="lede">A workspace holds your team's apps, people and integrations. You will be its owner.</p>
      <Form method="post" className="stack card">
        <label>
          Workspace name
          <input name="name" required maxLength={80} placeholder="Acme" />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Creating…" : "Create workspace"}
        </button>
        <FormMessage outcome={outcome} intent="create" />
      </Form>
      {workspaces.length > 0 ? (
        <p className="muted">
          Or go back to <Link to={`/w/${workspaces[0]!.id}`}>{workspaces[0]!.name}</Link>.
        </p>
      ) : null}
    </main>
  )
}
