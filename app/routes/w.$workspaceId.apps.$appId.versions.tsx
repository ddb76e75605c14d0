// The Versions panel of an app's page: what is published to colleagues (the release history, with
// rollback and unpublish for owners and admins, posted here) above every version of the app. The
// app's route loads the versions (the Preview's picker needs them too) and takes the restores.

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { useActionData, useLoaderData, useRouteLoaderData } from "@remix-run/react"
import { appNameIn, useAppPanel } from "../components/app-workspace/panel-context.ts"
import { ReleasesSection } from "../components/publishing/releases-section.tsx"
import { VersionsPanel } from "../components/versions/versions-panel.tsx"
import { readForm } from "../forms/read-form.server.ts"
import { pageTitle, workspaceNameIn } from "../text/page-title.ts"
import { act, field, load, reply } from "../trpc/caller.server.ts"
import type { loader as workspaceLoader } from "./w.$workspaceId.tsx"

export const meta: MetaFunction = ({ matches }) => pageTitle("Versions", appNameIn(matches), workspaceNameIn(matches))

const appOf = (params: LoaderFunctionArgs["params"]) => ({ workspaceId: params["workspaceId"] ?? "", appId: params["appId"] ?? "" })

export async function loader(args: LoaderFunctionArgs) {
  const app = appOf(args.params)
  return load(args, (caller) => caller.publishing.releases(app))
}

export async function action(args: ActionFunctionArgs) {
  const app = appOf(args.params)
  const form = await readForm(args.request)
  const intent = field(form, "intent")
  switch (intent) {
    case "rollback":
      return reply(await act(args, intent, (caller) => caller.publishing.rollback({ ...app, releaseId: field(form, "releaseId") })))
    case "unpublish":
      return reply(await act(args, intent, (caller) => caller.publishing.unpublish(app)))
    default:
      return reply({ ok: false, intent, status: 400, message: "Send intent rollback (with releaseId) or unpublish." })
  }
}

export default function VersionsPane() {
  const { releases } = useLoaderData<typeof loader>()
  const outcome = useActionData<typeof action>()
  const frame = useRouteLoaderData<typeof workspaceLoader>("routes/w.$workspaceId")
  const { versions, base, working, workspaceId, appId } = useAppPanel()
  return (
    <div className="grid min-w-0 content-start gap-8">
      <ReleasesSection
        releases={releases}
        canPublish={frame?.workspace.permissions.includes("apps:publish") ?? false}
        workspaceId={workspaceId}
        workspaceName={frame?.workspace.name ?? "the workspace"}
        appId={appId}
        action={`${base}/versions`}
        outcome={outcome}
      />
      <VersionsPanel versions={versions} base={base} working={working} />
    </div>
  )
}
