// Where usage is kept: one document per builder run or agent run that reported tokens, written
// once when the run settles (app/usage/record-usage.server.ts) and read by day ranges for the
// Usage page, its CSV and each app's own figures (app/usage/usage-report.server.ts).

import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { defineCollection, type StoredDocument } from "../store/store.server.ts"

export type UsageRunKind = "builder" | "agent"

/** "runtime": the runtime reported the cost; "price_table": estimated (shared/usage/price-table.ts); "unknown": neither. */
export type UsageCostSource = "runtime" | "price_table" | "unknown"

export interface UsageDocument extends StoredDocument {
  readonly workspaceId: string
  readonly appId: string
  readonly runKind: UsageRunKind
  readonly runId: string
  /** Who sent the builder message or triggered the agent run. */
  readonly userId: string
  readonly runtime: RuntimeId
  /** As the run asked for it; null: the runtime's default. */
  readonly model: string | null
  /** The UTC day (yyyy-mm-dd) the run ended: what ranges and the by-day view count by. */
  readonly day: string
  /** Everything the model read, the cached share included. */
  readonly inputTokens: number
  readonly outputTokens: number
  readonly cachedInputTokens: number
  /** Null only when costSource is "unknown". */
  readonly costUsd: number | null
  readonly costSource: UsageCostSource
  /** The price table's date when it priced the run; null otherwise. */
  readonly priceTableDate: string | null
  readonly createdAt: string
}

export const usageRecords = defineCollection<UsageDocument>({
  name: "usage_records",
  indexes: [
    // A settlement that runs again (a retry, a second process) must not count a run twice.
    { name: "run_unique", fields: ["runId"], unique: true },
    // Reports read one day at a time, in id order (the store's cursor pattern).
    { name: "workspace_day", fields: ["workspaceId", "day", "id"] },
    { name: "app_day", fields: ["appId", "day", "id"] },
  ],
})

export const usageCollections = [usageRecords] as const
