// "Changes since approval" on the Agents page: the approved configuration against the current one,
// + and − lines on the tokens' success and destructive tints, long unchanged stretches folded into
// a count. The lines start folded away when there are many, so the agents stay in view.

import { ChevronRight } from "lucide-react"
import { cn } from "../ui/cn.ts"
import { configDiff, type ConfigDiffRow } from "./config-diff.ts"

/** Beyond this many rows the section starts folded. */
const OPEN_ROWS = 40

const ROW_CLASSES: Readonly<Record<ConfigDiffRow["kind"], string>> = {
  add: "bg-success/15",
  remove: "bg-destructive/15",
  same: "",
  meta: "text-muted-foreground",
  fold: "bg-muted text-muted-foreground italic",
}
const MARKS: Readonly<Record<ConfigDiffRow["kind"], string>> = { add: "+", remove: "−", same: " ", meta: " ", fold: " " }

export interface ConfigDiffViewProps {
  readonly approved: unknown
  readonly current: unknown
  /** What the left side is, in words: "the approved configuration", "the last approved one". */
  readonly approvedLabel: string
  /** "live-approval": the left side is the last live approval (null: there was none), for an admin facing a mock-only one. */
  readonly since?: "approval" | "live-approval"
}

export function ConfigDiffView({ approved, current, approvedLabel, since = "approval" }: ConfigDiffViewProps) {
  const { rows, stats } = configDiff(approved, current)
  const unchanged = stats.added === 0 && stats.removed === 0
  const title = since === "live-approval" ? "Changes since the last live approval" : "Changes since approval"
  const neverLive = since === "live-approval" && (approved === null || approved === undefined)
  const stat = (
    <span className="font-mono text-xs font-normal" title={`${stats.added} lines added, ${stats.removed} removed`}>
      <span className="text-success">+{stats.added}</span> <span className="text-destructive">−{stats.removed}</span>
    </span>
  )
  return (
    <section className="grid min-w-0 gap-2" aria-labelledby="agents-changes-title" data-testid="agents-changes">
      <h2 id="agents-changes-title" className="flex flex-wrap items-center gap-x-2 text-base font-semibold tracking-tight">
        {title} {unchanged ? null : stat}
      </h2>
      <p className="text-sm text-muted-foreground">
        {neverLive
          ? "Nothing has been approved for live calls yet: every line of the current agents.json is new to a live review."
          : unchanged
            ? `The current configuration is the same as ${approvedLabel}.`
            : `Lines marked − are in ${approvedLabel}; lines marked + are in the current agents.json.`}
      </p>
      {unchanged ? null : (
        <details className="group min-w-0" open={rows.length <= OPEN_ROWS}>
          <summary className="flex w-fit cursor-pointer list-none items-center gap-1.5 rounded-md py-1 text-sm font-medium text-primary hover:underline [&::-webkit-details-marker]:hidden">
            <ChevronRight className="size-4 shrink-0 transition-transform group-open:rotate-90 motion-reduce:transition-none" aria-hidden />
            {rows.length > OPEN_ROWS ? `The changed lines (${stats.added + stats.removed})` : "The changed lines"}
          </summary>
          <pre tabIndex={0} className="mt-2 max-h-[32rem] overflow-auto rounded-lg border bg-muted py-2 text-xs leading-5" aria-label={`${title}, line by line`} data-testid="agents-diff">
            {/* Long lines wrap (a changed URL or prompt stays in view on a phone) instead of scrolling sideways. */}
            <code className="grid min-w-0">
              {rows.map((row, index) => (
                <span key={index} className={cn("min-h-5 min-w-0 px-3 whitespace-pre-wrap wrap-anywhere", ROW_CLASSES[row.kind])} data-kind={row.kind} data-testid="agents-diff-line">
                  <span className="text-muted-foreground select-none" aria-hidden>
                    {MARKS[row.kind]}{" "}
                  </span>
                  {row.kind === "fold" ? (
                    `⋯ ${row.count} unchanged lines`
                  ) : (
                    <>
                      {row.kind === "add" ? <span className="sr-only">Added: </span> : row.kind === "remove" ? <span className="sr-only">Removed: </span> : null}
                      {row.text}
                    </>
                  )}
                </span>
              ))}
            </code>
          </pre>
        </details>
      )}
    </section>
  )
}
