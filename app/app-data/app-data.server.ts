// An app's own data: list, get, insert, update (a shallow merge of fields), remove, and the
// collections it has, in one scope (draft or published). Callers have authorized the app already
// (the tRPC router, the builder's tools); this module owns the limits, the atomic bookkeeping of
// each scope's size, and announcing every successful write to the app's open previews.

import { APP_DATA_LIMITS, type AppDataChange, type AppDataDocument, type AppDataPage } from "#shared/apps/app-data.ts"
import { newId } from "#shared/ids.ts"
import type { LiveCoordination } from "#shared/live/live.server.ts"
import { AppError, notFound } from "../errors.server.ts"
import type { Log } from "../log.server.ts"
import type { DurableStore } from "../store/store.server.ts"
import { appData, appDataUsage, type AppDataRecord } from "./app-data-collections.server.ts"
import { publishAppDataChange } from "./app-data-changes.server.ts"
import { readUsage, releaseUsage, reserveUsage, type ScopeKey, type UsageDelta } from "./app-data-usage.server.ts"
import {
  decodeCursor,
  encodeCursor,
  isDocumentId,
  nextSortKey,
  requireCollectionName,
  requireDocumentData,
  type AppDataLimits,
} from "./app-data-values.server.ts"

export interface AppDataServices {
  readonly store: DurableStore
  readonly live: LiveCoordination
  readonly log: Log
}

/** Which data: an app's scope. */
export type AppDataTarget = ScopeKey

export interface AppDataOptions {
  /** The limits to enforce (tests shrink them). */
  readonly limits?: AppDataLimits
}

/** Rounds of read-then-compare-and-set before a write to one much-contended document gives up. */
const MAX_DOCUMENT_ATTEMPTS = 50

const documentNotFound = () => notFound("Document")

function toDocument(record: AppDataRecord): AppDataDocument {
  return {
    id: record.id,
    collection: record.collection,
    data: JSON.parse(record.dataJson) as Record<string, unknown>,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  }
}

const where = (target: AppDataTarget, collection: string) => ({
  workspaceId: target.workspaceId,
  appId: target.appId,
  scope: target.scope,
  collection,
})

async function findRecord(services: AppDataServices, target: AppDataTarget, collection: string, id: string): Promise<AppDataRecord | null> {
  if (!isDocumentId(id)) return null
  return services.store.collection(appData).findOne({ id, ...where(target, collection) })
}

/** Gives back what a write reserved or freed; a failure only leaves the total too high (safe), so it is logged, not thrown. */
async function release(services: AppDataServices, target: AppDataTarget, delta: UsageDelta, limits: AppDataLimits): Promise<void> {
  if (delta.bytes === 0 && delta.documents === 0) return
  await releaseUsage(services.store, target, delta, limits).catch((error: unknown) =>
    services.log.warn("app data: usage not given back; the scope counts more than it holds", { appId: target.appId, scope: target.scope, error }),
  )
}

function announce(services: AppDataServices, target: AppDataTarget, change: Omit<AppDataChange, "appId" | "scope">): void {
  void publishAppDataChange(services.live, services.log, target.workspaceId, { appId: target.appId, scope: target.scope, ...change })
}

export interface ListInput {
  readonly collection: string
  readonly cursor?: string | null | undefined
  readonly limit?: number | null | undefined
}

/** One page of a collection, oldest first. */
export async function listDocuments(services: AppDataServices, target: AppDataTarget, input: ListInput): Promise<AppDataPage> {
  const collection = requireCollectionName(input.collection)
  const limit = input.limit ?? APP_DATA_LIMITS.defaultPageSize
  if (!Number.isInteger(limit) || limit < 1 || limit > APP_DATA_LIMITS.maxPageSize) {
    throw new AppError("BAD_REQUEST", `limit must be a whole number from 1 to ${APP_DATA_LIMITS.maxPageSize}.`)
  }
  const after = input.cursor ? decodeCursor(input.cursor) : null
  // One more than asked tells whether another page follows, without a count.
  const records = await services.store
    .collection(appData)
    .findMany({ ...where(target, collection), ...(after === null ? {} : { sortKey: { gt: after } }) }, { sort: [["sortKey", 1]], limit: limit + 1 })
  const page = records.slice(0, limit)
  return { documents: page.map(toDocument), nextCursor: records.length > limit ? encodeCursor(page.at(-1)!.sortKey) : null }
}

export async function getDocument(services: AppDataServices, target: AppDataTarget, collectionName: string, id: string): Promise<AppDataDocument> {
  const record = await findRecord(services, target, requireCollectionName(collectionName), id)
  if (!record) throw documentNotFound()
  return toDocument(record)
}

export async function insertDocument(
  services: AppDataServices,
  target: AppDataTarget,
  collectionName: string,
  data: unknown,
  options: AppDataOptions = {},
): Promise<AppDataDocument> {
  const limits = options.limits ?? APP_DATA_LIMITS
  const collection = requireCollectionName(collectionName)
  const checked = requireDocumentData(data, limits)
  const delta: UsageDelta = { bytes: checked.sizeBytes, documents: 1, collection }
  await reserveUsage(services.store, target, delta, limits)
  const id = newId()
  const now = new Date()
  const record: AppDataRecord = {
    id,
    ...where(target, collection),
    dataJson: checked.json,
    sizeBytes: checked.sizeBytes,
    sortKey: nextSortKey(id, now.getTime()),
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  }
  try {
    await services.store.collection(appData).insert(record)
  } catch (error) {
    await release(services, target, delta, limits)
    throw error
  }
  const document = toDocument(record)
  announce(services, target, { collection, op: "insert", documentId: id, document })
  return document
}

/** Sets the given fields and keeps the others (a shallow merge). */
export async function updateDocument(
  services: AppDataServices,
  target: AppDataTarget,
  collectionName: string,
  id: string,
  fields: unknown,
  options: AppDataOptions = {},
): Promise<AppDataDocument> {
  const limits = options.limits ?? APP_DATA_LIMITS
  const collection = requireCollectionName(collectionName)
  const changes = requireDocumentData(fields, limits).data
  for (let attempt = 0; attempt < MAX_DOCUMENT_ATTEMPTS; attempt += 1) {
    const record = await findRecord(services, target, collection, id)
    if (!record) throw documentNotFound()
    // Spread defines own properties: a "__proto__" field stays a field.
    const merged = requireDocumentData({ ...(JSON.parse(record.dataJson) as Record<string, unknown>), ...changes }, limits)
    const grows = Math.max(0, merged.sizeBytes - record.sizeBytes)
    const shrinks = Math.max(0, record.sizeBytes - merged.sizeBytes)
    if (grows > 0) await reserveUsage(services.store, target, { bytes: grows, documents: 0, collection }, limits)
    const updated = await services.store.collection(appData).updateOne(
      { id: record.id, version: record.version },
      { dataJson: merged.json, sizeBytes: merged.sizeBytes, version: record.version + 1, updatedAt: new Date().toISOString() },
    ).catch(async (error: unknown) => {
      await release(services, target, { bytes: grows, documents: 0, collection }, limits)
      throw error
    })
    if (!updated) {
      // Someone else changed or deleted it since it was read: give back, read again, merge again.
      await release(services, target, { bytes: grows, documents: 0, collection }, limits)
      continue
    }
    await release(services, target, { bytes: shrinks, documents: 0, collection }, limits)
    const document = toDocument(updated)
    announce(services, target, { collection, op: "update", documentId: id, document })
    return document
  }
  throw new AppError("CONFLICT", "This document is being changed by others at the same moment; try again.")
}

export async function removeDocument(
  services: AppDataServices,
  target: AppDataTarget,
  collectionName: string,
  id: string,
  options: AppDataOptions = {},
): Promise<{ readonly id: string }> {
  const limits = options.limits ?? APP_DATA_LIMITS
  const collection = requireCollectionName(collectionName)
  for (let attempt = 0; attempt < MAX_DOCUMENT_ATTEMPTS; attempt += 1) {
    const record = await findRecord(services, target, collection, id)
    if (!record) throw documentNotFound()
    // Only the version whose size was read, so the size given back is the size deleted.
    if ((await services.store.collection(appData).deleteMany({ id: record.id, version: record.version })) === 0) continue
    await release(services, target, { bytes: record.sizeBytes, documents: 1, collection }, limits)
    announce(services, target, { collection, op: "delete", documentId: id, document: null })
    return { id }
  }
  throw new AppError("CONFLICT", "This document is being changed by others at the same moment; try again.")
}

export interface AppDataOverview {
  /** By name; only collections that hold documents, with how many each holds. */
  readonly collections: readonly { readonly name: string; readonly count: number }[]
  readonly bytes: number
  readonly maxBytes: number
  readonly documents: number
}

export async function describeAppData(services: Pick<AppDataServices, "store">, target: AppDataTarget): Promise<AppDataOverview> {
  const usage = await readUsage(services.store, target)
  const collections = (usage?.collections ?? [])
    .map(({ name, documents }) => ({ name, count: documents }))
    .sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0))
  return { collections, bytes: usage?.bytes ?? 0, maxBytes: APP_DATA_LIMITS.maxScopeBytes, documents: usage?.documents ?? 0 }
}

/** Every document and total of an app, both scopes: for deleting the app. */
export async function deleteAppData(store: DurableStore, workspaceId: string, appId: string): Promise<number> {
  const deleted = await store.collection(appData).deleteMany({ workspaceId, appId })
  await store.collection(appDataUsage).deleteMany({ workspaceId, appId })
  return deleted
}
