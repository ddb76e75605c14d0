// The audit log's filters: who, what, which app and when, as a GET form so the filters live in the
// URL (shareable, back button, works without JavaScript). Native selects and date fields: the
// keyboard and a phone's own pickers work as everywhere else.

import { Form, Link } from "@remix-run/react"
import { Filter } from "lucide-react"
import { AUDIT_ACTION_PREFIXES, AUDIT_ACTIONS } from "../../audit/audit-actions.ts"
import { auditActionLabel, auditFamilyLabel, hasAuditFilters, type AuditFilterValues } from "../../audit/audit-filter-params.ts"
import { Button } from "../ui/button.tsx"
import { Input, Select } from "../ui/input.tsx"
import { Field } from "../ui/label.tsx"

export interface AuditFilterChoices {
  readonly people: readonly { readonly userId: string; readonly displayName: string; readonly email: string }[]
  readonly apps: readonly { readonly id: string; readonly name: string }[]
}

/** An id in the URL that is no longer a choice (a former member, a deleted app) stays selectable. */
const withCurrent = (options: readonly { value: string; label: string }[], current: string, label: string) =>
  current === "" || options.some((option) => option.value === current) ? options : [...options, { value: current, label }]

export function AuditFilterForm({ filters, choices }: { filters: AuditFilterValues; choices: AuditFilterChoices }) {
  const people = withCurrent(
    choices.people.map((person) => ({ value: person.userId, label: `${person.displayName} (${person.email})` })),
    filters.actor,
    "Someone no longer here",
  )
  const apps = withCurrent(
    choices.apps.map((app) => ({ value: app.id, label: app.name })),
    filters.app,
    "A deleted app",
  )
  return (
    // key: a navigation to other filters (back button, Clear) resets the fields to the URL's values.
    <Form method="get" key={JSON.stringify(filters)} className="mb-6 grid gap-3 rounded-xl border bg-card p-4 sm:grid-cols-2 lg:grid-cols-6" aria-label="Filter the audit log">
      <Field label="Person" className="lg:col-span-2">
        <Select name="actor" defaultValue={filters.actor}>
          <option value="">Everyone</option>
          {people.map((person) => (
            <option key={person.value} value={person.value}>
              {person.label}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Action" className="lg:col-span-2">
        <Select name="action" defaultValue={filters.action}>
          <option value="">All actions</option>
          {AUDIT_ACTION_PREFIXES.map((prefix) => (
            <optgroup key={prefix} label={auditFamilyLabel(prefix).replace(/^All /, "").replace(/ events$/, "")}>
              <option value={prefix}>{auditFamilyLabel(prefix)}</option>
              {AUDIT_ACTIONS.filter((action) => action.startsWith(prefix)).map((action) => (
                <option key={action} value={action}>
                  {auditActionLabel(action)}
                </option>
              ))}
            </optgroup>
          ))}
        </Select>
      </Field>
      <Field label="App" className="lg:col-span-2">
        <Select name="app" defaultValue={filters.app}>
          <option value="">Any app or none</option>
          {apps.map((app) => (
            <option key={app.value} value={app.value}>
              {app.label}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="From (UTC day)" className="lg:col-span-2">
        <Input type="date" name="from" defaultValue={filters.from.slice(0, 10)} />
      </Field>
      <Field label="To (UTC day, included)" className="lg:col-span-2">
        <Input type="date" name="to" defaultValue={filters.to.slice(0, 10)} />
      </Field>
      <div className="flex items-end gap-2 lg:col-span-2">
        <Button type="submit" variant="secondary">
          <Filter aria-hidden />
          Apply filters
        </Button>
        {hasAuditFilters(filters) ? (
          <Button asChild variant="ghost">
            <Link to="?">Clear</Link>
          </Button>
        ) : null}
      </div>
    </Form>
  )
}
