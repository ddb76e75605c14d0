// The Versions tab: every version of the app, newest first (each successful build makes one, and
// so does a restore), who asked for it and what changed; Preview shows one in the Preview tab, and
// Restore (confirmed in a dialog, refused while the builder works) makes a copy of it the current
// version.

import { Form, Link, useNavigation } from "@remix-run/react"
import { Eye, History, RotateCcw } from "lucide-react"
import type { VersionView } from "../app-workspace/panel-context.ts"
import { Badge } from "../ui/badge.tsx"
import { Button } from "../ui/button.tsx"
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "../ui/dialog.tsx"
import { EmptyState } from "../ui/empty-state.tsx"
import { RelativeTime } from "../ui/relative-time.tsx"

export interface VersionsPanelProps {
  readonly versions: readonly VersionView[]
  /** The app page's URL: restores post there, previews open under it. */
  readonly base: string
  readonly working: boolean
}

export const WORKING_REASON = "The builder is working on the app; restore a version once it has finished."

export function VersionsPanel({ versions, base, working }: VersionsPanelProps) {
  const navigation = useNavigation()
  const restoring = navigation.formData?.get("intent") === "restore" ? String(navigation.formData.get("versionId")) : null
  const next = nextNumber(versions)
  return (
    <section className="grid min-w-0 content-start gap-3" aria-labelledby="versions-title" data-testid="versions-panel">
      <h2 id="versions-title" className="sr-only">
        Versions
      </h2>
      {versions.length === 0 ? (
        <EmptyState icon={History} title="No versions yet" data-testid="versions-empty">
          Each time the builder builds the app successfully, that build becomes a version you can preview and restore.
        </EmptyState>
      ) : null}
      {working && versions.length > 0 ? (
        <p className="text-sm text-muted-foreground" id="restore-working-reason">
          {WORKING_REASON}
        </p>
      ) : null}
      <ol className="grid gap-2" aria-label="Versions, newest first">
        {versions.map((version) => (
          <li
            key={version.id}
            className="grid min-w-0 gap-1.5 rounded-xl border bg-card p-3 shadow-xs sm:p-4"
            data-testid="version"
            data-version-number={version.number}
            data-current={version.current}
          >
            <div className="flex min-w-0 flex-wrap items-center gap-x-2 gap-y-1">
              <h3 className="text-sm font-semibold">Version {version.number}</h3>
              {version.current ? <Badge variant="success">current</Badge> : null}
              <span className="text-xs text-muted-foreground">
                <RelativeTime iso={version.createdAt} />
                {version.requestedBy ? ` · asked by ${version.requestedBy.name}` : ""}
                {version.restoredFromNumber !== null ? ` · restored from v${version.restoredFromNumber}` : ""}
              </span>
            </div>
            {version.message ? (
              <p className="line-clamp-3 text-sm break-words whitespace-pre-wrap" title={version.message}>
                {version.message}
              </p>
            ) : null}
            {version.summary ? <p className="text-sm break-words whitespace-pre-wrap text-muted-foreground">{version.summary}</p> : null}
            <div className="mt-1 flex flex-wrap gap-2">
              <Button asChild variant="outline" size="sm">
                <Link to={version.current ? `${base}/preview` : `${base}/preview?version=${encodeURIComponent(version.id)}`} data-testid="version-preview">
                  <Eye aria-hidden />
                  Preview<span className="sr-only"> version {version.number}</span>
                </Link>
              </Button>
              {version.current ? null : working ? (
                <Button variant="outline" size="sm" disabled aria-describedby="restore-working-reason" data-testid="version-restore">
                  <RotateCcw aria-hidden />
                  Restore<span className="sr-only"> version {version.number}</span>
                </Button>
              ) : (
                <RestoreDialog version={version} next={next} base={base} restoring={restoring} />
              )}
            </div>
          </li>
        ))}
      </ol>
    </section>
  )
}

function RestoreDialog({ version, next, base, restoring }: { version: VersionView; next: number; base: string; restoring: string | null }) {
  return (
    <Dialog>
      <DialogTrigger asChild>
        <Button variant="outline" size="sm" data-testid="version-restore">
          <RotateCcw aria-hidden />
          Restore…<span className="sr-only"> (version {version.number})</span>
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Restore version {version.number}?</DialogTitle>
          <DialogDescription>
            This makes a copy of version {version.number} the app's current version (version {next}). Nothing is lost: the versions after it stay in
            this list, and the app's data is not changed.
          </DialogDescription>
        </DialogHeader>
        <Form method="post" action={base}>
          <input type="hidden" name="versionId" value={version.id} />
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="outline">Cancel</Button>
            </DialogClose>
            <Button type="submit" name="intent" value="restore" disabled={restoring !== null} data-testid="confirm-restore">
              {restoring === version.id ? "Restoring…" : `Restore version ${version.number}`}
            </Button>
          </DialogFooter>
        </Form>
      </DialogContent>
    </Dialog>
  )
}

const nextNumber = (versions: readonly VersionView[]) => Math.max(0, ...versions.map((version) => version.number)) + 1
