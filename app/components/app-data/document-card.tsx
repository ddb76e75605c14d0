// One document of the Data tab: its fields as readable JSON, when it was changed, and for people
// who may change the app's data, Edit (the JSON, checked before it is sent; the server's refusal
// is shown as it says it) and Delete (confirmed in a dialog).

import { Pencil, Trash2 } from "lucide-react"
import { useState } from "react"
import type { AppDataDocument } from "#shared/apps/app-data.ts"
import { Button } from "../ui/button.tsx"
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "../ui/dialog.tsx"
import { Textarea } from "../ui/input.tsx"
import { Label } from "../ui/label.tsx"
import { Notice } from "../ui/notice.tsx"
import { RelativeTime } from "../ui/relative-time.tsx"
import { documentText, parseDocumentText } from "./data-state.ts"

export interface DocumentCardProps {
  readonly document: AppDataDocument
  readonly canEdit: boolean
  /** Saves the fields; resolves to an error message, or null when saved. */
  readonly onSave: (data: Record<string, unknown>) => Promise<string | null>
  readonly onDelete: () => Promise<string | null>
}

export function DocumentCard({ document, canEdit, onSave, onDelete }: DocumentCardProps) {
  const [editing, setEditing] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const editorId = `document-${document.id}-json`
  const stopEditing = () => (setEditing(null), setProblem(null))

  const save = async (text: string) => {
    const parsed = parseDocumentText(text, document.data)
    if (!parsed.ok) return setProblem(parsed.message)
    setBusy(true)
    const refused = await onSave(parsed.data)
    setBusy(false)
    setProblem(refused)
    if (refused === null) setEditing(null)
  }

  return (
    <article
      className="grid min-w-0 gap-2 rounded-xl border bg-card p-3 shadow-xs sm:p-4"
      aria-label={`Document ${document.id}`}
      data-testid="data-document"
      data-document-id={document.id}
    >
      <div className="flex min-w-0 items-center gap-2">
        <p className="min-w-0 flex-1 truncate text-xs text-muted-foreground" title={document.id}>
          <code>{document.id}</code> · <RelativeTime iso={document.updatedAt} prefix="changed" />
        </p>
        {canEdit && editing === null ? (
          <div className="flex shrink-0 gap-1">
            <Button variant="ghost" size="sm" onClick={() => (setEditing(documentText(document.data)), setProblem(null))}>
              <Pencil aria-hidden />
              Edit<span className="sr-only"> document {document.id}</span>
            </Button>
            <DeleteDocument id={document.id} onDelete={onDelete} />
          </div>
        ) : null}
      </div>
      {editing !== null ? (
        <form
          className="grid gap-2"
          onSubmit={(event) => {
            event.preventDefault()
            void save(editing)
          }}
        >
          <Label htmlFor={editorId}>Fields (JSON)</Label>
          <Textarea
            id={editorId}
            // The editor replaces the button that opened it: the focus goes with it (Escape goes back).
            autoFocus
            onKeyDown={(event) => {
              if (event.key === "Escape" && !busy) stopEditing()
            }}
            className="font-mono text-xs"
            rows={Math.min(20, Math.max(4, editing.split("\n").length + 1))}
            value={editing}
            spellCheck={false}
            onChange={(event) => setEditing(event.target.value)}
            aria-invalid={problem !== null}
            aria-describedby={problem ? `${editorId}-problem` : undefined}
          />
          {problem ? (
            <p className="text-sm text-destructive" role="alert" id={`${editorId}-problem`}>
              {problem}
            </p>
          ) : null}
          <div className="flex flex-wrap gap-2">
            <Button type="submit" size="sm" disabled={busy}>
              {busy ? "Saving…" : "Save"}
            </Button>
            <Button variant="outline" size="sm" onClick={stopEditing} disabled={busy}>
              Cancel
            </Button>
          </div>
        </form>
      ) : (
        <pre className="rounded-md bg-muted px-3 py-2 font-mono text-xs leading-5 whitespace-pre-wrap wrap-anywhere" data-testid="data-document-json">
          {documentText(document.data)}
        </pre>
      )}
    </article>
  )
}

function DeleteDocument({ id, onDelete }: { id: string; onDelete: () => Promise<string | null> }) {
  const [open, setOpen] = useState(false)
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const remove = async () => {
    setBusy(true)
    const refused = await onDelete()
    setBusy(false)
    setProblem(refused)
    if (refused === null) setOpen(false)
  }
  return (
    <Dialog open={open} onOpenChange={(next) => (busy ? undefined : (setOpen(next), setProblem(null)))}>
      <DialogTrigger asChild>
        <Button variant="ghost" size="sm" className="text-destructive hover:text-destructive">
          <Trash2 aria-hidden />
          Delete<span className="sr-only"> document {id}</span>
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Delete this document?</DialogTitle>
          <DialogDescription className="break-words">
            Document <code>{id}</code> goes for everyone using the app. This cannot be undone.
          </DialogDescription>
        </DialogHeader>
        {problem ? <Notice tone="error">{problem}</Notice> : null}
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="outline" disabled={busy}>
              Keep it
            </Button>
          </DialogClose>
          <Button variant="destructive" disabled={busy} onClick={() => void remove()}>
            {busy ? "Deleting…" : "Delete it"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  )
}
