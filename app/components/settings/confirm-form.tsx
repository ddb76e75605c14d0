// A consequential action behind a question: the trigger opens a dialog that says what will happen,
// and only its confirm button submits the page's form (with the given hidden fields and intent).

import { Form } from "@remix-run/react"
import { useState, type ReactNode } from "react"
import { Button } from "../ui/button.tsx"
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "../ui/dialog.tsx"

export interface ConfirmFormProps {
  /** The button that opens the question. */
  readonly trigger: ReactNode
  readonly title: ReactNode
  readonly description: ReactNode
  readonly confirmLabel: string
  readonly intent: string
  readonly fields: Readonly<Record<string, string>>
  readonly destructive?: boolean
  /** Extra controls inside the form (a name field for a rename), above the buttons. */
  readonly children?: ReactNode
}

export function ConfirmForm({ trigger, title, description, confirmLabel, intent, fields, destructive = false, children }: ConfirmFormProps) {
  const [open, setOpen] = useState(false)
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <ConfirmDialogContent
        title={title}
        description={description}
        confirmLabel={confirmLabel}
        intent={intent}
        fields={fields}
        destructive={destructive}
        onSubmitted={() => setOpen(false)}
      >
        {children}
      </ConfirmDialogContent>
    </Dialog>
  )
}

/** The dialog's content alone, for callers that open it themselves (after a select changed). */
export function ConfirmDialogContent({
  title,
  description,
  confirmLabel,
  intent,
  fields,
  destructive = false,
  onSubmitted,
  children,
}: Omit<ConfirmFormProps, "trigger"> & { onSubmitted: () => void }) {
  return (
    <DialogContent>
      <DialogHeader>
        <DialogTitle>{title}</DialogTitle>
        <DialogDescription>{description}</DialogDescription>
      </DialogHeader>
      <Form method="post" className="grid gap-4" onSubmit={onSubmitted}>
        {Object.entries(fields).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        {children}
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="outline">Cancel</Button>
          </DialogClose>
          <Button type="submit" name="intent" value={intent} variant={destructive ? "destructive" : "default"}>
            {confirmLabel}
          </Button>
        </DialogFooter>
      </Form>
    </DialogContent>
  )
}
