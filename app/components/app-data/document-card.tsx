// One document of the Data tab: its fields as readable JSON, when it was changed, and for people
// who may change the app's data, Edit (the JSON, checked before it is sent; the server's refusal
// is shown as it says it) and Delete (asked twice).

import { useState } from "react"
import type { AppDataDocument } from "#shared/apps/app-data.ts"
import { whenText } from "../../text/relative-time.ts"
import { documentText, parseDocumentText } from "./data-state.ts"

export interface DocumentCardProps {
  readonly document: AppDataDocument
  readonly canEdit: boolean
  readonly now: number | null
  /** Saves the fields; resolves to an error message, or null when saved. */
  readonly onSave: (data: Record<string, unknown>) => Promise<string | null>
  readonly onDelete: () => Promise<string | null>
}

type Mode = { readonly kind: "view" } | { readonly kind: "edit"; readonly text: string } | { readonly kind: "confirm-delete" }

export function DocumentCard({ document, canEdit, now, onSave, onDelete }: DocumentCardProps) {
  const [mode, setMode] = useState<Mode>({ kind: "view" })
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const editorId = `document-${document.id}-json`

  const run = async (action: () => Promise<string | null>) => {
    setBusy(true)
    const refused = await action()
    setBusy(false)
    setProblem(refused)
    if (refused === null) setMode({ kind: "view" })
  }

  const save = (text: string) => {
    const parsed = parseDocumentText(text, document.data)
    if (!parsed.ok) return setProblem(parsed.message)
    void run(() => onSave(parsed.data))
  }

  return (
    <article className="data-document card" aria-label={`Document ${document.id}`} data-testid="data-document" data-document-id={document.id}>
      <p className="data-document-meta muted">
        <code>{document.id}</code> · changed <time dateTime={document.updatedAt}>{whenText(document.updatedAt, now)}</time>
      </p>
      {mode.kind === "edit" ? (
        <form
          className="stack"
          onSubmit={(event) => {
            event.preventDefault()
            save(mode.text)
          }}
        >
          <label htmlFor={editorId}>Fields (JSON)</label>
          <textarea
            id={editorId}
            // The editor replaces the button that opened it: the focus goes with it (Escape goes back).
            autoFocus
            onKeyDown={(event) => {
              if (event.key === "Escape" && !busy) (setMode({ kind: "view" }), setProblem(null))
            }}
            className="data-json-editor"
            rows={Math.min(20, Math.max(4, mode.text.split("\n").length + 1))}
            value={mode.text}
            spellCheck={false}
            onChange={(event) => setMode({ kind: "edit", text: event.target.value })}
            aria-invalid={problem !== null}
            aria-describedby={problem ? `${editorId}-problem` : undefined}
          />
          <div className="card-actions">
            <button type="submit" className="primary" disabled={busy}>
              {busy ? "Saving…" : "Save"}
            </button>
            <button type="button" onClick={() => (setMode({ kind: "view" }), setProblem(null))} disabled={busy}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <pre className="data-json" data-testid="data-document-json">
          {documentText(document.data)}
        </pre>
      )}
      {problem ? (
        <p className="form-error" role="alert" id={`${editorId}-problem`}>
          {problem}
        </p>
      ) : null}
      {canEdit && mode.kind === "view" ? (
        <div className="card-actions">
          <button type="button" onClick={() => (setMode({ kind: "edit", text: documentText(document.data) }), setProblem(null))}>
            Edit<span className="visually-hidden"> document {document.id}</span>
          </button>
          <button type="button" className="danger" onClick={() => setMode({ kind: "confirm-delete" })}>
            Delete<span className="visually-hidden"> document {document.id}</span>
          </button>
        </div>
      ) : null}
      {canEdit && mode.kind === "confirm-delete" ? (
        <div className="card-actions" role="group" aria-label="Confirm the deletion">
          <span>Delete this document? The app loses it for everyone.</span>
          <button type="button" className="danger" autoFocus disabled={busy} onClick={() => void run(onDelete)}>
            {busy ? "Deleting…" : "Delete it"}
          </button>
          <button type="button" disabled={busy} onClick={() => setMode({ kind: "view" })}>
            Keep it
          </button>
        </div>
      ) : null}
    </article>
  )
}

/** The form that adds a document to a collection (an existing one, or a new name). */
export function NewDocumentForm({ collection, onAdd }: { collection: string; onAdd: (collection: string, data: Record<string, unknown>) => Promise<string | null> }) {
  const [open, setOpen] = useState(false)
  const [name, setName] = useState(collection)
  const [text, setText] = useState("{\n  \n}")
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)

  if (!open) {
    return (
      <button type="button" onClick={() => (setOpen(true), setName(collection))} data-testid="data-add-open">
        Add a document
      </button>
    )
  }
  return (
    <form
      className="stack data-new card"
      aria-label="Add a document"
      onSubmit={async (event) => {
        event.preventDefault()
        const parsed = parseDocumentText(text)
        if (!parsed.ok) return setProblem(parsed.message)
        setBusy(true)
        const refused = await onAdd(name.trim(), parsed.data)
        setBusy(false)
        setProblem(refused)
        if (refused === null) {
          setOpen(false)
          setText("{\n  \n}")
        }
      }}
    >
      <label>
        Collection
        <input value={name} onChange={(event) => setName(event.target.value)} required maxLength={64} data-testid="data-add-collection" />
      </label>
      <label>
        Fields (JSON)
        <textarea className="data-json-editor" rows={5} value={text} spellCheck={false} onChange={(event) => setText(event.target.value)} data-testid="data-add-json" />
      </label>
      {problem ? (
        <p className="form-error" role="alert">
          {problem}
        </p>
      ) : null}
      <div className="card-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Adding…" : "Add"}
        </button>
        <button type="button" disabled={busy} onClick={() => (setOpen(false), setProblem(null))}>
          Cancel
        </button>
      </div>
    </form>
  )
}
