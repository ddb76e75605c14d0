// What a reviewer reads before approving: the draft against the app's current release — the
// agents and their permissions and the integrations first (what the app may do), then the app's own
// source files (counts, and a unified diff per file that opens on demand), and last, collapsed, the
// platform's scaffold and configuration files. Added and removed lines are tinted AND marked + / − (colour
// alone does not tell them apart for everyone); the diff scrolls sideways inside itself on a phone.

import { ChevronRight } from "lucide-react"
import type { DiffLineKind, FileChange, PolicyChange, ReviewDiff } from "#shared/publishing/publishing.ts"
import { Badge } from "../ui/badge.tsx"
import { cn } from "../ui/cn.ts"
import { isPlatformFile, lineCount } from "./platform-files.ts"

const LINE_CLASSES: Readonly<Record<DiffLineKind, string>> = {
  added: "bg-success/15",
  removed: "bg-destructive/15",
  context: "",
}
const MARKS: Readonly<Record<DiffLineKind, string>> = { added: "+", removed: "−", context: " " }
const CHANGE_WORDS: Readonly<Record<FileChange["change"], string>> = { added: "new", removed: "deleted", changed: "changed" }
const CHANGE_TONES = { added: "success", removed: "destructive", changed: "outline" } as const

/** A file's diff opens by itself when the whole review is this small. */
const OPEN_WHEN_FEWER_LINES = 60

export function ReviewDiffView({ diff }: { diff: ReviewDiff }) {
  const own = diff.files.filter((file) => !isPlatformFile(file.path))
  const platform = diff.files.filter((file) => isPlatformFile(file.path))
  const totalLines = own.reduce((sum, file) => sum + (file.lines?.length ?? 0), 0)
  return (
    <div className="grid min-w-0 gap-6" data-testid="review-diff">
      <PolicyChanges title="Agents and permissions" id="review-agents-title" changes={diff.agents} none="No agent, tool or permission changed." testId="review-agents" />
      <PolicyChanges title="Integrations" id="review-integrations-title" changes={diff.integrations} none="No integration changed." testId="review-integrations" />
      <section className="grid min-w-0 gap-2" aria-labelledby="review-files-title">
        <h2 id="review-files-title" className="text-base font-semibold tracking-tight">
          Files
        </h2>
        <p className="text-sm text-muted-foreground">
          {diff.base
            ? `Compared with release ${diff.base.releaseNumber} (built as version ${diff.base.versionNumber}), which colleagues use now.`
            : "Nothing of this app is published yet: every file is new to its colleagues."}
        </p>
        {diff.files.length === 0 ? <p className="text-sm">No source file changed.</p> : null}
        {own.length > 0 ? (
          <ul className="grid min-w-0 gap-2" aria-label="The app's changed files">
            {own.map((file) => (
              <FileDiff key={file.path} file={file} open={totalLines <= OPEN_WHEN_FEWER_LINES} />
            ))}
          </ul>
        ) : diff.files.length > 0 ? (
          <p className="text-sm">None of the app's own files changed.</p>
        ) : null}
        {platform.length > 0 ? (
          <details className="group min-w-0 rounded-lg border" data-testid="review-platform-files">
            <summary className="flex min-w-0 cursor-pointer list-none items-center gap-2 rounded-lg px-3 py-2 text-sm font-medium hover:bg-accent [&::-webkit-details-marker]:hidden">
              <ChevronRight className="size-4 shrink-0 transition-transform group-open:rotate-90 motion-reduce:transition-none" aria-hidden />
              Platform and configuration files ({platform.length})
            </summary>
            <ul className="grid min-w-0 gap-2 border-t p-2" aria-label="Platform and configuration files">
              {platform.map((file) => (
                <FileDiff key={file.path} file={file} open={false} />
              ))}
            </ul>
          </details>
        ) : null}
        {diff.filesNotShown > 0 ? (
          <p className="text-sm text-muted-foreground" data-testid="files-not-shown">
            And {diff.filesNotShown} more {diff.filesNotShown === 1 ? "file" : "files"} not shown here.
          </p>
        ) : null}
      </section>
    </div>
  )
}

function LineCounts({ added, removed }: { added: number; removed: number }) {
  return (
    <span className="shrink-0 font-mono text-xs" title={`${lineCount(added)} added, ${lineCount(removed)} removed`}>
      <span className="text-success" aria-hidden>
        +{added}
      </span>{" "}
      <span className="text-destructive" aria-hidden>
        −{removed}
      </span>
      <span className="sr-only">
        {lineCount(added)} added, {lineCount(removed)} removed
      </span>
    </span>
  )
}

function FileDiff({ file, open }: { file: FileChange; open: boolean }) {
  const heading = (
    <>
      <span className="min-w-0 flex-1 font-mono text-sm break-all">{file.path}</span>
      <Badge variant={CHANGE_TONES[file.change]}>{CHANGE_WORDS[file.change]}</Badge>
      <LineCounts added={file.addedLines} removed={file.removedLines} />
    </>
  )
  return (
    <li className="min-w-0 rounded-lg border bg-card" data-testid="review-file" data-path={file.path}>
      {file.lines === null ? (
        <div className="flex min-w-0 flex-wrap items-center gap-2 px-3 py-2">
          {heading}
          <span className="w-full text-xs text-muted-foreground">Binary, or too large to show line by line.</span>
        </div>
      ) : (
        <details className="group min-w-0" open={open}>
          <summary className="flex min-w-0 cursor-pointer list-none flex-wrap items-center gap-2 rounded-lg px-3 py-2 hover:bg-accent [&::-webkit-details-marker]:hidden">
            <ChevronRight className="size-4 shrink-0 transition-transform group-open:rotate-90 motion-reduce:transition-none" aria-hidden />
            {heading}
          </summary>
          {/* Code keeps its lines: the block scrolls sideways (focusable, so the keyboard can scroll it too). */}
          <pre
            tabIndex={0}
            className="max-h-[32rem] overflow-auto border-t bg-muted py-2 text-xs leading-5"
            aria-label={`Changes to ${file.path}, line by line`}
            data-testid="review-file-diff"
          >
            <code className="grid w-max min-w-full">
              {file.lines.map((line, index) => (
                <span key={index} className={cn("min-h-5 px-3 whitespace-pre", LINE_CLASSES[line.kind])} data-kind={line.kind}>
                  <span className="text-muted-foreground select-none" aria-hidden>
                    {MARKS[line.kind]}{" "}
                  </span>
                  {line.kind === "added" ? <span className="sr-only">Added: </span> : line.kind === "removed" ? <span className="sr-only">Removed: </span> : null}
                  {line.text}
                </span>
              ))}
            </code>
          </pre>
        </details>
      )}
    </li>
  )
}

function PolicyChanges({ title, id, changes, none, testId }: { title: string; id: string; changes: readonly PolicyChange[]; none: string; testId: string }) {
  return (
    <section className="grid min-w-0 gap-2" aria-labelledby={id} data-testid={testId}>
      <h2 id={id} className="text-base font-semibold tracking-tight">
        {title}
      </h2>
      {changes.length === 0 ? <p className="text-sm text-muted-foreground">{none}</p> : null}
      <ul className="grid min-w-0 gap-2">
        {changes.map((change) => (
          <li key={`${change.kind}:${change.subject}`} className="grid min-w-0 gap-1 rounded-lg border bg-card px-3 py-2" data-testid="policy-change">
            <div className="flex min-w-0 flex-wrap items-center gap-2">
              <span className="text-xs text-muted-foreground">{change.kind}</span>
              <span className="min-w-0 font-mono text-sm break-all">{change.subject}</span>
              <Badge variant={CHANGE_TONES[change.change]}>{change.change === "changed" ? "changed" : change.change === "added" ? "+ added" : "− removed"}</Badge>
            </div>
            {change.details.length > 0 ? (
              <ul className="grid list-disc gap-0.5 pl-5 text-sm break-words">
                {change.details.map((detail, index) => (
                  <li key={index}>{detail}</li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  )
}
