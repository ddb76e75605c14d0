// One app's page: its header (name, settings), the builder chat on the left and the panels on the right
// (Preview, Files, Data, Agents, Versions: child routes, one URL each; the Preview stays mounted so the
// app keeps running while another panel is open). The chat lives here rather than in a child
// route so it stays beside every panel; its forms, the settings' and a restore all post here. An
// app the viewer cannot see: 404.

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { redirect } from "@remix-run/node"
import { Outlet, useActionData, useLoaderData, useMatches, useParams, useRouteLoaderData, useSearchParams, type ShouldRevalidateFunction } from "@remix-run/react"
import { useEffect, useRef } from "react"
import { ID_PATTERN } from "#shared/ids.ts"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { AppHeader } from "../components/app-workspace/app-header.tsx"
import { AppWorkspace } from "../components/app-workspace/app-workspace.tsx"
import type { AppPanelContext } from "../components/app-workspace/panel-context.ts"
import { PanelTabs, paneOfRoute, panePath } from "../components/app-workspace/panel-tabs.tsx"
import { FILL_VIEWPORT, useFillViewport } from "../components/app-workspace/use-fill-viewport.ts"
import { activeRunOf, BuilderChat } from "../components/builder/builder-chat.tsx"
import { FormMessage } from "../components/form-message.tsx"
import { PreviewPanel } from "../components/preview/preview-panel.tsx"
import { cn } from "../components/ui/cn.ts"
import { readForm } from "../forms/read-form.server.ts"
import { loadPreview } from "../preview/load-preview.server.ts"
import { shownRuns } from "../runs/run-pages.ts"
import { useRevalidateWhenRunEnds, useRunEvents } from "../runs/use-run-events.ts"
import { pageTitle, workspaceNameIn } from "../text/page-title.ts"
import { capture } from "../telemetry/capture.ts"
import { captureForRequest } from "../telemetry/capture-on-server.server.ts"
import { act, field, load, reply } from "../trpc/caller.server.ts"
import type { loader as workspaceLoader } from "./w.$workspaceId.tsx"

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => pageTitle(data?.name ?? "App", workspaceNameIn(matches))

function appParams(params: LoaderFunctionArgs["params"]) {
  const workspaceId = params["workspaceId"] ?? ""
  const appId = params["appId"] ?? ""
  if (!ID_PATTERN.test(appId)) throw new Response("App not found.", { status: 404 })
  return { workspaceId, appId }
}

export async function loader(args: LoaderFunctionArgs) {
  const { workspaceId, appId } = appParams(args.params)
  const url = new URL(args.request.url)
  return load(args, async (caller) => {
    const [app, members, { runs, hasEarlier }, runtimes, { versions }, preview] = await Promise.all([
      caller.apps.get({ workspaceId, appId }),
      caller.members.list({ workspaceId }),
      caller.runs.list({ workspaceId, appId, limit: shownRuns(url.searchParams) }),
      caller.apps.runtimes({ workspaceId }),
      caller.versions.list({ workspaceId, appId }),
      loadPreview(caller, workspaceId, appId, url.searchParams.get("version")),
    ])
    // For the collaborator picker: who is in the workspace, by name.
    const people = members.map((member) => ({ userId: member.userId, name: member.displayName, email: member.email }))
    return { ...app, members: people, runs, hasEarlier, runtimes, versions, preview }
  })
}

export async function action(args: ActionFunctionArgs) {
  const { workspaceId, appId } = appParams(args.params)
  const form = await readForm(args.request)
  const intent = field(form, "intent")
  const runId = field(form, "runId")
  switch (intent) {
    case "rename":
      return reply(await act(args, intent, (caller) => caller.apps.rename({ workspaceId, appId, name: field(form, "name") })))
    case "add-collaborator":
    case "remove-collaborator": {
      const input = { workspaceId, appId, userId: field(form, "userId") }
      return reply(
        await act(args, "collaborators", (caller) =>
          intent === "add-collaborator" ? caller.apps.addCollaborator(input) : caller.apps.removeCollaborator(input),
        ),
      )
    }
    case "delete": {
      const result = await act(args, intent, (caller) => caller.apps.delete({ workspaceId, appId }))
      if (result.ok) throw redirect(`/w/${workspaceId}/apps`)
      return reply(result)
    }
    case "restore": {
      const result = await act(args, intent, (caller) => caller.versions.restore({ workspaceId, appId, versionId: field(form, "versionId") }))
      // The restored copy is the new current version: show it (on a phone too, where the app's own URL is the chat).
      if (result.ok) {
        await captureForRequest(args, "version_restored", { workspace_id: workspaceId, app_id: appId })
        throw redirect(`/w/${workspaceId}/apps/${appId}/preview`)
      }
      return reply(result)
    }
    case "stop":
      return reply(await act(args, intent, (caller) => caller.runs.stop({ workspaceId, runId })))
    case "retry":
      return reply(await act(args, intent, (caller) => caller.runs.retry({ workspaceId, runId })))
    case "approve":
      return reply(await act(args, intent, (caller) => caller.runs.approve({ workspaceId, runId })))
    default: {
      // A send: the composer's button, or Ctrl+Enter (no button, so no intent). A disabled
      // (unusable) runtime is not submitted at all: the app's runtime is used then.
      const runtime = field(form, "runtime")
      const model = form.get("model")
      return reply(
        await act(args, "send", (caller) =>
          caller.runs.send({
            workspaceId,
            appId,
            prompt: field(form, "prompt"),
            ...(runtime ? { runtime: runtime as RuntimeId } : {}),
            ...(model !== null ? { model: String(model) } : {}),
          }),
        ),
      )
    }
  }
}

/** Picking a file (?path=) changes nothing the chat, the preview or the versions show: only the Files panel loads. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ currentUrl, nextUrl, formMethod, defaultShouldRevalidate }) => {
  if (formMethod || currentUrl.href === nextUrl.href || currentUrl.pathname !== nextUrl.pathname) return defaultShouldRevalidate
  const without = (url: URL) => {
    const params = new URLSearchParams(url.search)
    params.delete("path")
    return params.toString()
  }
  return without(currentUrl) === without(nextUrl) ? false : defaultShouldRevalidate
}

/** The latest build of the running run, while it is still building. */
const isBuilding = (transcript: readonly { readonly kind: string; readonly state?: string }[]) =>
  transcript.findLast((part) => part.kind === "build")?.state === "running"

export default function AppPage() {
  const app = useLoaderData<typeof loader>()
  const outcome = useActionData<typeof action>()
  const frame = useRouteLoaderData<typeof workspaceLoader>("routes/w.$workspaceId")
  const pane = paneOfRoute(useMatches().at(-1)?.id)
  const [searchParams] = useSearchParams()
  const role = frame?.workspace.role
  const mayManage = app.createdByUserId === frame?.user?.id || role === "owner" || role === "admin"
  const workspaceId = useParams()["workspaceId"] ?? ""
  const apps = `/w/${workspaceId}/apps`
  const base = `${apps}/${app.id}`

  useEffect(() => {
    if (outcome?.ok && outcome.intent === "send") capture("run_sent", { runtime: app.runtime, follow_up: app.runs.length > 1 ? "true" : "false", workspace_id: workspaceId, app_id: app.id })
    // Once per answered send: the outcome object is new for each one.
  }, [outcome])
  const active = activeRunOf(app.runs)
  const live = useRunEvents(active?.id ?? null)
  useRevalidateWhenRunEnds(live)
  const working = active !== null || app.running
  const building = live !== null && isBuilding(live.transcript)

  const panel: AppPanelContext = { workspaceId, appId: app.id, base, versions: app.versions, working }
  const pinned = searchParams.get("version")
  const viewHref = (versionId: string | null) => `${base}/view${versionId ? `?version=${encodeURIComponent(versionId)}` : ""}`
  // The Preview stays mounted under every panel (the app keeps running) and steps aside for the others.
  const showsPreview = pane === "chat" || pane === "preview"
  const page = useRef<HTMLElement>(null)
  useFillViewport(page)
  return (
    <main ref={page} className={cn("flex min-h-0 min-w-0 flex-col", FILL_VIEWPORT)} data-testid="app-page">
      <AppHeader workspaceId={workspaceId} app={app} mayManage={mayManage} appsHref={apps} base={base} viewHref={viewHref(pinned)} />
      {/* A refused restore lands here (the app's URL, where the form posts), not on the Versions panel. */}
      {outcome?.intent === "restore" && !outcome.ok ? (
        <div className="shrink-0 px-3 pt-3 sm:px-4">
          <FormMessage outcome={outcome} intent="restore" />
        </div>
      ) : null}
      <AppWorkspace
        pane={pane}
        tabs={<PanelTabs base={base} />}
        chat={
          <BuilderChat
            runs={app.runs}
            hasEarlier={app.hasEarlier}
            runtimes={app.runtimes}
            runtime={app.runtime ?? app.runtimes[0]?.id ?? "claude"}
            model={app.model ?? null}
            live={live}
            outcome={outcome}
            filesPath={panePath(base, "files")}
          />
        }
      >
        <div className={cn("min-h-0 flex-1 flex-col", showsPreview ? "flex" : "hidden")}>
          {/* Keyed on the app: its frame, the bridge answering it and what it shows are made anew together,
              so another app's document can never be answered as this app's (see preview-frame.tsx). */}
          <PreviewPanel
            key={`${workspaceId}:${app.id}`}
            workspaceId={workspaceId}
            appId={app.id}
            appName={app.name}
            loaded={app.preview.preview}
            pinned={pinned}
            pinnedMissing={app.preview.pinnedMissing}
            frame={app.preview.frame}
            versions={app.versions}
            working={working}
            building={building}
            viewHref={viewHref}
          />
        </div>
        <Outlet context={panel} />
      </AppWorkspace>
    </main>
  )
}
