// A usage table: one row per group (a day, an app, a person, a runtime) with its runs, tokens and
// cost, and the totals; a cost that is partly estimated is marked, with a note saying what that means.

import { cn } from "../ui/cn.ts"
import { ESTIMATED_NOTE, formatCount, formatUsd } from "./usage-format.ts"

export interface UsageFiguresView {
  readonly runs: number
  readonly inputTokens: number
  readonly outputTokens: number
  readonly cachedInputTokens: number
  readonly costUsd: number
  readonly estimated: boolean
}

export interface UsageRowView extends UsageFiguresView {
  readonly key: string
  readonly label: string
}

function Cost({ figures }: { figures: UsageFiguresView }) {
  return (
    <span className="whitespace-nowrap">
      {formatUsd(figures.costUsd)}
      {figures.estimated ? (
        <span className="ml-1 text-xs font-normal text-warning" title={ESTIMATED_NOTE}>
          (estimated)
        </span>
      ) : null}
    </span>
  )
}

const NUMBER = "px-3 py-2 text-right tabular-nums"

export function UsageTable({ caption, groupLabel, rows, totals }: { caption: string; groupLabel: string; rows: readonly UsageRowView[]; totals: UsageFiguresView }) {
  return (
    <div className="grid gap-2">
      {/* Scrolls sideways inside itself on a phone; focusable so the keyboard can scroll it too. */}
      <div className="overflow-x-auto rounded-xl border bg-card focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring" tabIndex={0} role="region" aria-label={caption}>
        <table className="w-full min-w-[36rem] text-sm">
          <caption className="sr-only">{caption}</caption>
          <thead className="border-b text-xs text-muted-foreground">
            <tr>
              <th scope="col" className="px-3 py-2 text-left font-medium">
                {groupLabel}
              </th>
              <th scope="col" className={cn(NUMBER, "font-medium")}>
                Runs
              </th>
              <th scope="col" className={cn(NUMBER, "font-medium")}>
                Input tokens
              </th>
              <th scope="col" className={cn(NUMBER, "font-medium")}>
                Cached input
              </th>
              <th scope="col" className={cn(NUMBER, "font-medium")}>
                Output tokens
              </th>
              <th scope="col" className={cn(NUMBER, "font-medium")}>
                Cost
              </th>
            </tr>
          </thead>
          <tbody className="divide-y">
            {rows.map((row) => (
              <tr key={row.key} data-testid="usage-row">
                <th scope="row" className="max-w-64 truncate px-3 py-2 text-left font-medium" title={row.label}>
                  {row.label}
                </th>
                <Figures figures={row} />
              </tr>
            ))}
          </tbody>
          <tfoot className="border-t bg-muted/40 font-semibold" data-testid="usage-totals">
            <tr>
              <th scope="row" className="px-3 py-2 text-left">
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

function Figures({ figures }: { figures: UsageFiguresView }) {
  return (
    <>
      <td className={NUMBER}>{formatCount(figures.runs)}</td>
      <td className={NUMBER}>{formatCount(figures.inputTokens)}</td>
      <td className={NUMBER}>{formatCount(figures.cachedInputTokens)}</td>
      <td className={NUMBER}>{formatCount(figures.outputTokens)}</td>
      <td className={NUMBER}>
        <Cost figures={figures} />
      </td>
    </>
  )
}
