// Create a workspace (the first one is the last onboarding step). Its creator becomes owner.

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { redirect } from "@remix-run/node"
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react"
import { AuthShell } from "../components/auth-shell.tsx"
import { FormMessage } from "../components/form-message.tsx"
import { Button } from "../components/ui/button.tsx"
import { Input } from "../components/ui/input.tsx"
import { Field } from "../components/ui/label.tsx"
import { pageTitle } from "../text/page-title.ts"
import { readForm } from "../forms/read-form.server.ts"
import { act, field, load, reply } from "../trpc/caller.server.ts"

export const meta: MetaFunction = () => pageTitle("New workspace")

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
    <AuthShell
      title={workspaces.length === 0 ? "Create your first workspace" : "New workspace"}
      description="A workspace holds your team's apps, people and integrations. You will be its owner."
      footer={
        workspaces.length > 0 ? (
          <>
            Or go back to{" "}
            <Link to={`/w/${workspaces[0]!.id}`} className="font-medium text-foreground underline underline-offset-4">
              {workspaces[0]!.name}
            </Link>
            .
          </>
        ) : null
      }
    >
      <Form method="post" className="grid gap-4">
        <Field label="Workspace name">
          <Input name="name" required maxLength={80} placeholder="Acme" />
        </Field>
        <FormMessage outcome={outcome} intent="create" />
        <Button type="submit" disabled={busy} className="w-full">
          {busy ? "Creating…" : "Create workspace"}
        </Button>
      </Form>
    </AuthShell>
  )
}
