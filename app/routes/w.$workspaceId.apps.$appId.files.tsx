// An app's files, read-only: the list, and the chosen file (?path=) in full. Says which copy it
// shows: the worker's live working copy, or the last snapshot saved when a run ended (what the
// app is rebuilt from when the worker no longer has it).

import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { useLoaderData } from "@remix-run/react"
import { FileCode2 } from "lucide-react"
import { FileList, FileSource } from "../components/app-files/file-view.tsx"
import { EmptyState } from "../components/ui/empty-state.tsx"
import { Notice } from "../components/ui/notice.tsx"
import { appNameIn } from "../components/app-workspace/panel-context.ts"
import { pageTitle, workspaceNameIn } from "../text/page-title.ts"
import { load } from "../trpc/caller.server.ts"

export const meta: MetaFunction = ({ matches }) => pageTitle("Files", appNameIn(matches), workspaceNameIn(matches))

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

const SOURCE_LABELS = {
  worker: "The live working copy on the agent's worker.",
  snapshot: "The last saved snapshot (taken when a run ended); the worker has no live copy right now.",
  restored: "The version you restored: the builder continues from these files with your next message.",
  none: "No files yet.",
} as const

export default function AppFiles() {
  const { source, paths, skipped, skippedCount, liveProblem, selected, missing } = useLoaderData<typeof loader>()
  return (
    <div className="flex min-h-0 min-w-0 flex-1 flex-col gap-3">
      <p className="text-sm text-muted-foreground" data-testid="files-source" data-source={source}>
        {SOURCE_LABELS[source]}
      </p>
      {liveProblem ? (
        <Notice tone="error" data-testid="files-live-problem">
          The worker's live copy cannot be shown or saved: {liveProblem} Runs keep the last snapshot that could be saved.
        </Notice>
      ) : null}
      {skippedCount > 0 ? (
        // Said plainly: a new worker gets the app back from snapshots, and these are not in them.
        <p className="text-sm break-words text-muted-foreground" data-testid="files-skipped">
          Not shown, and not kept in saved snapshots (over 512 KB): {skipped.join(", ")}
          {skippedCount > skipped.length ? `, and ${skippedCount - skipped.length} more` : ""}
        </p>
      ) : null}
      {missing ? <Notice tone="error">There is no file {missing} in this copy; pick one from the list.</Notice> : null}
      {paths.length > 0 ? (
        <div className="flex min-h-0 min-w-0 flex-1 flex-col gap-3 @2xl:flex-row">
          <FileList paths={paths} selected={selected?.path ?? null} />
          {selected ? <FileSource file={selected} /> : null}
        </div>
      ) : (
        <EmptyState icon={FileCode2} title="No files yet">
          The agent writes the app's source as it builds; ask for something in the chat and its files appear here.
        </EmptyState>
      )}
    </div>
  )
}
