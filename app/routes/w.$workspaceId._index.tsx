// A workspace's overview: the published apps the person may use ("Apps for you"), where to start
// (build an app), the apps changed most recently, whether an agent can build right now (and, when
// not, what the operator sets), and renaming the workspace for those who manage it.

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react"
import { ArrowRight, Send, Sparkles } from "lucide-react"
import type { PublishedAppCard as PublishedAppCardData } from "#shared/publishing/publishing.ts"
import { AppCard } from "../components/apps/app-card.tsx"
import { PublishedAppCard } from "../components/apps/published-app-card.tsx"
import { runtimeLabel } from "../components/builder/runtime-picker.tsx"
import { FormMessage } from "../components/form-message.tsx"
import { withArticle } from "../components/roles.ts"
import { Button } from "../components/ui/button.tsx"
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../components/ui/card.tsx"
import { EmptyState } from "../components/ui/empty-state.tsx"
import { Input } from "../components/ui/input.tsx"
import { Notice } from "../components/ui/notice.tsx"
import { PageMain, SectionTitle } from "../components/ui/page.tsx"
import { readForm } from "../forms/read-form.server.ts"
import { pageTitle, workspaceNameIn } from "../text/page-title.ts"
import { act, field, load, reply } from "../trpc/caller.server.ts"
import { displayNamesById } from "../workspaces/display-names.ts"

export const meta: MetaFunction = ({ matches }) => pageTitle("Overview", workspaceNameIn(matches))

const RECENT_APPS = 3

export async function loader(args: LoaderFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  return load(args, async (caller) => {
    const none: Record<string, string> = {}
    const [workspace, { apps: forYou }] = await Promise.all([caller.workspaces.get({ workspaceId }), caller.publishedApps.forYou({ workspaceId })])
    if (!workspace.permissions.includes("apps:build")) return { workspace, forYou, recent: [], runtimes: null, builders: none }
    const [apps, runtimes, members] = await Promise.all([
      caller.apps.list({ workspaceId }),
      caller.apps.runtimes({ workspaceId }),
      caller.members.list({ workspaceId }),
    ])
    return { workspace, forYou, recent: apps.slice(0, RECENT_APPS), runtimes, builders: displayNamesById(members) }
  })
}

export async function action(args: ActionFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  const form = await readForm(args.request)
  return reply(await act(args, "rename", (caller) => caller.workspaces.rename({ workspaceId, name: field(form, "name") })))
}

export default function WorkspaceOverview() {
  const { workspace, forYou, recent, runtimes, builders } = useLoaderData<typeof loader>()
  const outcome = useActionData<typeof action>()
  const base = `/w/${workspace.id}`
  const unusable = runtimes && !runtimes.some((runtime) => runtime.usable) ? runtimes : null
  return (
    <PageMain className="grid gap-8">
      <div className="grid gap-1">
        <h1 className="break-words text-2xl font-semibold tracking-tight" data-testid="workspace-name">
          {workspace.name}
        </h1>
        <p className="text-muted-foreground">You are {withArticle(workspace.role)} of this workspace.</p>
      </div>

      {unusable ? (
        <Notice tone="warning" title="No agent can build apps right now" data-testid="no-runtime">
          <ul className="mt-1 grid gap-1">
            {unusable.map((runtime) => (
              <li key={runtime.id}>
                <span className="font-medium text-foreground">{runtimeLabel(runtime.id)}:</span> {runtime.reason ?? "unavailable."}
              </li>
            ))}
          </ul>
        </Notice>
      ) : null}

      <AppsForYou apps={forYou} base={base} workspaceName={workspace.name} />

      <Card className="bg-accent/40">
        <CardHeader>
          <CardTitle>Build an app</CardTitle>
          <CardDescription>Describe what you need in a sentence; an agent plans it with you, builds it and shows it running.</CardDescription>
        </CardHeader>
        <CardContent>
          <Button asChild>
            <Link to={`${base}/apps`} data-testid="open-apps">
              <Sparkles aria-hidden />
              Build an app
            </Link>
          </Button>
        </CardContent>
      </Card>

      {recent.length > 0 ? (
        <section aria-labelledby="recent-apps">
          <div className="flex items-baseline justify-between gap-4">
            <SectionTitle id="recent-apps">Recent apps</SectionTitle>
            <Link to={`${base}/apps`} className="inline-flex items-center gap-1 text-sm font-medium text-primary hover:underline">
              All apps
              <ArrowRight className="size-3.5" aria-hidden />
            </Link>
          </div>
          <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
            {recent.map((app) => (
              <AppCard key={app.id} app={app} href={`${base}/apps/${app.id}`} builtBy={builders[app.createdByUserId] ?? null} />
            ))}
          </ul>
        </section>
      ) : null}

      {workspace.permissions.includes("workspace:manage") ? (
        <Card>
          <CardHeader>
            <CardTitle>Workspace name</CardTitle>
            <CardDescription>Everyone in the workspace sees this name.</CardDescription>
          </CardHeader>
          <CardContent className="grid gap-3">
            <Form method="post" className="flex flex-col gap-2 sm:flex-row">
              <Input name="name" defaultValue={workspace.name} required maxLength={80} aria-label="Workspace name" className="sm:max-w-sm" />
              <Button type="submit" variant="secondary">
                Rename
              </Button>
            </Form>
            <FormMessage outcome={outcome} intent="rename" success="Renamed." />
          </CardContent>
        </Card>
      ) : null}
    </PageMain>
  )
}

/** The published apps this person may use; when there are none, what publishing is. */
function AppsForYou({ apps, base, workspaceName }: { apps: readonly PublishedAppCardData[]; base: string; workspaceName: string }) {
  return (
    <section aria-labelledby="apps-for-you" data-testid="apps-for-you">
      <SectionTitle id="apps-for-you">Apps for you</SectionTitle>
      {apps.length > 0 ? (
        <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {apps.map((app) => (
            <PublishedAppCard key={app.appId} app={app} href={`${base}/a/${app.appId}`} workspaceName={workspaceName} />
          ))}
        </ul>
      ) : (
        <EmptyState icon={Send} title="No apps published to you yet" data-testid="apps-for-you-empty">
          When someone in {workspaceName} publishes an app they built to the whole workspace or to one of your teams, it appears here, ready
          to use. Apps you build yourself can be published from their builder with Publish.
        </EmptyState>
      )}
    </section>
  )
}
