// An app's preview on a page of its own ("Open in new tab"), outside the workspace's frame: the
// same sandboxed frame and the same bridge as in the app page, so the app's data works here too,
// and it loads each new version as it is built. ?version= shows an older one. An app the viewer
// cannot see: 404.

import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { Link, useLoaderData, useSearchParams } from "@remix-run/react"
import { ID_PATTERN } from "#shared/ids.ts"
import workspaceStyles from "../components/app-workspace/workspace.css?url"
import { PreviewPanel } from "../components/preview/preview-panel.tsx"
import { useRevalidateOnWorkspaceEvents } from "../events/use-workspace-events.ts"
import { loadPreview } from "../preview/load-preview.server.ts"
import { load } from "../trpc/caller.server.ts"

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.app.name ?? "App"} · Preview · Second` }]
export const links: LinksFunction = () => [{ rel: "stylesheet", href: workspaceStyles }]

export async function loader(args: LoaderFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  const appId = args.params["appId"] ?? ""
  if (!ID_PATTERN.test(workspaceId) || !ID_PATTERN.test(appId)) throw new Response("App not found.", { status: 404 })
  const asked = new URL(args.request.url).searchParams.get("version")
  return load(args, async (caller) => {
    const [app, { versions }, preview] = await Promise.all([
      caller.apps.get({ workspaceId, appId }),
      caller.versions.list({ workspaceId, appId }),
      loadPreview(caller, workspaceId, appId, asked),
    ])
    return { workspaceId, app: { id: app.id, name: app.name, running: app.running }, versions, preview }
  })
}

export default function AppView() {
  const { workspaceId, app, versions, preview } = useLoaderData<typeof loader>()
  const [searchParams] = useSearchParams()
  // No workspace frame here to do it: new versions, runs starting and ending, reload this page's data.
  useRevalidateOnWorkspaceEvents(workspaceId)
  return (
    <main className="preview-page">
      <p className="preview-page-bar">
        <Link to={`/w/${workspaceId}/apps/${app.id}`} data-testid="preview-back">
          ← {app.name}
        </Link>
      </p>
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
        versions={versions}
        working={app.running}
        building={false}
      />
    </main>
  )
}
