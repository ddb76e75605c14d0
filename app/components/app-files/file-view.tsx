// The Files panel's two parts: the list of the app's files (a link each, so a file has its own
// URL) and the chosen file's source, read-only, monospace with line numbers, scrolling sideways
// inside its box rather than widening the page. A binary file is named with its size instead.

import { Link } from "@remix-run/react"
import { cn } from "../ui/cn.ts"

export interface ShownFile {
  readonly path: string
  /** Null for a binary file. */
  readonly content: string | null
  readonly sizeBytes: number | null
}

export const formatSize = (bytes: number) => (bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1)} KB`)

/** "src/components/App.tsx" → ["src/components/", "App.tsx"]. */
const splitPath = (path: string): [string, string] => {
  const slash = path.lastIndexOf("/")
  return slash < 0 ? ["", path] : [path.slice(0, slash + 1), path.slice(slash + 1)]
}

export function FileList({ paths, selected }: { paths: readonly string[]; selected: string | null }) {
  return (
    <nav aria-label="Files" className="max-h-40 shrink-0 overflow-y-auto rounded-lg border @2xl:max-h-none @2xl:w-56">
      <ul className="grid p-1">
        {paths.map((path) => {
          const [folder, name] = splitPath(path)
          const current = path === selected
          return (
            <li key={path} className="min-w-0">
              <Link
                to={`?path=${encodeURIComponent(path)}`}
                data-testid="file-item"
                aria-current={current ? "page" : undefined}
                title={path}
                preventScrollReset
                className={cn(
                  "flex min-w-0 items-baseline rounded-md px-2 py-1 font-mono text-xs -outline-offset-2 hover:bg-accent",
                  current && "bg-accent font-medium text-accent-foreground",
                )}
              >
                {folder ? <span className="min-w-0 shrink truncate text-muted-foreground">{folder}</span> : null}
                <span className="shrink-0">{name}</span>
              </Link>
            </li>
          )
        })}
      </ul>
    </nav>
  )
}

export function FileSource({ file }: { file: ShownFile }) {
  return (
    <section className="flex min-h-64 min-w-0 flex-1 flex-col gap-2" aria-labelledby="file-source-path">
      <h2 id="file-source-path" className="truncate font-mono text-xs font-medium" title={file.path}>
        {file.path}
      </h2>
      {file.content === null ? (
        <p className="text-sm text-muted-foreground" data-testid="file-binary">
          A binary file of {formatSize(file.sizeBytes ?? 0)}: kept with the app's source, not shown here.
        </p>
      ) : (
        <SourceLines content={file.content} path={file.path} />
      )}
    </section>
  )
}

function SourceLines({ content, path }: { content: string; path: string }) {
  const lines = content.endsWith("\n") ? content.slice(0, -1).split("\n").length : content.split("\n").length
  const numbers = Array.from({ length: lines }, (_, index) => index + 1).join("\n")
  return (
    // Focusable, so the source scrolls by keyboard too.
    <div role="region" aria-label={`Source of ${path}`} tabIndex={0} className="flex min-h-0 flex-1 overflow-auto rounded-lg border bg-card font-mono text-xs leading-5 -outline-offset-2">
      {/* The numbers stay in view while the source scrolls sideways; they are not part of what is read. */}
      <pre aria-hidden className="sticky left-0 shrink-0 border-r bg-muted px-3 py-3 text-right text-muted-foreground select-none">
        {numbers}
      </pre>
      <pre className="min-w-0 flex-1 px-3 py-3 whitespace-pre" data-testid="file-content">
        {content}
      </pre>
    </div>
  )
}
