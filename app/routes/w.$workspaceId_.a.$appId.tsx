// A published app, as the colleagues it is published to open it (/w/<ws>/a/<appId>): the whole
// page is the app, under a slim bar (the app's name, the way back to the workspace, and "Open
// builder" for its builders); no chat, tabs or versions. It runs in the same sandboxed frame and
// bridge as the preview, on the published data, under the workspace's runtime settings, and loads
// the new release when one is published. An app not published to the viewer: 404. Its builders
// are sent to the builder while it is not published.

import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { redirect } from "@remix-run/node"
import { Link, useLoaderData } from "@remix-run/react"
import { Hammer } from "lucide-react"
import { useEffect, useState } from "react"
import { ID_PATTERN } from "#shared/ids.ts"
import { NOT_PUBLISHED } from "../apps/published-apps.server.ts"
import { AppPageBar } from "../components/apps/app-page-bar.tsx"
import { PreviewFrame } from "../components/preview/preview-frame.tsx"
import { Button } from "../components/ui/button.tsx"
import { AppError } from "../errors.server.ts"
import { useRevalidateOnWorkspaceEvents } from "../events/use-workspace-events.ts"
import { pageTitle } from "../text/page-title.ts"
import { load } from "../trpc/caller.server.ts"

export const meta: MetaFunction<typeof loader> = ({ data }) => pageTitle(data?.opened.app.name ?? "App", data?.workspaceName)

export async function loader(args: LoaderFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  const appId = args.params["appId"] ?? ""
  if (!ID_PATTERN.test(workspaceId) || !ID_PATTERN.test(appId)) throw new Response("App not found.", { status: 404 })
  return load(args, async (caller) => {
    const [workspace, opened] = await Promise.all([
      caller.workspaces.get({ workspaceId }),
      caller.publishedApps.open({ workspaceId, appId }).catch((error: unknown) => {
        // Only a builder hears "not published" (anyone else: not found): the app is theirs to work on.
        if (error instanceof Error && error.cause instanceof AppError && error.cause.reasonCode === NOT_PUBLISHED) throw redirect(`/w/${workspaceId}/apps/${appId}`)
        throw error
      }),
    ])
    return { workspaceId, workspaceName: workspace.name, opened }
  })
}

export default function PublishedApp() {
  const { workspaceId, opened } = useLoaderData<typeof loader>()
  // A new release, an unpublish or new runtime settings (and anything else) reloads this page's data.
  useRevalidateOnWorkspaceEvents(workspaceId)
  const shown = useShownRelease(opened)
  const { app, frame, canBuild } = opened
  return (
    <main className="flex h-dvh min-w-0 flex-col">
      <AppPageBar
        appName={app.name}
        back={{ to: `/w/${workspaceId}`, label: "Workspace", title: "Back to the workspace", testId: "published-app-back" }}
        actions={
          canBuild ? (
            <Button asChild variant="outline" size="sm">
              <Link to={`/w/${workspaceId}/apps/${app.id}`} data-testid="published-app-builder">
                <Hammer aria-hidden />
                Open builder
              </Link>
            </Button>
          ) : null
        }
      />
      <div className="flex min-h-0 flex-1 flex-col p-1 sm:p-2">
        {/* Keyed on the app, the release and the policy: a new one gets a new frame and bridge (never the old
            document's answers), and a changed sandbox applies (a frame keeps the one it was loaded with). */}
        <PreviewFrame
          key={`${workspaceId}:${app.id}:${shown.releaseId}:${frame.sandbox}:${frame.allow}`}
          info={shown.info}
          loadCount={0}
          target={{ workspaceId, appId: app.id, scope: "published" }}
          title={app.name}
          policy={frame}
        />
      </div>
    </main>
  )
}

type Opened = ReturnType<typeof useLoaderData<typeof loader>>["opened"]

/**
 * The release the frame shows: it changes only when another release is published. Every loader
 * run hands out a fresh preview URL (a new capability), and reloading the app for that alone
 * would lose what the person was doing in it.
 */
function useShownRelease(opened: Opened) {
  const of = (next: Opened) => ({
    releaseId: next.release.id,
    // The frame needs the URL and the number it shows; the release stands in for the version's id.
    info: { versionId: next.release.id, number: next.release.versionNumber, url: next.preview.url },
  })
  const [shown, setShown] = useState(() => of(opened))
  useEffect(() => {
    if (opened.release.id !== shown.releaseId) setShown(of(opened))
  }, [opened.release.id])
  return shown
}
