// The audit page's controls as the server renders them: the filters show the URL's values (a
// former member or deleted app stays selectable), action families come first in each group, the
// links carry the filters, and only those who manage the workspace may change the retention.

import { describe, expect, it } from "vitest"
import { auditFilterValues, auditSearch } from "#app/audit/audit-filter-params.ts"
import { AuditFilterForm } from "#app/components/audit/audit-filter-form.tsx"
import { AuditRetentionForm } from "#app/components/audit/audit-retention-form.tsx"
import { renderInRouter, textOf } from "#tests/fixtures/render-in-router.tsx"

const BEA = "beabeabeabeabeabeabeabea"
const GONE = "gonegonegonegonegonegone"
const APP = "appappappappappappappapp"
const choices = { people: [{ userId: BEA, displayName: "Bea", email: "bea@example.com" }], apps: [{ id: APP, name: "Lunch orders" }] }

describe("the audit filters", () => {
  it("show the URL's filters, with every action and family to choose from", async () => {
    const filters = auditFilterValues(new URLSearchParams(`actor=${GONE}&action=app.&app=${APP}&from=2026-03-01&to=2026-03-02T10:00:00Z`))
    const html = await renderInRouter(<AuditFilterForm filters={filters} choices={choices} />, "http://localhost/w/x/settings/audit")
    expect(html).toMatch(/<form method="get"/)
    expect(html).toContain(`<option value="${GONE}" selected="">Someone no longer here</option>`)
    expect(html).toContain('<option value="app." selected="">All app events</option>')
    expect(html).toContain('<option value="review.approved">Review approved</option>')
    expect(html).toContain(`<option value="${APP}" selected="">Lunch orders</option>`)
    expect(html).toContain('name="from" value="2026-03-01"')
    expect(html).toContain('name="to" value="2026-03-02"')
    expect(textOf(html)).toContain("Clear")
  })

  it("carry into links only the filters that are set", () => {
    const filters = auditFilterValues(new URLSearchParams("action=review.&actor=&from= 2026-03-01 "))
    expect(auditSearch(filters, { format: "csv" })).toBe("?action=review.&from=2026-03-01&format=csv")
    expect(auditSearch(auditFilterValues(new URLSearchParams("")))).toBe("")
  })
})

describe("the retention control", () => {
  it("offers the choices to those who manage the workspace, and says the setting to others", async () => {
    const form = await renderInRouter(<AuditRetentionForm retentionDays={365} canChange />)
    expect(form).toContain('<option value="365" selected="">1 year</option>')
    expect(form).toContain('<option value="forever">Forever</option>')
    expect(textOf(await renderInRouter(<AuditRetentionForm retentionDays={45} canChange={false} />))).toBe("Events are kept for 45 days.")
    expect(textOf(await renderInRouter(<AuditRetentionForm retentionDays={null} canChange={false} />))).toBe("Events are kept forever.")
  })
})
