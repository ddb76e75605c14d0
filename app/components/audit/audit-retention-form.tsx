// How long the workspace keeps its audit log: a choice for those who manage the workspace, a
// sentence for everyone else who reads the log.

import { Form, useNavigation } from "@remix-run/react"
import { Button } from "../ui/button.tsx"
import { Select } from "../ui/input.tsx"
import { Field } from "../ui/label.tsx"

const CHOICES = [30, 90, 180, 365, 730, 1095, 1825, 2555, 3650] as const

export const retentionWords = (days: number | null) =>
  days === null ? "forever" : days % 365 === 0 ? `${days / 365} ${days === 365 ? "year" : "years"}` : `${days} days`

/** "forever", "for 90 days", "for 1 year". */
export const keptFor = (days: number | null) => (days === null ? "forever" : `for ${retentionWords(days)}`)

export function AuditRetentionForm({ retentionDays, canChange }: { retentionDays: number | null; canChange: boolean }) {
  const navigation = useNavigation()
  const saving = navigation.state === "submitting" && navigation.formData?.get("intent") === "retention"
  if (!canChange) {
    return <p className="text-sm text-muted-foreground">Events are kept {keptFor(retentionDays)}.</p>
  }
  const choices: readonly number[] = retentionDays === null || (CHOICES as readonly number[]).includes(retentionDays) ? CHOICES : [...CHOICES, retentionDays].sort((a, b) => a - b)
  return (
    <Form method="post" className="flex flex-col gap-2 sm:flex-row sm:items-end" aria-label="Audit log retention">
      <input type="hidden" name="intent" value="retention" />
      <Field label="Keep events" hint="Older events are deleted within the hour; the deletion is recorded here." className="sm:w-72">
        <Select name="retentionDays" defaultValue={retentionDays === null ? "forever" : String(retentionDays)} key={String(retentionDays)}>
          <option value="forever">Forever</option>
          {choices.map((days) => (
            <option key={days} value={String(days)}>
              {retentionWords(days)}
            </option>
          ))}
        </Select>
      </Field>
      <Button type="submit" variant="secondary" disabled={saving} className="sm:mb-5">
        {saving ? "Saving…" : "Save retention"}
      </Button>
    </Form>
  )
}
