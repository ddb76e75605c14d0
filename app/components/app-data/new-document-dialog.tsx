// Adding a document to the app's data, in a dialog: the collection (the one shown, or a new name)
// and the fields as JSON, checked before they are sent; the server's refusal is shown as it says
// it, and the dialog closes once the document is stored.

import { Plus } from "lucide-react"
import { useState } from "react"
import { Button } from "../ui/button.tsx"
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "../ui/dialog.tsx"
import { Input, Textarea } from "../ui/input.tsx"
import { Field } from "../ui/label.tsx"
import { Notice } from "../ui/notice.tsx"
import { parseDocumentText } from "./data-state.ts"

const EMPTY = "{\n  \n}"

export function NewDocumentDialog({ collection, onAdd }: { collection: string; onAdd: (collection: string, data: Record<string, unknown>) => Promise<string | null> }) {
  const [open, setOpen] = useState(false)
  const [name, setName] = useState(collection)
  const [text, setText] = useState(EMPTY)
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)

  const openWith = (next: boolean) => {
    if (busy) return
    setOpen(next)
    setProblem(null)
    if (next) setName(collection)
  }

  return (
    <Dialog open={open} onOpenChange={openWith}>
      <DialogTrigger asChild>
        <Button variant="outline" size="sm" data-testid="data-add-open">
          <Plus aria-hidden />
          Add a document
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Add a document</DialogTitle>
          <DialogDescription>The app sees it at once, as if it had stored it itself.</DialogDescription>
        </DialogHeader>
        <form
          className="grid gap-4"
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
              setText(EMPTY)
            }
          }}
        >
          <Field label="Collection" hint="An existing collection, or a new name to start one.">
            <Input value={name} onChange={(event) => setName(event.target.value)} required maxLength={64} autoComplete="off" data-testid="data-add-collection" />
          </Field>
          <Field label="Fields (JSON)" hint='An object, like {"title": "Buy milk", "done": false}.'>
            <Textarea className="font-mono text-xs" rows={6} value={text} spellCheck={false} onChange={(event) => setText(event.target.value)} data-testid="data-add-json" />
          </Field>
          {problem ? <Notice tone="error">{problem}</Notice> : null}
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="outline" disabled={busy}>
                Cancel
              </Button>
            </DialogClose>
            <Button type="submit" disabled={busy}>
              {busy ? "Adding…" : "Add"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  )
}
