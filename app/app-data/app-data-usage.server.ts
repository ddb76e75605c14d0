// The per-scope totals behind the size cap, changed only by compare-and-set on the usage record's
// version. A write reserves what it adds before it writes and gives back what it frees after, so
// the record never shows less than is stored, concurrent writers (in any number of web processes)
// can never together pass the cap, and a crash between the two steps errs on the safe side.

import type { AppDataScope } from "#shared/apps/app-data.ts"
import { AppError } from "../errors.server.ts"
import { StoreDuplicateError, type DurableStore } from "../store/store.server.ts"
import { appDataUsage, type AppDataUsageCollection, type AppDataUsageDocument } from "./app-data-collections.server.ts"
import { scopeFullMessage, tooManyCollectionsMessage, type AppDataLimits } from "./app-data-values.server.ts"

export interface ScopeKey {
  readonly workspaceId: string
  readonly appId: string
  readonly scope: AppDataScope
}

/** What one write adds to (positive) or takes from (negative) its scope. */
export interface UsageDelta {
  readonly bytes: number
  readonly documents: number
  readonly collection: string
}

export const usageId = (key: ScopeKey) => `${key.appId}:${key.scope}`

/**
 * How often a compare-and-set is tried before the write is refused as contended. Each round one
 * writer wins, so this bounds the writers that may race on one scope at the same moment.
 */
const MAX_ATTEMPTS = 200

const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(20, 2 ** Math.min(attempt, 5))))

function applied(collections: readonly AppDataUsageCollection[], delta: UsageDelta): AppDataUsageCollection[] {
  const next = collections.map((entry) => (entry.name === delta.collection ? { ...entry, documents: entry.documents + delta.documents } : entry))
  if (!collections.some((entry) => entry.name === delta.collection) && delta.documents > 0) {
    next.push({ name: delta.collection, documents: delta.documents })
  }
  return next.filter((entry) => entry.documents > 0)
}

/** Refuses growth past the limits; shrinking is always allowed (it gives back what was reserved). */
function checkLimits(before: Pick<AppDataUsageDocument, "bytes" | "collections"> | null, delta: UsageDelta, limits: AppDataLimits): void {
  if (delta.bytes > 0 && (before?.bytes ?? 0) + delta.bytes > limits.maxScopeBytes) throw new AppError("PAYLOAD_TOO_LARGE", scopeFullMessage(limits))
  const collections = before?.collections ?? []
  if (delta.documents > 0 && !collections.some((entry) => entry.name === delta.collection) && collections.length >= limits.maxCollections) {
    throw new AppError("PAYLOAD_TOO_LARGE", tooManyCollectionsMessage(limits))
  }
}

/**
 * Applies `delta` to the scope's usage atomically. With `enforce`, growth past the limits is
 * refused (a typed 413) and nothing is written; without it (giving back) it always applies.
 */
export async function changeUsage(store: DurableStore, key: ScopeKey, delta: UsageDelta, limits: AppDataLimits, enforce: boolean): Promise<void> {
  const usage = store.collection(appDataUsage)
  const id = usageId(key)
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    if (attempt > 0) await pause(attempt)
    const current = await usage.findOne({ id })
    if (enforce) checkLimits(current, delta, limits)
    const now = new Date().toISOString()
    if (!current) {
      // The scope's first write creates its record, holding this reservation.
      try {
        await usage.insert({
          id,
          ...key,
          bytes: Math.max(0, delta.bytes),
          documents: Math.max(0, delta.documents),
          collections: applied([], delta),
          version: 1,
          updatedAt: now,
        })
        return
      } catch (error) {
        if (error instanceof StoreDuplicateError) continue
        throw error
      }
    }
    const swapped = await usage.updateOne(
      { id, version: current.version },
      {
        bytes: Math.max(0, current.bytes + delta.bytes),
        documents: Math.max(0, current.documents + delta.documents),
        collections: applied(current.collections, delta),
        version: current.version + 1,
        updatedAt: now,
      },
    )
    if (swapped) return
  }
  throw new AppError("CONFLICT", "Too many changes to this app's data at the same moment; try again.")
}

export const reserveUsage = (store: DurableStore, key: ScopeKey, delta: UsageDelta, limits: AppDataLimits) =>
  changeUsage(store, key, delta, limits, true)

export const releaseUsage = (store: DurableStore, key: ScopeKey, delta: UsageDelta, limits: AppDataLimits) =>
  changeUsage(store, key, { bytes: -delta.bytes, documents: -delta.documents, collection: delta.collection }, limits, false)

export async function readUsage(store: DurableStore, key: ScopeKey): Promise<AppDataUsageDocument | null> {
  return store.collection(appDataUsage).findOne({ id: usageId(key), workspaceId: key.workspaceId })
}
