// The Versions tab: every version of the app, newest first (each successful build makes one, and
// so does a restore), who asked for it and what changed; Preview shows one in the Preview tab, and
// Restore (asked twice, refused while the builder works) makes a copy of it the current version.

import { Form, Link, useNavigation } from "@remix-run/react"
import { useNow, whenText } from "../../text/relative-time.ts"
import type { VersionView } from "../app-workspace/panel-context.ts"

export interface VersionsPanelProps {
  readonly versions: readonly VersionView[]
  /** The app page's URL: restores post there, previews open under it. */
  readonly base: string
  readonly working: boolean
}

export const WORKING_REASON = "The builder is working on the app; restore a version once it has finished."

export function VersionsPanel({ versions, base, working }: VersionsPanelProps) {
  const now = useNow()
  const navigation = useNavigation()
  const restoring = navigation.formData?.get("intent") === "restore" ? String(navigation.formData.get("versionId")) : null
  return (
    <section className="versions-panel" aria-label="Versions" data-testid="versions-panel">
      {versions.length === 0 ? (
        <p className="muted" data-testid="versions-empty">
          No versions yet: each time the builder builds the app successfully, that build becomes a version.
        </p>
      ) : null}
      {working && versions.length > 0 ? (
        <p className="muted" id="restore-working-reason">
          {WORKING_REASON}
        </p>
      ) : null}
      <ol className="versions" aria-label="Versions, newest first">
        {versions.map((version) => (
          <li key={version.id} className="version card" data-testid="version" data-version-number={version.number} data-current={version.current}>
            <h3 className="version-title">
              Version {version.number} {version.current ? <span className="pill badge-running">current</span> : null}
            </h3>
            <p className="muted version-meta">
              <time dateTime={version.createdAt}>{whenText(version.createdAt, now)}</time>
              {version.requestedBy ? ` · asked by ${version.requestedBy.name}` : ""}
              {version.restoredFromNumber !== null ? ` · restored from v${version.restoredFromNumber}` : ""}
            </p>
            {version.message ? (
              <p className="version-message" title={version.message}>
                {version.message}
              </p>
            ) : null}
            {version.summary ? <p className="version-summary">{version.summary}</p> : null}
            <div className="card-actions">
              <Link
                to={version.current ? `${base}/preview` : `${base}/preview?version=${encodeURIComponent(version.id)}`}
                className="button-secondary"
                data-testid="version-preview"
              >
                Preview<span className="visually-hidden"> version {version.number}</span>
              </Link>
              {version.current ? null : working ? (
                <button type="button" disabled aria-describedby="restore-working-reason" data-testid="version-restore">
                  Restore<span className="visually-hidden"> version {version.number}</span>
                </button>
              ) : (
                <details className="confirm version-restore">
                  <summary data-testid="version-restore">
                    Restore<span className="visually-hidden"> version {version.number}</span>…
                  </summary>
                  <Form method="post" action={base} className="stack">
                    <p>
                      This makes a copy of version {version.number} the app's current version (version {nextNumber(versions)}). Nothing is lost: the
                      versions after it stay in this list.
                    </p>
                    <input type="hidden" name="versionId" value={version.id} />
                    <button type="submit" name="intent" value="restore" className="primary" disabled={restoring !== null} data-testid="confirm-restore">
                      {restoring === version.id ? "Restoring…" : `Restore version ${version.number}`}
                    </button>
                  </Form>
                </details>
              )}
            </div>
          </li>
        ))}
      </ol>
    </section>
  )
}

const nextNumber = (versions: readonly VersionView[]) => Math.max(0, ...versions.map((version) => version.number)) + 1
