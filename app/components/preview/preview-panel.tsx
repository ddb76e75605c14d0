// The Preview: the app's current version running in its frame, or an older one the person picked
// (with the way back), the toolbar (which version, how old, Reload, Open in new tab, a version
// picker), and what to say while there is nothing to show yet.

import { Link, useLocation, useNavigate } from "@remix-run/react"
import { useNow, whenText } from "../../text/relative-time.ts"
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
  /** The full-page view of what is shown ("Open in new tab"); absent on that page itself. */
  readonly viewHref?: (versionId: string | null) => string
}

export function PreviewPanel(props: PreviewPanelProps) {
  const { workspaceId, appId, appName, loaded, pinned, versions, working, building } = props
  const preview = usePreview({ workspaceId, appId, loaded, pinned })
  const now = useNow()
  const location = useLocation()
  const navigate = useNavigate()
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
    <section className="preview-panel" aria-label="Preview" data-testid="preview-panel">
      <div className="preview-toolbar">
        {shown ? (
          <span className="preview-version" data-testid="preview-version">
            v{shown.number}
            {version ? <> · <time dateTime={version.createdAt}>{whenText(version.createdAt, now)}</time></> : null}
          </span>
        ) : null}
        {versions.length > 1 ? (
          <select
            aria-label="Version to preview"
            data-testid="preview-version-picker"
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
          </select>
        ) : null}
        <span className="spacer" />
        {shown && (building || working) ? (
          <span className="preview-building" role="status">
            {building ? "Building…" : "The builder is working…"}
          </span>
        ) : null}
        {shown ? (
          <button type="button" onClick={preview.reload} disabled={preview.refreshing} aria-label="Reload the preview" data-testid="preview-reload">
            {preview.refreshing ? "Reloading…" : "Reload"}
          </button>
        ) : null}
        {shown && props.viewHref ? (
          <a href={props.viewHref(pinned)} target="_blank" rel="noopener noreferrer" className="button-secondary" data-testid="preview-open">
            Open in new tab
          </a>
        ) : null}
      </div>
      {pinned !== null && shown && !props.pinnedMissing ? (
        <p className="preview-banner" role="status" data-testid="preview-pinned">
          Showing version {shown.number}, with the app's current data: what you change here is changed for everyone ·{" "}
          <Link to={{ pathname: location.pathname, search: search(null) }} preventScrollReset>
            Back to current
          </Link>
        </p>
      ) : null}
      {props.pinnedMissing ? (
        <p className="form-error" role="alert">
          That version does not exist; this is the current one.
        </p>
      ) : null}
      {preview.problem ? (
        <p className="form-error" role="alert">
          The preview could not be reloaded: {preview.problem}
        </p>
      ) : null}
      {shown ? (
        <PreviewFrame info={shown} loadCount={preview.loadCount} target={{ workspaceId, appId, scope: "draft" }} title={`Preview of ${appName}`} />
      ) : (
        <NothingYet working={working} building={building} />
      )}
    </section>
  )
}

function NothingYet({ working, building }: { working: boolean; building: boolean }) {
  return (
    <div className="preview-empty" data-testid="preview-empty" role="status" aria-busy={working}>
      {building ? (
        <>
          <p className="preview-empty-title">Building…</p>
          <progress aria-label="Building the app" />
        </>
      ) : working ? (
        <>
          <p className="preview-empty-title">The builder is working…</p>
          <p className="muted">The app appears here once it has been built.</p>
        </>
      ) : (
        <>
          <p className="preview-empty-title">Nothing built yet — ask the builder in the chat for what you need.</p>
          <p className="muted">Once it builds the app, it runs here, and reloads with every new version.</p>
        </>
      )}
    </div>
  )
}
