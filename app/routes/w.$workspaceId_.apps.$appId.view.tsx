// An app's preview on a page of its own ("Open full page", "Open in new tab"), outside the
// workspace's frame: a slim bar back to the builder, and the same sandboxed frame and bridge as in
// the app page filling the rest, so the app's data works here too,
// and it loads each new version as it is built. ?version= shows an older one. An app the viewer
// cannot see: 404.

import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { useLoaderData, useSearchParams } from "@remix-run/react"
import { ID_PATTERN } from "#shared/ids.ts"
import { AppPageBar } from "../components/apps/app-page-bar.tsx"
import { PreviewPanel } from "../components/preview/preview-panel.tsx"
import { useRevalidateOnWorkspaceEvents } from "../events/use-workspace-events.ts"
import { loadPreview } from "../preview/load-preview.server.ts"
import { pageTitle } from "../text/page-title.ts"
import { load } from "../trpc/caller.server.ts"

export const meta: MetaFunction<typeof loader> = ({ data }) => pageTitle(data?.app.name ?? "App", data?.workspaceName)

export async function loader(args: LoaderFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  const appId = args.params["appId"] ?? ""
  if (!ID_PATTERN.test(workspaceId) || !ID_PATTERN.test(appId)) throw new Response("App not found.", { status: 404 })
  const asked = new URL(args.request.url).searchParams.get("version")
  return load(args, async (caller) => {
    const [workspace, app, { versions }, preview] = await Promise.all([
      caller.workspaces.get({ workspaceId }),
      caller.apps.get({ workspaceId, appId }),
      caller.versions.list({ workspaceId, appId }),
      loadPreview(caller, workspaceId, appId, asked),
    ])
    return { workspaceId, workspaceName: workspace.name, app: { id: app.id, name: app.name, running: app.running }, versions, preview }
  })
}

export default function AppView() {
  const { workspaceId, app, versions, preview } = useLoaderData<typeof loader>()
  const [searchParams] = useSearchParams()
  // No workspace frame here to do it: new versions, runs starting and ending, reload this page's data.
  useRevalidateOnWorkspaceEvents(workspaceId)
  const builder = `/w/${workspaceId}/apps/${app.id}`
  return (
    <main className="flex h-dvh min-w-0 flex-col">
      <AppPageBar appName={app.name} back={{ to: builder, label: "Builder", title: `Back to the builder of ${app.name}`, testId: "preview-back" }} />
      <div className="flex min-h-0 flex-1 flex-col p-2 sm:p-3">
        {/* Keyed on the app: its frame, the bridge answering it and what it shows are made anew together,
            so another app's document can never be answered as this app's (see preview-frame.tsx). */}
        <PreviewPanel
          key={`${workspaceId}:${app.id}`}
          workspaceId={workspaceId}
          appId={app.id}
          appName={app.name}
          loaded={preview.preview}
          pinned={searchParams.get("version")}
          pinnedMissing={preview.pinnedMissing}
          frame={preview.frame}
          versions={versions}
          working={app.running}
          building={false}
        />
      </div>
    </main>
  )
}
