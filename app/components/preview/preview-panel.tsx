// The Preview: the app's current version running in its frame, or an older one the person picked
// (with the way back), the toolbar (which version and how old, a version picker, the builder's
// progress, phone width, Reload, Open in new tab), and what to say while there is nothing to show.

import { Link, useLocation, useNavigate } from "@remix-run/react"
import { AppWindow, ExternalLink, LoaderCircle, RotateCw, Smartphone } from "lucide-react"
import { useState } from "react"
import { Badge } from "../ui/badge.tsx"
import { Button } from "../ui/button.tsx"
import { cn } from "../ui/cn.ts"
import { EmptyState } from "../ui/empty-state.tsx"
import { Select } from "../ui/input.tsx"
import { Notice } from "../ui/notice.tsx"
import { RelativeTime } from "../ui/relative-time.tsx"
import { Spinner } from "../ui/spinner.tsx"
import type { FramePolicy } from "#shared/apps/frame-policy.ts"
import { PreviewFrame } from "./preview-frame.tsx"
import { usePreview, type PreviewInfo } from "./use-preview.ts"

/** What the toolbar needs of each version (versions.list). */
export interface PreviewVersion {
  readonly id: string
  readonly number: number
  readonly createdAt: string
  readonly current: boolean
}

export interface PreviewPanelProps {
  readonly workspaceId: string
  readonly appId: string
  readonly appName: string
  readonly loaded: PreviewInfo | null
  readonly pinned: string | null
  /** The version asked for (?version=) does not exist: the current one is shown instead. */
  readonly pinnedMissing: boolean
  readonly versions: readonly PreviewVersion[]
  /** A builder run is working on the app. */
  readonly working: boolean
  /** That run is building the app right now. */
  readonly building: boolean
  /** The workspace's runtime settings for the frame (loadPreview reads them); the defaults when absent. */
  readonly frame?: FramePolicy
  /** The full-page view of what is shown ("Open in new tab"); absent on that page itself. */
  readonly viewHref?: (versionId: string | null) => string
}

export function PreviewPanel(props: PreviewPanelProps) {
  const { workspaceId, appId, appName, loaded, pinned, versions, working, building } = props
  const preview = usePreview({ workspaceId, appId, loaded, pinned })
  const location = useLocation()
  const navigate = useNavigate()
  const [phoneWidth, setPhoneWidth] = useState(false)
  const { shown } = preview
  const version = shown ? versions.find((candidate) => candidate.id === shown.versionId) : undefined
  const current = versions.find((candidate) => candidate.current)
  const search = (versionId: string | null) => {
    const params = new URLSearchParams(location.search)
    if (versionId === null) params.delete("version")
    else params.set("version", versionId)
    const text = params.toString()
    return text ? `?${text}` : ""
  }

  return (
    <section className="flex min-h-0 min-w-0 flex-1 flex-col gap-2" aria-label="Preview" data-testid="preview-panel">
      <div className="flex min-w-0 flex-wrap items-center gap-2">
        {shown ? (
          <span className="text-sm font-medium whitespace-nowrap" data-testid="preview-version">
            v{shown.number}
            {version ? (
              <>
                {" · "}
                <RelativeTime iso={version.createdAt} className="font-normal text-muted-foreground" />
              </>
            ) : null}
          </span>
        ) : null}
        {versions.length > 1 ? (
          <Select
            aria-label="Version to preview"
            data-testid="preview-version-picker"
            className="h-8 w-auto"
            value={pinned ?? ""}
            onChange={(event) => navigate({ pathname: location.pathname, search: search(event.target.value || null) }, { preventScrollReset: true })}
          >
            <option value="">{current ? `Current (version ${current.number})` : "Current version"}</option>
            {versions
              .filter((candidate) => !candidate.current)
              .map((candidate) => (
                <option key={candidate.id} value={candidate.id}>
                  Version {candidate.number}
                </option>
              ))}
          </Select>
        ) : null}
        <span className="flex-1" />
        {shown && (building || working) ? (
          <Badge variant={building ? "primary" : "default"} role="status">
            <LoaderCircle className="animate-spin motion-reduce:animate-none" aria-hidden />
            {building ? "Building…" : "The builder is working…"}
          </Badge>
        ) : null}
        {shown ? (
          <div className="flex items-center gap-1">
            <Button
              variant={phoneWidth ? "secondary" : "ghost"}
              size="icon-sm"
              className="hidden md:inline-flex"
              aria-pressed={phoneWidth}
              title="Phone width"
              onClick={() => setPhoneWidth((on) => !on)}
              data-testid="preview-phone-width"
            >
              <Smartphone aria-hidden />
              <span className="sr-only">Phone width</span>
            </Button>
            <Button variant="ghost" size="icon-sm" onClick={preview.reload} disabled={preview.refreshing} aria-label="Reload the preview" title="Reload" data-testid="preview-reload">
              <RotateCw className={cn(preview.refreshing && "animate-spin motion-reduce:animate-none")} aria-hidden />
            </Button>
            {props.viewHref ? (
              <Button asChild variant="ghost" size="icon-sm">
                <a href={props.viewHref(pinned)} target="_blank" rel="noopener noreferrer" title="Open in new tab" data-testid="preview-open">
                  <ExternalLink aria-hidden />
                  <span className="sr-only">Open in new tab</span>
                </a>
              </Button>
            ) : null}
          </div>
        ) : null}
      </div>
      {pinned !== null && shown && !props.pinnedMissing ? (
        <Notice tone="warning" data-testid="preview-pinned">
          Showing version {shown.number}, with the app's current data: what you change here is changed for everyone ·{" "}
          <Link to={{ pathname: location.pathname, search: search(null) }} preventScrollReset className="font-medium text-primary underline underline-offset-4">
            Back to current
          </Link>
        </Notice>
      ) : null}
      {props.pinnedMissing ? <Notice tone="error">That version does not exist; this is the current one.</Notice> : null}
      {preview.problem ? <Notice tone="error">The preview could not be reloaded: {preview.problem} Try Reload again.</Notice> : null}
      {shown ? (
        <div className={cn("flex min-h-0 flex-1 flex-col", phoneWidth && "items-center")}>
          <PreviewFrame
            info={shown}
            loadCount={preview.loadCount}
            target={{ workspaceId, appId, scope: "draft" }}
            title={`Preview of ${appName}`}
            {...(props.frame ? { policy: props.frame } : {})}
            className={cn(phoneWidth && "max-w-sm")}
          />
        </div>
      ) : (
        <NothingYet working={working} building={building} />
      )}
    </section>
  )
}

function NothingYet({ working, building }: { working: boolean; building: boolean }) {
  const [title, text] = building
    ? ["Building…", "The app appears here as soon as the build is done."]
    : working
      ? ["The builder is working…", "The app appears here once it has been built."]
      : ["Nothing built yet", "Ask the builder in the chat for what you need: it builds the app, which runs here and reloads with every new version."]
  return (
    <div className="flex min-h-80 flex-1 flex-col justify-center" role="status" aria-busy={working} data-testid="preview-empty">
      <EmptyState icon={AppWindow} title={title} action={working ? <Spinner label={building ? "Building the app" : "The builder is working"} className="size-5" /> : undefined}>
        {text}
      </EmptyState>
    </div>
  )
}
