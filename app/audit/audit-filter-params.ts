// The audit page's filters in the URL (?actor=&action=&app=&from=&to=), shared by the page, its
// "Load more" and the export links so each carries the same filters. Pure: pages import it.

import { humanizeAction } from "../text/audit-sentence.ts"

export const AUDIT_FILTER_PARAMS = ["actor", "action", "app", "from", "to"] as const
export type AuditFilterParam = (typeof AUDIT_FILTER_PARAMS)[number]

export type AuditFilterValues = Readonly<Record<AuditFilterParam, string>>

export function auditFilterValues(search: URLSearchParams): AuditFilterValues {
  return Object.fromEntries(AUDIT_FILTER_PARAMS.map((name) => [name, search.get(name)?.trim() ?? ""])) as AuditFilterValues
}

/** "?action=app.&format=csv": the filters that are set, then `extra`; "" when nothing is. */
export function auditSearch(filters: AuditFilterValues, extra: Readonly<Record<string, string>> = {}): string {
  const search = new URLSearchParams()
  for (const name of AUDIT_FILTER_PARAMS) if (filters[name] !== "") search.set(name, filters[name])
  for (const [name, value] of Object.entries(extra)) search.set(name, value)
  const text = search.toString()
  return text === "" ? "" : `?${text}`
}

export const hasAuditFilters = (filters: AuditFilterValues) => AUDIT_FILTER_PARAMS.some((name) => filters[name] !== "")

const capitalized = (words: string) => words.charAt(0).toUpperCase() + words.slice(1)

/** "app.published" → "App published". */
export const auditActionLabel = (action: string) => capitalized(humanizeAction(action))

/** "agent_run." → "All agent run events". */
export const auditFamilyLabel = (prefix: string) => `All ${humanizeAction(prefix)} events`
