// Second's SDK for this app: its data, kept by Second in named collections of JSON documents.
//
//   const { data: todos, loading, error, insert, update, remove } = useCollection<Todo>("todos")
//   insert({ title: "Buy milk", done: false })      // shown at once, confirmed by Second
//   update(todo.id, { done: true })                 // sets these fields, keeps the others
//   remove(todo.id)
//   const { data: todo } = useDoc<Todo>("todos", id)
//
// Each item is the document's fields plus its `id`, `createdAt` and `updatedAt` (ISO 8601). A
// change shows at once and is undone if Second refuses it (then `error` says why); the calls
// resolve to the stored item, or null when refused, and never throw. Changes made anywhere else
// (another person, the builder, the Data tab) arrive live.
//
// How: the app runs in a sandboxed frame of Second's page and talks to it only by postMessage,
// with a requestId per request and a timeout; it reads answers from its parent window only.
// Second checks every request and runs it as the person viewing the app. This file cannot import
// anything from the platform, so it restates the protocol's message names (Second's tests check
// they match its own).

import { useCallback, useEffect, useMemo, useRef, useState } from "react"

export const SECOND_MESSAGE_TYPES = {
  list: "second:data:list",
  doc: "second:data:doc",
  insert: "second:data:insert",
  update: "second:data:update",
  delete: "second:data:delete",
  ready: "second:ready",
  subscribe: "second:data:subscribe",
  unsubscribe: "second:data:unsubscribe",
  change: "second:data:change",
  resync: "second:data:resync",
} as const
export const RESPONSE_SUFFIX = "-response"
export const APP_SOURCE = "second-app"
export const HOST_SOURCE = "second-host"
/** How long a request may wait for Second's answer. */
export const REQUEST_TIMEOUT_MS = 15_000
/** What Second accepts; anything else is refused here at once rather than left to time out. */
export const COLLECTION_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/
export const DOCUMENT_ID_PATTERN = /^[a-z2-7]{24}$/
const PAGE_SIZE = 100
/** At most this many pages are read for one collection (10,000 documents). */
const MAX_PAGES = 100

type Fields = Record<string, unknown>

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

/** Why a request failed: Second's code (NOT_FOUND, FORBIDDEN, BAD_REQUEST, PAYLOAD_TOO_LARGE...), TIMEOUT or NO_HOST. */
export class SecondDataError extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.name = "SecondDataError"
    this.code = code
  }
}

type RequestKind = "list" | "doc" | "insert" | "update" | "delete"

interface Pending {
  readonly resolve: (result: unknown) => void
  readonly reject: (error: SecondDataError) => void
  readonly timer: ReturnType<typeof setTimeout>
}

const pending = new Map<string, Pending>()
const changeListeners = new Map<string, Set<(change: DataChange) => void>>()
const resyncListeners = new Set<() => void>()
let started = false
let sequence = 0

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value)

/** Second's page around this app, or null when the app is not running inside Second. */
function hostWindow(): Window | null {
  if (typeof window === "undefined" || window.parent === window) return null
  return window.parent
}

export const isInsideSecond = () => hostWindow() !== null

function post(message: Record<string, unknown>): boolean {
  const host = hostWindow()
  if (!host) return false
  // The app's frame has no origin of its own to name Second's by: "*" is the only target.
  host.postMessage({ source: APP_SOURCE, ...message }, "*")
  return true
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

/** Handles one `message` event: answers and pushes from Second's page, and nothing else. */
export function receiveHostMessage(source: unknown, message: unknown): void {
  const host = hostWindow()
  if (host === null || source !== host || !isRecord(message) || message["source"] !== HOST_SOURCE) return
  const type = message["type"]
  if (type === SECOND_MESSAGE_TYPES.change) {
    const change = parseChange(message["change"])
    if (change) for (const listener of [...(changeListeners.get(change.collection) ?? [])]) listener(change)
    return
  }
  if (type === SECOND_MESSAGE_TYPES.resync) {
    for (const listener of [...resyncListeners]) listener()
    return
  }
  const requestId = message["requestId"]
  if (typeof type !== "string" || !type.endsWith(RESPONSE_SUFFIX) || typeof requestId !== "string") return
  const waiting = pending.get(requestId)
  if (!waiting) return
  pending.delete(requestId)
  clearTimeout(waiting.timer)
  if (message["ok"] === true) return waiting.resolve(message["result"])
  const error = isRecord(message["error"]) ? message["error"] : {}
  waiting.reject(
    new SecondDataError(
      typeof error["code"] === "string" ? error["code"] : "ERROR",
      typeof error["message"] === "string" ? error["message"] : "Second refused the request.",
    ),
  )
}

function start(): void {
  if (started || typeof window === "undefined") return
  started = true
  window.addEventListener("message", (event: MessageEvent) => receiveHostMessage(event.source, event.data))
  // Second forgets what an earlier page in this frame subscribed to, and listens to this one.
  post({ type: SECOND_MESSAGE_TYPES.ready })
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

/** Second answers at most 16 requests of an app at once: more (a loop of inserts) wait their turn here. */
const MAX_IN_FLIGHT = 12
let inFlight = 0
const queued: (() => void)[] = []
const takeSlot = () =>
  new Promise<void>((go) => {
    const enter = () => {
      inFlight += 1
      go()
    }
    if (inFlight < MAX_IN_FLIGHT) enter()
    else queued.push(enter)
  })
const releaseSlot = () => {
  inFlight -= 1
  queued.shift()?.()
}

function request<R>(kind: RequestKind, fields: Record<string, unknown>): Promise<R> {
  start()
  const refused = malformed(fields)
  if (refused) return Promise.reject(refused)
  return takeSlot().then(() => sendRequest<R>(kind, fields).finally(releaseSlot))
}

function sendRequest<R>(kind: RequestKind, fields: Record<string, unknown>): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    sequence += 1
    const requestId = `r${Date.now().toString(36)}-${sequence}`
    const timer = setTimeout(() => {
      pending.delete(requestId)
      reject(new SecondDataError("TIMEOUT", "Second did not answer in time. Check your connection and try again."))
    }, REQUEST_TIMEOUT_MS)
    pending.set(requestId, { resolve: (result) => resolve(result as R), reject, timer })
    if (!post({ type: SECOND_MESSAGE_TYPES[kind], requestId, ...fields })) {
      pending.delete(requestId)
      clearTimeout(timer)
      reject(new SecondDataError("NO_HOST", "This app's data is available when it runs inside Second."))
    }
  })
}

/** Follows changes to one collection; returns the function that stops. */
function followChanges(collection: string, listener: (change: DataChange) => void): () => void {
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

function followResyncs(listener: () => void): () => void {
  resyncListeners.add(listener)
  return () => void resyncListeners.delete(listener)
}

/** The calls the hooks make, for code outside React components. They reject with SecondDataError. */
export const secondData = {
  list: (collection: string, cursor: string | null = null) =>
    request<{ documents: SecondDocument[]; nextCursor: string | null }>("list", { collection, cursor, limit: PAGE_SIZE }),
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
  get: (collection: string, id: string) => request<SecondDocument>("doc", { collection, id }),
  insert: (collection: string, data: Fields) => request<SecondDocument>("insert", { collection, data }),
  update: (collection: string, id: string, data: Fields) => request<SecondDocument>("update", { collection, id, data }),
  remove: (collection: string, id: string) => request<{ deleted: true; id: string }>("delete", { collection, id }),
  subscribe: followChanges,
}

const toError = (error: unknown) =>
  error instanceof SecondDataError ? error : new SecondDataError("ERROR", error instanceof Error ? error.message : String(error))

const toItem = <T extends Fields>(document: SecondDocument): Item<T> =>
  ({ ...document.data, id: document.id, createdAt: document.createdAt, updatedAt: document.updatedAt }) as unknown as Item<T>

/** `incoming` replaces `current` unless it is older (a late echo of an earlier write). */
const newer = (incoming: SecondDocument, current: SecondDocument) => (incoming.updatedAt >= current.updatedAt ? incoming : current)

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

const TEMP_PREFIX = "pending-"
let temporary = 0

export interface CollectionState<T extends Fields> {
  readonly data: Item<T>[]
  readonly loading: boolean
  readonly error: SecondDataError | null
  insert(data: T): Promise<Item<T> | null>
  update(id: string, patch: Partial<T>): Promise<Item<T> | null>
  remove(id: string): Promise<boolean>
}

/** Every document of a collection (oldest first), live, with optimistic changes. */
export function useCollection<T extends Fields = Fields>(name: string): CollectionState<T> {
  const [documents, setDocuments] = useState<SecondDocument[]>([])
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<SecondDataError | null>(null)
  const current = useRef<SecondDocument[]>(documents)
  current.current = documents
  // What was confirmed or changed since the latest read began (null while none is on its way).
  const seenSinceRead = useRef<DataChange[] | null>(null)

  useEffect(() => {
    let alive = true
    let reads = 0
    setLoading(true)
    const read = async () => {
      const mine = (reads += 1)
      const seen: DataChange[] = []
      seenSinceRead.current = seen
      try {
        const all = await secondData.listAll(name)
        if (alive && mine === reads) setDocuments((shown) => settleRead(all, seen, shown))
        if (alive && mine === reads) setError(null)
      } catch (failure) {
        if (alive && mine === reads) setError(toError(failure))
      } finally {
        if (alive && mine === reads) {
          setLoading(false)
          seenSinceRead.current = null
        }
      }
    }
    // Following first, then reading: no change falls between the two.
    const stopChanges = followChanges(name, (change) => {
      seenSinceRead.current?.push(change)
      setDocuments((shown) => applyChange(shown, change))
    })
    const stopResyncs = followResyncs(() => void read())
    void read()
    return () => {
      alive = false
      stopChanges()
      stopResyncs()
    }
  }, [name])

  const insert = useCallback(
    async (data: T): Promise<Item<T> | null> => {
      temporary += 1
      const tempId = `${TEMP_PREFIX}${temporary}`
      const now = new Date().toISOString()
      setDocuments((shown) => [...shown, { id: tempId, collection: name, data, createdAt: now, updatedAt: now }])
      try {
        const stored = await secondData.insert(name, data)
        seenSinceRead.current?.push({ collection: name, op: "insert", documentId: stored.id, document: stored })
        // In the optimistic one's place, unless the live change brought it first.
        setDocuments((shown) =>
          shown.some((document) => document.id === stored.id)
            ? shown.filter((document) => document.id !== tempId)
            : shown.map((document) => (document.id === tempId ? stored : document)),
        )
        setError(null)
        return toItem<T>(stored)
      } catch (failure) {
        setDocuments((shown) => shown.filter((document) => document.id !== tempId))
        setError(toError(failure))
        return null
      }
    },
    [name],
  )

  const update = useCallback(
    async (id: string, patch: Partial<T>): Promise<Item<T> | null> => {
      const before = current.current.find((document) => document.id === id)
      if (before) {
        const changed = { ...before, data: { ...before.data, ...patch } }
        setDocuments((shown) => shown.map((document) => (document.id === id ? changed : document)))
      }
      try {
        const stored = await secondData.update(name, id, patch as Fields)
        seenSinceRead.current?.push({ collection: name, op: "update", documentId: id, document: stored })
        setDocuments((shown) => shown.map((document) => (document.id === id ? stored : document)))
        setError(null)
        return toItem<T>(stored)
      } catch (failure) {
        if (before) setDocuments((shown) => shown.map((document) => (document.id === id ? before : document)))
        setError(toError(failure))
        return null
      }
    },
    [name],
  )

  const remove = useCallback(
    async (id: string): Promise<boolean> => {
      const index = current.current.findIndex((document) => document.id === id)
      const before = current.current[index]
      setDocuments((shown) => shown.filter((document) => document.id !== id))
      try {
        await secondData.remove(name, id)
        seenSinceRead.current?.push({ collection: name, op: "delete", documentId: id, document: null })
        setError(null)
        return true
      } catch (failure) {
        if (before) setDocuments((shown) => (shown.some((document) => document.id === id) ? shown : [...shown.slice(0, index), before, ...shown.slice(index)]))
        setError(toError(failure))
        return false
      }
    },
    [name],
  )

  const data = useMemo(() => documents.map((document) => toItem<T>(document)), [documents])
  return { data, loading, error, insert, update, remove }
}

export interface DocState<T extends Fields> {
  /** Null while loading, when there is no such document, or without an id. */
  readonly data: Item<T> | null
  readonly loading: boolean
  readonly error: SecondDataError | null
  update(patch: Partial<T>): Promise<Item<T> | null>
  remove(): Promise<boolean>
}

/** One document, live, with optimistic changes. A missing one gives data null and a NOT_FOUND error. */
export function useDoc<T extends Fields = Fields>(name: string, id: string | null | undefined): DocState<T> {
  const [document, setDocument] = useState<SecondDocument | null>(null)
  const [loading, setLoading] = useState(Boolean(id))
  const [error, setError] = useState<SecondDataError | null>(null)
  const current = useRef<SecondDocument | null>(document)
  current.current = document

  useEffect(() => {
    setDocument(null)
    setError(null)
    if (!id) return setLoading(false)
    let alive = true
    setLoading(true)
    const read = async () => {
      try {
        const found = await secondData.get(name, id)
        if (alive) {
          setDocument(found)
          setError(null)
        }
      } catch (failure) {
        if (alive) {
          setDocument(null)
          setError(toError(failure))
        }
      } finally {
        if (alive) setLoading(false)
      }
    }
    const stopChanges = followChanges(name, (change) => {
      if (change.documentId !== id) return
      setDocument((shown) => (change.document === null ? null : shown ? newer(change.document, shown) : change.document))
    })
    const stopResyncs = followResyncs(() => void read())
    void read()
    return () => {
      alive = false
      stopChanges()
      stopResyncs()
    }
  }, [name, id])

  const update = useCallback(
    async (patch: Partial<T>): Promise<Item<T> | null> => {
      const before = current.current
      if (!id) return null
      if (before) setDocument({ ...before, data: { ...before.data, ...patch } })
      try {
        const stored = await secondData.update(name, id, patch as Fields)
        setDocument(stored)
        setError(null)
        return toItem<T>(stored)
      } catch (failure) {
        setDocument(before)
        setError(toError(failure))
        return null
      }
    },
    [name, id],
  )

  const remove = useCallback(async (): Promise<boolean> => {
    const before = current.current
    if (!id) return false
    setDocument(null)
    try {
      await secondData.remove(name, id)
      setError(null)
      return true
    } catch (failure) {
      setDocument(before)
      setError(toError(failure))
      return false
    }
  }, [name, id])

  const data = useMemo(() => (document ? toItem<T>(document) : null), [document])
  return { data, loading, error, update, remove }
}
