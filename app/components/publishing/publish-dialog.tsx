// Publish… from the builder's header: a dialog that loads where the app's publishing stands (and the
// workspace's teams) when it opens, keeps that fresh while open (workspace events about the app),
// and publishes or asks for a review through the browser's tRPC client, so the answer — a
// confirmation with the way to the published app or to the request, or the refusal — shows here.
// The header fetches this module when the dialog is first wanted (like its other dialogs).

import { Link, useRouteLoaderData } from "@remix-run/react"
import type { RefObject } from "react"
import { useCallback, useEffect, useRef, useState } from "react"
import type { PublishState, ReleaseView, ReviewView } from "#shared/publishing/publishing.ts"
import { useWorkspaceEvents } from "../../events/use-workspace-events.ts"
import { trpc } from "../../trpc/client.ts"
import { capture } from "../../telemetry/capture.ts"
import { Button } from "../ui/button.tsx"
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "../ui/dialog.tsx"
import { Notice } from "../ui/notice.tsx"
import { Spinner } from "../ui/spinner.tsx"
import { MissingIntegrations } from "./missing-integrations.tsx"
import { PublishForm, type PublishRequest, type TeamChoice } from "./publish-form.tsx"
import { publishProblem, type PublishProblem } from "./publish-problem.ts"
import { PublishStatus } from "./publish-status.tsx"
import { appAgentsPath, audienceText, publishedAppPath, reviewPath } from "./publishing-text.ts"

/** What the workspace frame's loader (routes/w.$workspaceId.tsx) gives every page under it. */
interface FrameData {
  readonly workspace: { readonly name: string; readonly permissions: readonly string[] }
  readonly user: { readonly id: string } | null
}

export interface PublishDialogProps {
  readonly workspaceId: string
  readonly appId: string
  readonly appName: string
  readonly open: boolean
  readonly onOpenChange: (open: boolean) => void
  /** The header's Publish button: closing hands the focus back to it, as a Radix trigger would. */
  readonly opener: RefObject<HTMLElement>
}

type Loaded = { readonly state: PublishState; readonly teams: readonly TeamChoice[] }
type Done = { readonly kind: "published"; readonly release: ReleaseView } | { readonly kind: "review"; readonly review: ReviewView }

/** Events after which what the dialog shows may be out of date. */
const STALE_AFTER = new Set(["app.published", "review.changed", "app.updated", "app.version.created"])

export function PublishDialog({ workspaceId, appId, appName, open, onOpenChange, opener }: PublishDialogProps) {
  const frame = useRouteLoaderData("routes/w.$workspaceId") as FrameData | undefined
  const workspaceName = frame?.workspace.name ?? "this workspace"
  const [loaded, setLoaded] = useState<Loaded | null>(null)
  const [loadProblem, setLoadProblem] = useState<PublishProblem | null>(null)
  const [problem, setProblem] = useState<PublishProblem | null>(null)
  const [busy, setBusy] = useState<"publish" | "withdraw" | null>(null)
  const [done, setDone] = useState<Done | null>(null)
  const title = useRef<HTMLHeadingElement>(null)

  const refresh = useCallback(async () => {
    try {
      const [state, teams] = await Promise.all([trpc.publishing.state.query({ workspaceId, appId }), trpc.teams.list.query({ workspaceId })])
      setLoaded({ state, teams: teams.map((team) => ({ id: team.id, name: team.name })) })
      setLoadProblem(null)
    } catch (error) {
      setLoadProblem(publishProblem(error))
    }
  }, [workspaceId, appId])

  // Each opening starts from what stands now, with no earlier answer left on screen.
  useEffect(() => {
    if (!open) return
    setProblem(null)
    setDone(null)
    void refresh()
  }, [open, refresh])
  useWorkspaceEvents(workspaceId, (event) => {
    if (open && STALE_AFTER.has(event.type) && (event.appId === undefined || event.appId === appId)) void refresh()
  })

  const publish = async (request: PublishRequest) => {
    setBusy("publish")
    setProblem(null)
    try {
      const outcome = await trpc.publishing.publish.mutate({ workspaceId, appId, visibility: request.visibility, teamIds: [...request.teamIds], ...(request.note ? { note: request.note } : {}) })
      capture("app_published", { visibility: request.visibility, outcome: outcome.kind === "published" ? "published" : "review_requested", workspace_id: workspaceId, app_id: appId })
      setDone(outcome)
      void refresh()
    } catch (error) {
      setProblem(publishProblem(error))
      // A refusal often means the state moved on (a review appeared, a build went): show it as it is.
      void refresh()
    } finally {
      setBusy(null)
    }
  }
  const withdraw = async () => {
    setBusy("withdraw")
    setProblem(null)
    try {
      await trpc.publishing.withdrawReview.mutate({ workspaceId, appId })
      await refresh()
    } catch (error) {
      setProblem(publishProblem(error))
    } finally {
      setBusy(null)
    }
  }

  const canSetUp = frame?.workspace.permissions.includes("integrations:manage") ?? false
  const state = loaded?.state
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent
        className="max-w-xl"
        data-testid="publish-dialog"
        // The heading takes the focus on opening (the content is still loading, and a ring around the
        // whole dialog helps nobody); Tab goes on to the controls, whose ring shows as ever.
        onOpenAutoFocus={(event) => {
          event.preventDefault()
          title.current?.focus()
        }}
        onCloseAutoFocus={(event) => {
          event.preventDefault()
          opener.current?.focus()
        }}
      >
        <DialogHeader>
          <DialogTitle ref={title} tabIndex={-1} className="break-words outline-none">
            Publish {appName}
          </DialogTitle>
          <DialogDescription>
            {state && !state.canPublishDirectly
              ? "Choose who can open and use it. An owner or admin reviews the changes before colleagues see them."
              : "Choose who can open and use it. They get the current version; your later changes reach them when you publish again."}
          </DialogDescription>
        </DialogHeader>
        {done ? (
          <Confirmation done={done} workspaceId={workspaceId} workspaceName={workspaceName} appId={appId} />
        ) : !state ? (
          loadProblem ? (
            <Notice tone="error" data-testid="publish-load-problem">
              {loadProblem.message}
            </Notice>
          ) : (
            <p className="flex items-center gap-2 text-sm text-muted-foreground">
              <Spinner label="Loading" /> Loading where publishing stands…
            </p>
          )
        ) : (
          <>
            <PublishStatus
              state={state}
              workspaceId={workspaceId}
              workspaceName={workspaceName}
              appId={appId}
              canWithdraw={state.pendingReview !== null && (state.canPublishDirectly || state.pendingReview.requestedBy.id === frame?.user?.id)}
              withdrawing={busy === "withdraw"}
              onWithdraw={() => void withdraw()}
              viewerId={frame?.user?.id ?? null}
            />
            {state.integrationsRequired ? <MissingIntegrations missing={state.missingIntegrations} workspaceId={workspaceId} canSetUp={canSetUp} /> : null}
            {state.pendingReview && !state.canPublishDirectly ? (
              // A member's pending request shows above as asked (Withdraw to ask again): no form to fill in uselessly.
              <>
                {problem ? (
                  <Notice tone="error" data-testid="publish-problem">
                    {problem.message}
                  </Notice>
                ) : null}
                <DialogFooter>
                  <DialogClose asChild>
                    <Button variant="outline">Close</Button>
                  </DialogClose>
                </DialogFooter>
              </>
            ) : (
              // Keyed on what it starts from: a review appearing or a release changing resets the choices to them.
              <PublishForm
                key={`${state.pendingReview?.id ?? ""}:${state.published?.id ?? ""}`}
                state={state}
                teams={loaded.teams}
                workspaceName={workspaceName}
                busy={busy !== null}
                problem={problem}
                onSubmit={(request) => void publish(request)}
                agentsHref={appAgentsPath(workspaceId, appId)}
              />
            )}
          </>
        )}
      </DialogContent>
    </Dialog>
  )
}

function Confirmation({ done, workspaceId, workspaceName, appId }: { done: Done; workspaceId: string; workspaceName: string; appId: string }) {
  return (
    <div className="grid gap-4" data-testid="publish-done">
      {done.kind === "published" ? (
        <Notice tone="success" title={`Published: release ${done.release.number}`}>
          Release {done.release.number} (built as version {done.release.versionNumber}) is now what {audienceText(done.release.audience, workspaceName)} can open and use.
        </Notice>
      ) : (
        <Notice tone="success" title="Review requested">
          An owner or admin of the workspace reviews version {done.review.versionNumber} before it reaches {audienceText(done.review.audience, workspaceName)}.
        </Notice>
      )}
      <DialogFooter>
        <DialogClose asChild>
          <Button variant="outline">Close</Button>
        </DialogClose>
        <Button asChild>
          {done.kind === "published" ? (
            <Link to={publishedAppPath(workspaceId, appId)} data-testid="open-published-app">
              Open the published app
            </Link>
          ) : (
            <Link to={reviewPath(workspaceId, done.review.id)} data-testid="open-review">
              See the request
            </Link>
          )}
        </Button>
      </DialogFooter>
    </div>
  )
}
