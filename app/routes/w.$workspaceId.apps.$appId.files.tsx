// An app's files, read-only: the list, and the chosen file (?path=) in full. Says which copy it
// shows: the worker's live working copy, or the last snapshot saved when a run ended (what the
// app is rebuilt from when the worker no longer has it).

import type { LoaderFunctionArgs } from "@remix-run/node"
import { Link, useLoaderData } from "@remix-run/react"
import { load } from "../trpc/caller.server.ts"

export async function loader(args: LoaderFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  const appId = args.params["appId"] ?? ""
  const { source, files, binaryFiles, skipped, skippedCount, liveProblem } = await load(args, (caller) => caller.apps.files({ workspaceId, appId }))
  const paths = [...Object.keys(files), ...Object.keys(binaryFiles)].sort((a, b) => a.localeCompare(b, "en"))
  const asked = new URL(args.request.url).searchParams.get("path")
  const found = asked !== null && (Object.hasOwn(files, asked) || Object.hasOwn(binaryFiles, asked))
  const path = found ? asked : (paths[0] ?? null)
  // Only the chosen file's content travels to the page, not the whole source; a binary one's size.
  const selected =
    path === null ? null : Object.hasOwn(files, path) ? { path, content: files[path] ?? "", sizeBytes: null } : { path, content: null, sizeBytes: binaryFiles[path] ?? 0 }
  return { source, paths, skipped, skippedCount, liveProblem, selected, missing: asked !== null && !found ? asked : null }
}

const formatSize = (bytes: number) => (bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1)} KB`)

const SOURCE_LABELS = {
  worker: "The live working copy on the agent's worker.",
  snapshot: "The last saved snapshot (taken when a run ended); the worker has no live copy right now.",
  restored: "The version you restored: the builder continues from these files with your next message.",
  none: "No files yet: the agent has not written any.",
} as const

export default function AppFiles() {
  const { source, paths, skipped, skippedCount, liveProblem, selected, missing } = useLoaderData<typeof loader>()
  return (
    <div className="files">
      <p className="muted" data-testid="files-source" data-source={source}>
        {SOURCE_LABELS[source]}
      </p>
      {liveProblem ? (
        <p className="form-error" role="alert" data-testid="files-live-problem">
          The worker's live copy cannot be shown or saved: {liveProblem} Runs keep the last snapshot that could be saved.
        </p>
      ) : null}
      {skippedCount > 0 ? (
        // Said plainly: a new worker gets the app back from snapshots, and these are not in them.
        <p className="muted" data-testid="files-skipped">
          Not shown, and not kept in saved snapshots (over 512 KB): {skipped.join(", ")}
          {skippedCount > skipped.length ? `, and ${skippedCount - skipped.length} more` : ""}
        </p>
      ) : null}
      {missing ? (
        <p className="form-error" role="alert">
          There is no file {missing} in this copy.
        </p>
      ) : null}
      {paths.length > 0 ? (
        <div className="files-layout">
          <ul className="file-list" aria-label="Files">
            {paths.map((path) => (
              <li key={path}>
                <Link
                  to={`?path=${encodeURIComponent(path)}`}
                  data-testid="file-item"
                  aria-current={path === selected?.path ? "page" : undefined}
                  preventScrollReset
                >
                  {path}
                </Link>
              </li>
            ))}
          </ul>
          {selected ? (
            <section className="file-view" aria-label={selected.path}>
              <h2 className="file-path">{selected.path}</h2>
              {selected.content === null ? (
                <p className="muted" data-testid="file-binary">
                  A binary file of {formatSize(selected.sizeBytes ?? 0)}: kept with the app's source, not shown here.
                </p>
              ) : (
                <pre data-testid="file-content">{selected.content}</pre>
              )}
            </section>
          ) : null}
        </div>
      ) : null}
    </div>
  )
}
