// React hooks over the app's data (data.ts): a collection or one document, live, with optimistic
// changes that are undone when Second refuses them. They never throw: `error` says why.
//
//   const { data: todos, loading, error, insert, update, remove } = useCollection<Todo>("todos")
//   const { data: todo } = useDoc<Todo>("todos", id)

import { useCallback, useEffect, useMemo, useRef, useState } from "react"
import { applyChange, followChanges, followResyncs, newer, secondData, settleRead, TEMP_PREFIX, toItem, type DataChange, type Fields, type Item, type SecondDocument } from "./data.ts"
import { toError, type SecondDataError } from "./transport.ts"

let temporary = 0

/**
 * Follows the collection's changes, then reads (following first: no change falls between the two),
 * and reads again on each resync; returns what stops following.
 */
function followThenRead(name: string, onChange: (change: DataChange) => void, read: () => Promise<void>): () => void {
  const stopChanges = followChanges(name, onChange)
  const stopResyncs = followResyncs(() => void read())
  void read()
  return () => {
    stopChanges()
    stopResyncs()
  }
}

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
    const stop = followThenRead(
      name,
      (change) => {
        seenSinceRead.current?.push(change)
        setDocuments((shown) => applyChange(shown, change))
      },
      read,
    )
    return () => {
      alive = false
      stop()
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
    const stop = followThenRead(
      name,
      (change) => {
        if (change.documentId !== id) return
        setDocument((shown) => (change.document === null ? null : shown ? newer(change.document, shown) : change.document))
      },
      read,
    )
    return () => {
      alive = false
      stop()
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
