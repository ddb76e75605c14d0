// An app's own usage, for the people who build it: what its builder turns and agent runs used and
// cost over the last days, in total and by day.

import type { UsageFigures, UsageRow } from "#shared/usage/usage-figures.ts"
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../ui/card.tsx"
import { ESTIMATED_NOTE, formatCount, formatUsd } from "./usage-format.ts"
import { UsageTable } from "./usage-table.tsx"

export interface AppUsageView {
  readonly from: string
  readonly to: string
  readonly days: readonly UsageRow[]
  readonly totals: UsageFigures
}

export function AppUsageCard({ usage }: { usage: AppUsageView }) {
  const { totals } = usage
  return (
    <Card data-testid="app-usage">
      <CardHeader>
        <CardTitle>Usage</CardTitle>
        <CardDescription>
          Builder turns and agent runs of this app from {usage.from} to {usage.to} (UTC).
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-3">
        {totals.runs === 0 ? (
          <p className="text-sm text-muted-foreground">No runs reported usage in these days.</p>
        ) : (
          <>
            <p className="text-sm" data-testid="app-usage-summary">
              {formatCount(totals.runs)} {totals.runs === 1 ? "run" : "runs"} · {formatCount(totals.inputTokens + totals.outputTokens)} tokens ·{" "}
              <span className="font-medium">{formatUsd(totals.costUsd)}</span>
              {totals.estimated ? (
                <span className="text-muted-foreground" title={ESTIMATED_NOTE}>
                  {" "}
                  (estimated)
                </span>
              ) : null}
            </p>
            <UsageTable caption="This app's usage by day" groupLabel="Day" rows={usage.days} totals={totals} />
          </>
        )}
      </CardContent>
    </Card>
  )
}
