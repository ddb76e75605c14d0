// A usage report as CSV (RFC 4180): a header row, one row per group, then the totals; CRLF line
// ends; a field with a comma, quote or line break is quoted, its quotes doubled.

import type { UsageReport } from "./usage-report.server.ts"
import { csvQuoted, spreadsheetText } from "../text/csv.ts"

export const USAGE_CSV_HEADER = ["key", "label", "runs", "input_tokens", "output_tokens", "cached_input_tokens", "cost_usd", "cost_estimated"] as const

// Names are typed by people, so they are kept as text (spreadsheetText); the figures are the server's numbers.


export function usageCsv(report: Pick<UsageReport, "rows" | "totals">): string {
  const line = (fields: readonly string[]) => fields.map(csvQuoted).join(",")
  const figures = (row: UsageReport["totals"]) => [
    String(row.runs),
    String(row.inputTokens),
    String(row.outputTokens),
    String(row.cachedInputTokens),
    row.costUsd.toFixed(6),
    row.estimated ? "yes" : "no",
  ]
  return [
    line(USAGE_CSV_HEADER),
    ...report.rows.map((row) => line([spreadsheetText(row.key), spreadsheetText(row.label), ...figures(row)])),
    line(["", "Total", ...figures(report.totals)]),
  ]
    .map((text) => `${text}\r\n`)
    .join("")
}

export const usageCsvFileName = (report: Pick<UsageReport, "from" | "to" | "groupBy">) => `usage-by-${report.groupBy}-${report.from}-to-${report.to}.csv`
