// What a run cost, kept out of the way: a small Usage toggle beside the run's details that opens
// onto its tokens (input, output, cached) and cost, added up over the turn's usage reports
// (OpenCode reports one per step, Claude Code and Codex one per turn).

import { Info } from "lucide-react"
import type { Transcript, TranscriptPart } from "#shared/runs/transcript.ts"

type UsagePart = Extract<TranscriptPart, { kind: "usage" }>

export interface RunUsageTotals {
  readonly inputTokens: number
  readonly outputTokens: number
  readonly cachedInputTokens: number | null
  readonly costUsd: number | null
}

const addKnown = (total: number | null, value: number | null) => (value === null ? total : (total ?? 0) + value)

/** The run's usage reports added up; null when the runtime sent none. */
export function runUsageOf(parts: Transcript): RunUsageTotals | null {
  const reports = parts.filter((part): part is UsagePart => part.kind === "usage")
  if (reports.length === 0) return null
  return reports.reduce<RunUsageTotals>(
    (total, report) => ({
      inputTokens: total.inputTokens + report.inputTokens,
      outputTokens: total.outputTokens + report.outputTokens,
      cachedInputTokens: addKnown(total.cachedInputTokens, report.cachedInputTokens),
      costUsd: addKnown(total.costUsd, report.costUsd),
    }),
    { inputTokens: 0, outputTokens: 0, cachedInputTokens: null, costUsd: null },
  )
}

// A fixed locale, so the server's rendering and the browser's agree (no hydration mismatch).
const count = (n: number) => n.toLocaleString("en-US")
const dollars = (usd: number) => `$${usd < 0.01 && usd > 0 ? usd.toFixed(4) : usd.toFixed(2)}`

export function RunUsage({ parts }: { parts: Transcript }) {
  const usage = runUsageOf(parts)
  if (!usage) return null
  const rows: [string, string][] = [
    ["Input tokens", count(usage.inputTokens)],
    ["Output tokens", count(usage.outputTokens)],
    ...(usage.cachedInputTokens !== null ? [["Cached input tokens", count(usage.cachedInputTokens)] as [string, string]] : []),
    ...(usage.costUsd !== null ? [["Cost", dollars(usage.costUsd)] as [string, string]] : []),
  ]
  return (
    <details className="group" data-testid="usage">
      <summary className="inline-flex h-6 cursor-pointer list-none items-center gap-1 rounded-md px-1 hover:text-foreground [&::-webkit-details-marker]:hidden">
        <Info className="size-3.5" aria-hidden />
        Usage
      </summary>
      <dl className="mt-1 grid grid-cols-[auto_auto] justify-start gap-x-4 rounded-md border bg-card px-3 py-2 text-card-foreground">
        {rows.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-muted-foreground">{label}</dt>
            <dd className="text-right font-mono tabular-nums">{value}</dd>
          </div>
        ))}
      </dl>
    </details>
  )
}
