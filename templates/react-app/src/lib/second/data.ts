// The app's data as Second keeps it: named collections of JSON documents, read and written
// through Second's page (transport.ts), with live changes pushed to the collections followed.
// The pure parts (applyChange, settleRead) are what the hooks (data-hooks.ts) are made of.

import { isRecord, onHostPush, post, request, SecondDataError, SECOND_MESSAGE_TYPES, start } from "./transport.ts"

/** What Second accepts; anything else is refused here at once rather than left to time out. */
export const COLLECTION_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/
export const DOCUMENT_ID_PATTERN = /^[a-z2-7]{24}$/
/** The ids of optimistic documents not yet confirmed by Second. */
export const TEMP_PREFIX = "pending-"
const PAGE_SIZE = 100
/** At most this many pages are read for one collection (10,000 documents). */
const MAX_PAGES = 100

export type Fields = Record<string, unknown>

/** A document as Second keeps it. */
export interface SecondDocument {
  readonly id: string
  readonly collection: string
  readonly data: Fields
  readonly createdAt: string
  readonly updatedAt: string
}

/** What the hooks give the app: the document's fields, its id and its times. */
export type Item<T extends Fields = Fields> = T & { readonly id: string; readonly createdAt: string; readonly updatedAt: string }

export interface DataChange {
  readonly collection: string
  readonly op: "insert" | "update" | "delete"
  readonly documentId: string
  readonly document: SecondDocument | null
}

function isDocument(value: unknown): value is SecondDocument {
  return (
    isRecord(value) &&
    typeof value["id"] === "string" &&
    typeof value["collection"] === "string" &&
    isRecord(value["data"]) &&
    typeof value["createdAt"] === "string" &&
    typeof value["updatedAt"] === "string"
  )
}

/** A change Second pushed, or null when the message is not one. */
export function parseChange(value: unknown): DataChange | null {
  if (!isRecord(value) || typeof value["collection"] !== "string" || typeof value["documentId"] !== "string") return null
  const op = value["op"]
  if (op !== "insert" && op !== "update" && op !== "delete") return null
  const document = value["document"]
  if (op === "delete" ? document !== null : !isDocument(document)) return null
  return { collection: value["collection"], op, documentId: value["documentId"], document: op === "delete" ? null : (document as SecondDocument) }
}

/** Why Second would refuse these fields without an answer (it ignores malformed requests), or null. */
function malformed(fields: Record<string, unknown>): SecondDataError | null {
  const { collection, id } = fields
  if (typeof collection !== "string" || !COLLECTION_NAME_PATTERN.test(collection)) {
    return new SecondDataError("BAD_REQUEST", `"${String(collection)}" is not a collection name: 1–64 letters, digits, "_" or "-", starting with a letter.`)
  }
  if (id !== undefined && (typeof id !== "string" || !DOCUMENT_ID_PATTERN.test(id))) {
    const saving = typeof id === "string" && id.startsWith(TEMP_PREFIX)
    return new SecondDataError(saving ? "NOT_READY" : "NOT_FOUND", saving ? "This item is still being saved; try again in a moment." : `There is no document "${String(id)}".`)
  }
  return null
}

const changeListeners = new Map<string, Set<(change: DataChange) => void>>()
const resyncListeners = new Set<() => void>()

onHostPush("change", (message) => {
  const change = parseChange(message["change"])
  if (change) for (const listener of [...(changeListeners.get(change.collection) ?? [])]) listener(change)
})
onHostPush("resync", () => {
  for (const listener of [...resyncListeners]) listener()
})

/** A data request, refused here at once when Second would ignore it. */
function dataRequest<R>(kind: "list" | "doc" | "insert" | "update" | "delete", fields: Record<string, unknown>): Promise<R> {
  start()
  const refused = malformed(fields)
  if (refused) return Promise.reject(refused)
  return request<R>(kind, fields)
}

/** Follows changes to one collection; returns the function that stops. */
export function followChanges(collection: string, listener: (change: DataChange) => void): () => void {
  start()
  let listeners = changeListeners.get(collection)
  if (!listeners) {
    listeners = new Set()
    changeListeners.set(collection, listeners)
  }
  listeners.add(listener)
  post({ type: SECOND_MESSAGE_TYPES.subscribe, collection })
  return () => {
    listeners.delete(listener)
    if (listeners.size === 0) changeListeners.delete(collection)
    post({ type: SECOND_MESSAGE_TYPES.unsubscribe, collection })
  }
}

export function followResyncs(listener: () => void): () => void {
  resyncListeners.add(listener)
  return () => void resyncListeners.delete(listener)
}

/** The calls the hooks make, for code outside React components. They reject with SecondDataError. */
export const secondData = {
  list: (collection: string, cursor: string | null = null) =>
    dataRequest<{ documents: SecondDocument[]; nextCursor: string | null }>("list", { collection, cursor, limit: PAGE_SIZE }),
  async listAll(collection: string): Promise<SecondDocument[]> {
    const all: SecondDocument[] = []
    let cursor: string | null = null
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const found: { documents: SecondDocument[]; nextCursor: string | null } = await secondData.list(collection, cursor)
      all.push(...found.documents)
      cursor = found.nextCursor
      if (cursor === null) break
    }
    return all
  },
  get: (collection: string, id: string) => dataRequest<SecondDocument>("doc", { collection, id }),
  insert: (collection: string, data: Fields) => dataRequest<SecondDocument>("insert", { collection, data }),
  update: (collection: string, id: string, data: Fields) => dataRequest<SecondDocument>("update", { collection, id, data }),
  remove: (collection: string, id: string) => dataRequest<{ deleted: true; id: string }>("delete", { collection, id }),
  subscribe: followChanges,
}

export const toItem = <T extends Fields>(document: SecondDocument): Item<T> =>
  ({ ...document.data, id: document.id, createdAt: document.createdAt, updatedAt: document.updatedAt }) as unknown as Item<T>

/** `incoming` replaces `current` unless it is older (a late echo of an earlier write). */
export const newer = (incoming: SecondDocument, current: SecondDocument) => (incoming.updatedAt >= current.updatedAt ? incoming : current)

/** A document put into a list: replaced where it is, else added at the end. */
function upsert(documents: readonly SecondDocument[], document: SecondDocument): SecondDocument[] {
  const index = documents.findIndex((shown) => shown.id === document.id)
  if (index < 0) return [...documents, document]
  return documents.map((shown, at) => (at === index ? newer(document, shown) : shown))
}

/** A live change applied to a list of documents. */
export function applyChange(documents: readonly SecondDocument[], change: DataChange): SecondDocument[] {
  if (change.op === "delete" || change.document === null) return documents.filter((document) => document.id !== change.documentId)
  return upsert(documents, change.document)
}

/**
 * A fresh read of a collection, brought up to date. The read is a snapshot taken when Second got
 * the request, so what this app saw confirmed while it was on its way (its own writes, live
 * changes) may be missing from it: those are applied over it again. Optimistic documents still
 * being saved stay shown.
 */
export function settleRead(read: readonly SecondDocument[], seenSince: readonly DataChange[], shown: readonly SecondDocument[]): SecondDocument[] {
  const settled = seenSince.reduce<SecondDocument[]>((documents, change) => applyChange(documents, change), [...read])
  return [...settled, ...shown.filter((document) => document.id.startsWith(TEMP_PREFIX))]
}
