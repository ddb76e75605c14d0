// Deleting an app, asked once more in a dialog that says what goes with it. Opened from the
// header's menu or the settings sheet; the action redirects to the apps list when it is done, and
// a refusal is shown in the dialog.
//
// NOTE: a navigation (Form), not a fetcher: the deletion's workspace event makes the page
// revalidate, and a revalidation of the deleted app's page racing a fetcher's redirect could win
// and show "not found" instead of the apps list.

import { Form, useActionData, useNavigation } from "@remix-run/react"
import { FormMessage } from "../form-message.tsx"
import { Button } from "../ui/button.tsx"
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "../ui/dialog.tsx"
import type { FormOutcome } from "./app-settings.tsx"

export interface DeleteAppDialogProps {
  readonly appName: string
  readonly action: string
  readonly open: boolean
  readonly onOpenChange: (open: boolean) => void
}

export function DeleteAppDialog({ appName, action, open, onOpenChange }: DeleteAppDialogProps) {
  const navigation = useNavigation()
  const outcome = useActionData<FormOutcome>()
  const deleting = navigation.state !== "idle" && navigation.formData?.get("intent") === "delete"
  return (
    <Dialog open={open} onOpenChange={(next) => (deleting ? undefined : onOpenChange(next))}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle className="break-words">Delete {appName}?</DialogTitle>
          <DialogDescription>Its conversation, versions, files and data are deleted for everyone who builds in it. This cannot be undone.</DialogDescription>
        </DialogHeader>
        <FormMessage outcome={deleting ? undefined : outcome} intent="delete" />
        <Form method="post" action={action}>
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="outline" disabled={deleting}>
                Keep it
              </Button>
            </DialogClose>
            <Button type="submit" name="intent" value="delete" variant="destructive" disabled={deleting} data-testid="confirm-delete-app">
              {deleting ? "Deleting…" : "Delete app"}
            </Button>
          </DialogFooter>
        </Form>
      </DialogContent>
    </Dialog>
  )
}
