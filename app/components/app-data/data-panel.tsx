// The Data tab: the app's draft data (what the preview reads and writes), collection by
// collection, a page of documents at a time, live: changes made by the app, the builder or another
// person appear as they happen. People who may change the data can edit, delete and add
// documents; everyone else reads.

import { Database, LoaderCircle } from "lucide-react"
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react"
import type { AppDataDocument } from "#shared/apps/app-data.ts"
import { apiProblem, trpc } from "../../trpc/client.ts"
import { subscribeAppDataChanges } from "../preview/app-data-events.ts"
import { Button } from "../ui/button.tsx"
import { cn } from "../ui/cn.ts"
import { EmptyState } from "../ui/empty-state.tsx"
import { Notice } from "../ui/notice.tsx"
import { applyChange, withDocument, withNextPage, type DocumentsView } from "./data-state.ts"
import { DocumentCard } from "./document-card.tsx"
import { NewDocumentDialog } from "./new-document-dialog.tsx"

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
  const add = (collection: string, data: Record<string, unknown>) =>
    write(async () => {
      const document = await trpc.appData.insert.mutate({ ...at, collection, data })
      if (collection !== selectedRef.current) setSelected(collection)
      return document
    })
  return (
    <section className="grid min-w-0 content-start gap-3" aria-labelledby="data-title" data-testid="data-panel">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="grid min-w-0 flex-1 gap-0.5">
          <h2 id="data-title" className="text-sm font-semibold">
            App data
          </h2>
          <p className="text-sm text-muted-foreground">
            What the preview reads and writes, live.{" "}
            {overview && !canEdit ? "You can read it; only the app's builders and workspace admins can change it." : null}
          </p>
        </div>
        {canEdit ? <NewDocumentDialog collection={selected ?? ""} onAdd={add} /> : null}
      </div>
      {problem ? <Notice tone="error">{problem}</Notice> : null}
      {overview === null ? <Loading>Loading the app's data…</Loading> : null}
      {overview !== null && overview.collections.length === 0 ? (
        <EmptyState icon={Database} title="No data yet" data-testid="data-empty">
          When the app stores something (a note, an order, a vote), it keeps it here in collections of documents, shared by everyone who uses the
          app. The builder can add some too.
        </EmptyState>
      ) : null}
      {overview !== null && overview.collections.length > 0 ? (
        <ul className="flex flex-wrap gap-2" aria-label="Collections">
          {overview.collections.map((collection) => {
            const pressed = collection.name === selected
            return (
              <li key={collection.name} className="min-w-0 max-w-full">
                <Button
                  variant="outline"
                  size="sm"
                  aria-pressed={pressed}
                  onClick={() => setSelected(collection.name)}
                  className={cn("max-w-full", pressed && "border-primary bg-accent text-accent-foreground")}
                  data-testid="data-collection"
                >
                  <span className="truncate">{collection.name}</span>
                  <span className="text-muted-foreground">{collection.count}</span>
                </Button>
              </li>
            )
          })}
        </ul>
      ) : null}
      {view ? (
        <div className="grid min-w-0 gap-2" aria-label={`Documents in ${view.collection}`} role="region" aria-busy={loading}>
          {view.documents.length === 0 && !loading ? <p className="text-sm text-muted-foreground">No documents in {view.collection}.</p> : null}
          {view.documents.map((document) => (
            <DocumentCard
              key={document.id}
              document={document}
              canEdit={canEdit}
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
            <Button variant="outline" className="justify-self-start" onClick={() => void readMore()} disabled={loading} data-testid="data-more">
              {loading ? "Loading…" : "Show more"}
            </Button>
          ) : null}
        </div>
      ) : selected !== null && loading ? (
        <Loading>Loading {selected}…</Loading>
      ) : null}
    </section>
  )
}

function Loading({ children }: { children: ReactNode }) {
  return (
    <p className="flex items-center gap-2 text-sm text-muted-foreground" role="status">
      <LoaderCircle className="size-4 animate-spin motion-reduce:animate-none" aria-hidden />
      {children}
    </p>
  )
}
