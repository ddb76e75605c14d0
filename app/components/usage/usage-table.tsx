// A usage table: one row per group (a day, an app, a person, a runtime) with its cost, runs and
// tokens, and the totals; a cost that is partly estimated is marked, with a note saying what that means.

import type { UsageFigures, UsageRow } from "#shared/usage/usage-figures.ts"
import { cn } from "../ui/cn.ts"
import { ESTIMATED_NOTE, formatCount, formatUsd } from "./usage-format.ts"

function Cost({ figures }: { figures: UsageFigures }) {
  return (
    <>
      <span className="whitespace-nowrap">{formatUsd(figures.costUsd)}</span>
      {figures.estimated ? (
        <span className="ml-1 whitespace-nowrap text-xs font-normal text-warning" title={ESTIMATED_NOTE}>
          (estimated)
        </span>
      ) : null}
    </>
  )
}

const COUNTS = [
  { key: "runs", label: "Runs", short: "Runs" },
  { key: "inputTokens", label: "Input tokens", short: "Input" },
  { key: "cachedInputTokens", label: "Cached input", short: "Cached" },
  { key: "outputTokens", label: "Output tokens", short: "Output" },
] as const satisfies readonly { key: keyof UsageFigures; label: string; short: string }[]

// Cost comes right after the label, so it is never the column that scrolls out of sight. On a
// phone each row is a card (label and cost on top, the counts labelled two by two below, nothing
// sideways); wider, a real table row.
const ROW = "grid grid-cols-2 gap-x-4 gap-y-1 px-3 py-2.5 sm:table-row sm:p-0"
const CELL = "sm:px-3 sm:py-2"
const NUMBER = "tabular-nums sm:text-right"

export function UsageTable({ caption, groupLabel, rows, totals }: { caption: string; groupLabel: string; rows: readonly UsageRow[]; totals: UsageFigures }) {
  return (
    <div className="grid gap-2">
      {/* Wider than a phone the table may scroll sideways inside itself; focusable so the keyboard can scroll it too. */}
      <div className="rounded-xl border bg-card focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring sm:overflow-x-auto" tabIndex={0} role="region" aria-label={caption}>
        <table className="block w-full text-sm sm:table sm:min-w-[36rem]">
          <caption className="sr-only">{caption}</caption>
          <thead className="hidden border-b text-xs text-muted-foreground sm:table-header-group">
            <tr>
              <th scope="col" className={cn(CELL, "text-left font-medium")}>
                {groupLabel}
              </th>
              <th scope="col" className={cn(CELL, NUMBER, "font-medium")}>
                Cost
              </th>
              {COUNTS.map(({ key, label }) => (
                <th key={key} scope="col" className={cn(CELL, NUMBER, "font-medium")}>
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="block divide-y sm:table-row-group">
            {rows.map((row) => (
              <tr key={row.key} data-testid="usage-row" className={ROW}>
                <th scope="row" className={cn(CELL, "min-w-0 break-words text-left font-medium sm:max-w-64 sm:truncate")} title={row.label}>
                  {row.label}
                </th>
                <Figures figures={row} />
              </tr>
            ))}
          </tbody>
          <tfoot className="block border-t bg-muted/40 font-semibold sm:table-footer-group" data-testid="usage-totals">
            <tr className={ROW}>
              <th scope="row" className={cn(CELL, "text-left")}>
                Total
              </th>
              <Figures figures={totals} />
            </tr>
          </tfoot>
        </table>
      </div>
      {totals.estimated ? <p className="text-xs text-muted-foreground">{ESTIMATED_NOTE}</p> : null}
    </div>
  )
}

function Figures({ figures }: { figures: UsageFigures }) {
  return (
    <>
      <td className={cn(CELL, NUMBER, "text-right")}>
        <Cost figures={figures} />
      </td>
      {COUNTS.map(({ key, short }) => (
        <td key={key} className={cn(CELL, NUMBER, "flex min-w-0 items-baseline justify-between gap-2 sm:table-cell")}>
          {/* The column's name, on a phone only (the table's header is hidden there). */}
          <span className="text-xs font-normal text-muted-foreground sm:hidden">{short}</span>
          {formatCount(figures[key])}
        </td>
      ))}
    </>
  )
}
