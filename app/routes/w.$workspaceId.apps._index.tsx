// Apps: the workspace's apps the viewer can see (their own, ones they collaborate on, or all for
// admins), and the composer that creates an app from a first message and opens its builder.

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { redirect } from "@remix-run/node"
import { Form, Link, useActionData, useLoaderData, useNavigation, useParams } from "@remix-run/react"
import { LockKeyhole, Sparkles } from "lucide-react"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { AppCard } from "../components/apps/app-card.tsx"
import { defaultRuntime, RuntimePicker } from "../components/builder/runtime-picker.tsx"
import { FormMessage } from "../components/form-message.tsx"
import { Button } from "../components/ui/button.tsx"
import { Card, CardContent, CardHeader, CardTitle } from "../components/ui/card.tsx"
import { EmptyState } from "../components/ui/empty-state.tsx"
import { Input, Textarea } from "../components/ui/input.tsx"
import { Field } from "../components/ui/label.tsx"
import { Notice } from "../components/ui/notice.tsx"
import { PageHeader, PageMain, SectionTitle } from "../components/ui/page.tsx"
import { Spinner } from "../components/ui/spinner.tsx"
import { pageTitle, workspaceNameIn } from "../text/page-title.ts"
import { displayNamesById } from "../workspaces/display-names.ts"
import { readForm } from "../forms/read-form.server.ts"
import { act, field, load, reply } from "../trpc/caller.server.ts"
import { captureForRequest } from "../telemetry/capture-on-server.server.ts"

export const meta: MetaFunction = ({ matches }) => pageTitle("Apps", workspaceNameIn(matches))

export async function loader(args: LoaderFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  return load(args, async (caller) => {
    const [apps, runtimes, members] = await Promise.all([
      caller.apps.list({ workspaceId }),
      caller.apps.runtimes({ workspaceId }),
      caller.members.list({ workspaceId }),
    ])
    // Who built each app, by name (a former member's apps show no name).
    return { apps, runtimes, builders: displayNamesById(members) }
  })
}

export async function action(args: ActionFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  const form = await readForm(args.request)
  const name = field(form, "name").trim()
  const result = await act(args, "create", (caller) =>
    caller.apps.create({
      workspaceId,
      prompt: field(form, "prompt"),
      // The procedure validates it; a disabled (unusable) choice arrives as "".
      runtime: field(form, "runtime") as RuntimeId,
      model: field(form, "model"),
      ...(name ? { name } : {}),
    }),
  )
  if (result.ok) {
    const { app } = result.data
    await captureForRequest(args, "app_created", { runtime: app.runtime, workspace_id: workspaceId, app_id: app.id })
    throw redirect(`/w/${workspaceId}/apps/${app.id}`)
  }
  return reply(result)
}

export default function Apps() {
  const { apps, runtimes, builders } = useLoaderData<typeof loader>()
  const outcome = useActionData<typeof action>()
  const creating = useNavigation().state === "submitting"
  const noneUsable = !runtimes.some((runtime) => runtime.usable)
  const base = `/w/${useParams()["workspaceId"]}/apps`
  return (
    <PageMain>
      <PageHeader title="Apps" description="Describe an app and an agent builds it; keep chatting to change it." />

      <Card aria-label="New app" role="region" className="mb-10">
        <CardHeader>
          <CardTitle>New app</CardTitle>
        </CardHeader>
        <CardContent>
          <Form method="post" className="grid gap-4">
            <Field label="What should it do?">
              <Textarea
                name="prompt"
                required
                rows={4}
                maxLength={100_000}
                placeholder="A page where the team can log lunch orders, with a total per person…"
                data-testid="new-app-prompt"
              />
            </Field>
            <div className="grid gap-4 sm:grid-cols-3">
              <RuntimePicker runtimes={runtimes} runtime={defaultRuntime(runtimes, null)} model={null} className="sm:col-span-2" />
              <Field label="Name" optional>
                <Input name="name" maxLength={80} placeholder="from the message" data-testid="new-app-name" />
              </Field>
            </div>
            {noneUsable ? (
              <Notice tone="warning" title="No agent can build right now">
                No runtime can be used, so no app can be built; each runtime's reason is listed above. An operator fixes this on the worker.
              </Notice>
            ) : null}
            <FormMessage outcome={outcome} intent="create" />
            <div>
              <Button type="submit" disabled={creating || noneUsable} data-testid="create-app">
                {creating ? <Spinner label="Creating" className="text-primary-foreground" /> : <Sparkles aria-hidden />}
                {creating ? "Creating…" : "Create app"}
              </Button>
            </div>
          </Form>
        </CardContent>
      </Card>

      <section aria-labelledby="your-apps">
        <SectionTitle id="your-apps">Your apps</SectionTitle>
        {apps.length === 0 ? (
          <EmptyState icon={LockKeyhole} title="No apps yet" data-testid="no-apps">
            Apps are private while they are built: you see the ones you build and the ones their builders add you to. Describe one above to
            start.
          </EmptyState>
        ) : (
          <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
            {apps.map((app) => (
              <AppCard key={app.id} app={app} href={`${base}/${app.id}`} builtBy={builders[app.createdByUserId] ?? null} />
            ))}
          </ul>
        )}
      </section>
    </PageMain>
  )
}
