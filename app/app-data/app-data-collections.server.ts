// Where an app's own data is stored: one record per document, and one usage record per app and
// scope that keeps the scope's totals, so the size cap is checked (and reserved) in one atomic
// compare-and-set instead of summing every document on each write.

import type { AppDataScope } from "#shared/apps/app-data.ts"
import { defineCollection, type StoredDocument } from "../store/store.server.ts"

export interface AppDataRecord extends StoredDocument {
  readonly workspaceId: string
  readonly appId: string
  readonly scope: AppDataScope
  readonly collection: string
  /**
   * The document's fields as JSON text. NOTE: text, not a nested object, because app data is
   * whatever the app sends: MongoDB refuses field names with NUL and treats `$` and `.` in names
   * specially, and a stored string reads back byte for byte from either engine.
   */
  readonly dataJson: string
  /** UTF-8 bytes of dataJson: what counts against the document and scope limits. */
  readonly sizeBytes: number
  /**
   * Unique and increasing: the creation time (ISO) and the id. Lists read in this order, oldest
   * first, and a cursor is the last key read, so a page never repeats or skips a document when
   * others are inserted meanwhile.
   */
  readonly sortKey: string
  /** Bumped on every update: an update or delete applies only to the version it read. */
  readonly version: number
  readonly createdAt: string
  readonly updatedAt: string
}

export interface AppDataUsageCollection {
  readonly name: string
  readonly documents: number
}

/** One per app and scope; id `${appId}:${scope}`. Never below what is stored (reserve first, release after). */
export interface AppDataUsageDocument extends StoredDocument {
  readonly workspaceId: string
  readonly appId: string
  readonly scope: AppDataScope
  readonly bytes: number
  readonly documents: number
  /** A list rather than a map: collection names are the app's, and must never become object keys. */
  readonly collections: readonly AppDataUsageCollection[]
  /** Compare-and-set: every change names the version it read. */
  readonly version: number
  readonly updatedAt: string
}

export const appData = defineCollection<AppDataRecord>({
  name: "app_data",
  indexes: [
    // Equality on the first four, then the cursor's range in order: a page costs the same at the
    // end of a collection as at its start. The id last serves the sort's tie-break (MongoDB).
    { name: "app_scope_collection_sort", fields: ["workspaceId", "appId", "scope", "collection", "sortKey", "id"] },
    { name: "sort_key_unique", fields: ["sortKey"], unique: true },
  ],
})

export const appDataUsage = defineCollection<AppDataUsageDocument>({
  name: "app_data_usage",
  indexes: [{ name: "workspace_app", fields: ["workspaceId", "appId"] }],
})

export const appDataCollections = [appData, appDataUsage] as const
