// Usage figures over a range of days: the stored usage documents read one day at a time in pages
// (never the whole range at once), added up per group (day, app, person, runtime) and in total.
// A group is "estimated" when any of its runs was priced by the price table or could not be priced.

import { roundUsd } from "#shared/usage/price-table.ts"
import type { UsageFigures, UsageRow } from "#shared/usage/usage-figures.ts"
import type { UsageGroup, UsageRange } from "#shared/usage/usage-range.ts"
import { runtimeLabel } from "#shared/runtime/runtime-labels.ts"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { apps, users } from "../store/collections.server.ts"
import type { DurableStore, Filter } from "../store/store.server.ts"
import { usageRecords, type UsageDocument } from "./usage-collections.server.ts"

/** How many documents one store read returns. */
export const USAGE_PAGE_SIZE = 500

export interface UsageReport {
  readonly from: string
  readonly to: string
  readonly groupBy: UsageGroup
  readonly rows: UsageRow[]
  readonly totals: UsageFigures
}

const EMPTY: UsageFigures = { runs: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, costUsd: 0, estimated: false }

const add = (figures: UsageFigures, record: UsageDocument): UsageFigures => ({
  runs: figures.runs + 1,
  inputTokens: figures.inputTokens + record.inputTokens,
  outputTokens: figures.outputTokens + record.outputTokens,
  cachedInputTokens: figures.cachedInputTokens + record.cachedInputTokens,
  costUsd: figures.costUsd + (record.costUsd ?? 0),
  estimated: figures.estimated || record.costSource !== "runtime",
})

const rounded = (figures: UsageFigures): UsageFigures => ({ ...figures, costUsd: roundUsd(figures.costUsd) })

type Scope = { readonly workspaceId: string } & ({ readonly appId?: undefined } | { readonly appId: string })

/** Calls `visit` with every usage document of the scope in the range, a page at a time. */
export async function forEachUsageRecord(store: DurableStore, scope: Scope, range: UsageRange, visit: (record: UsageDocument) => void): Promise<void> {
  const collection = store.collection(usageRecords)
  for (const day of range.days) {
    let after: string | null = null
    for (;;) {
      const filter: Filter<UsageDocument> = {
        workspaceId: scope.workspaceId,
        ...(scope.appId !== undefined ? { appId: scope.appId } : {}),
        day,
        ...(after !== null ? { id: { gt: after } } : {}),
      }
      const page = await collection.findMany(filter, { sort: [["id", 1]], limit: USAGE_PAGE_SIZE })
      page.forEach(visit)
      if (page.length < USAGE_PAGE_SIZE) break
      after = page[page.length - 1]!.id
    }
  }
}

const KEY_OF: Record<UsageGroup, (record: UsageDocument) => string> = {
  day: (record) => record.day,
  app: (record) => record.appId,
  person: (record) => record.userId,
  runtime: (record) => record.runtime,
}

/** Adds up the scope's usage in the range, per group. Days read oldest first; other groups by cost, highest first. */
export async function usageReport(store: DurableStore, scope: Scope, range: UsageRange, groupBy: UsageGroup): Promise<UsageReport> {
  const groups = new Map<string, UsageFigures>()
  let totals = EMPTY
  await forEachUsageRecord(store, scope, range, (record) => {
    const key = KEY_OF[groupBy](record)
    groups.set(key, add(groups.get(key) ?? EMPTY, record))
    totals = add(totals, record)
  })
  const labels = await labelsFor(store, scope.workspaceId, groupBy, [...groups.keys()])
  const rows = [...groups].map(([key, figures]) => ({ key, label: labels.get(key) ?? key, ...rounded(figures) }))
  rows.sort(groupBy === "day" ? (a, b) => a.key.localeCompare(b.key) : (a, b) => b.costUsd - a.costUsd || b.inputTokens - a.inputTokens || a.label.localeCompare(b.label))
  return { from: range.from, to: range.to, groupBy, rows, totals: rounded(totals) }
}

/** What a person reads for each key: the app's or person's name (deleted ones say so), the runtime's name. */
async function labelsFor(store: DurableStore, workspaceId: string, groupBy: UsageGroup, keys: readonly string[]): Promise<Map<string, string>> {
  if (groupBy === "day" || keys.length === 0) return new Map(keys.map((key) => [key, key]))
  if (groupBy === "runtime") return new Map(keys.map((key) => [key, runtimeLabel(key as RuntimeId)]))
  const labels = new Map<string, string>()
  // Bounded by the range's distinct apps or people, read in slices.
  for (let start = 0; start < keys.length; start += USAGE_PAGE_SIZE) {
    const slice = keys.slice(start, start + USAGE_PAGE_SIZE)
    if (groupBy === "app") {
      for (const app of await store.collection(apps).findMany({ id: { in: slice }, workspaceId })) labels.set(app.id, app.name)
    } else {
      for (const user of await store.collection(users).findMany({ id: { in: slice } })) labels.set(user.id, user.displayName || user.email)
    }
  }
  const missing = groupBy === "app" ? "Deleted app" : "Former member"
  return new Map(keys.map((key) => [key, labels.get(key) ?? missing]))
}
