// The Data tab: the app's draft data (what the preview reads and writes), collection by
// collection, a page of documents at a time, live: changes made by the app, the builder or another
// person appear as they happen. People who may change the data can edit, delete and add
// documents; everyone else reads.

import { useCallback, useEffect, useRef, useState } from "react"
import type { AppDataDocument } from "#shared/apps/app-data.ts"
import { useNow } from "../../text/relative-time.ts"
import { apiProblem, trpc } from "../../trpc/client.ts"
import { subscribeAppDataChanges } from "../preview/app-data-events.ts"
import { applyChange, withDocument, withNextPage, type DocumentsView } from "./data-state.ts"
import { DocumentCard, NewDocumentForm } from "./document-card.tsx"

interface Overview {
  readonly collections: readonly { readonly name: string; readonly count: number }[]
  readonly canEdit: boolean
}

/** How long changes are gathered before the collections' counts are read again. */
const RECOUNT_AFTER_MS = 300

export function DataPanel({ workspaceId, appId }: { workspaceId: string; appId: string }) {
  const at = { workspaceId, appId, scope: "draft" as const }
  const [overview, setOverview] = useState<Overview | null>(null)
  const [selected, setSelected] = useState<string | null>(null)
  const [view, setView] = useState<DocumentsView | null>(null)
  const [loading, setLoading] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const now = useNow()
  const selectedRef = useRef(selected)
  selectedRef.current = selected

  const readOverview = useCallback(async () => {
    try {
      const found = await trpc.appData.collections.query({ workspaceId, appId, scope: "draft" })
      setOverview({ collections: found.collections.map(({ name, count }) => ({ name, count })), canEdit: found.canEdit })
      setSelected((current) => current ?? found.collections[0]?.name ?? null)
    } catch (error) {
      setProblem(apiProblem(error).message)
    }
  }, [workspaceId, appId])

  const readFirstPage = useCallback(
    async (collection: string) => {
      setLoading(true)
      try {
        const page = await trpc.appData.list.query({ workspaceId, appId, scope: "draft", collection })
        if (selectedRef.current === collection) setView({ collection, documents: page.documents, nextCursor: page.nextCursor })
        setProblem(null)
      } catch (error) {
        setProblem(apiProblem(error).message)
      } finally {
        setLoading(false)
      }
    },
    [workspaceId, appId],
  )

  useEffect(() => void readOverview(), [readOverview])
  useEffect(() => {
    setView(null)
    if (selected !== null) void readFirstPage(selected)
  }, [selected, readFirstPage])

  // Live: documents change in place; counts are read again once a burst of changes is over.
  useEffect(() => {
    let recount: ReturnType<typeof setTimeout> | undefined
    const scheduleRecount = () => {
      clearTimeout(recount)
      recount = setTimeout(() => void readOverview(), RECOUNT_AFTER_MS)
    }
    const stop = subscribeAppDataChanges(workspaceId, appId, "draft", {
      onChange: (change) => {
        setView((current) => (current ? applyChange(current, change) : current))
        scheduleRecount()
      },
      onResync: () => {
        scheduleRecount()
        if (selectedRef.current !== null) void readFirstPage(selectedRef.current)
      },
    })
    return () => {
      clearTimeout(recount)
      stop()
    }
  }, [workspaceId, appId, readOverview, readFirstPage])

  const readMore = async () => {
    if (!view?.nextCursor) return
    setLoading(true)
    try {
      const page = await trpc.appData.list.query({ ...at, collection: view.collection, cursor: view.nextCursor })
      setView((current) => (current && current.collection === view.collection ? withNextPage(current, page) : current))
    } catch (error) {
      setProblem(apiProblem(error).message)
    } finally {
      setLoading(false)
    }
  }

  /** Runs a write; the server's answer goes into the view; its refusal is returned to the form. */
  const write = async (call: () => Promise<AppDataDocument | null>): Promise<string | null> => {
    try {
      const document = await call()
      if (document) setView((current) => (current ? withDocument(current, document) : current))
      void readOverview()
      return null
    } catch (error) {
      return apiProblem(error).message
    }
  }

  const canEdit = overview?.canEdit ?? false
  return (
    <section className="data-panel" aria-label="Data" data-testid="data-panel">
      <p className="muted">
        The app's draft data: what the preview reads and writes.{" "}
        {overview && !canEdit ? "You can read it; only the app's builders and workspace admins can change it." : null}
      </p>
      {problem ? (
        <p className="form-error" role="alert">
          {problem}
        </p>
      ) : null}
      {overview === null ? <p className="muted" role="status">Loading the app's data…</p> : null}
      {overview !== null && overview.collections.length === 0 ? (
        <p className="muted" data-testid="data-empty">
          No data yet. The app's collections appear here once it (or the builder) stores a document.
        </p>
      ) : null}
      {overview !== null && overview.collections.length > 0 ? (
        <ul className="data-collections" aria-label="Collections">
          {overview.collections.map((collection) => (
            <li key={collection.name}>
              <button type="button" aria-pressed={collection.name === selected} onClick={() => setSelected(collection.name)} data-testid="data-collection">
                {collection.name} <span className="muted">({collection.count})</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {canEdit ? (
        <NewDocumentForm
          collection={selected ?? ""}
          onAdd={(collection, data) =>
            write(async () => {
              const document = await trpc.appData.insert.mutate({ ...at, collection, data })
              if (collection !== selectedRef.current) setSelected(collection)
              return document
            })
          }
        />
      ) : null}
      {view ? (
        <div className="data-documents" aria-label={`Documents in ${view.collection}`} role="region" aria-busy={loading}>
          {view.documents.length === 0 && !loading ? <p className="muted">No documents in {view.collection}.</p> : null}
          {view.documents.map((document) => (
            <DocumentCard
              key={document.id}
              document={document}
              canEdit={canEdit}
              now={now}
              onSave={(data) => write(() => trpc.appData.update.mutate({ ...at, collection: document.collection, id: document.id, data }))}
              onDelete={() =>
                write(async () => {
                  await trpc.appData.remove.mutate({ ...at, collection: document.collection, id: document.id })
                  setView((current) => (current ? applyChange(current, { appId, scope: "draft", collection: document.collection, op: "delete", documentId: document.id, document: null }) : current))
                  return null
                })
              }
            />
          ))}
          {view.nextCursor ? (
            <button type="button" onClick={() => void readMore()} disabled={loading} data-testid="data-more">
              {loading ? "Loading…" : "Show more"}
            </button>
          ) : null}
        </div>
      ) : selected !== null && loading ? (
        <p className="muted" role="status">
          Loading {selected}…
        </p>
      ) : null}
    </section>
  )
}
