// Settings → Usage (owners and admins): tokens and cost of every builder turn and agent run over a
// range of days, by day, app, person or runtime, with totals and the same figures as CSV. Members
// get the 403 page. The form is a GET, so a view is a link one can share or reload.

import type { LoaderFunctionArgs } from "@remix-run/node"
import { Form, Link, useLoaderData, useParams } from "@remix-run/react"
import { BarChart3, Download } from "lucide-react"
import { USAGE_GROUPS, usageRange, type UsageGroup } from "#shared/usage/usage-range.ts"
import { settingsMeta } from "../components/settings/workspace-title.ts"
import { Button } from "../components/ui/button.tsx"
import { cn } from "../components/ui/cn.ts"
import { EmptyState } from "../components/ui/empty-state.tsx"
import { Input } from "../components/ui/input.tsx"
import { Field } from "../components/ui/label.tsx"
import { Notice } from "../components/ui/notice.tsx"
import { PageHeader, PageMain } from "../components/ui/page.tsx"
import { UsageTable } from "../components/usage/usage-table.tsx"
import { load } from "../trpc/caller.server.ts"

export const meta = settingsMeta("Usage")

const GROUP_LABELS: Record<UsageGroup, { tab: string; column: string }> = {
  day: { tab: "By day", column: "Day" },
  app: { tab: "By app", column: "App" },
  person: { tab: "By person", column: "Person" },
  runtime: { tab: "By runtime", column: "Runtime" },
}

const isGroup = (value: string | null): value is UsageGroup => (USAGE_GROUPS as readonly (string | null)[]).includes(value)

export async function loader(args: LoaderFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  const search = new URL(args.request.url).searchParams
  const groupBy = isGroup(search.get("groupBy")) ? (search.get("groupBy") as UsageGroup) : "day"
  const asked = { from: search.get("from") || undefined, to: search.get("to") || undefined }
  // A range that cannot be read is said beside the form (which keeps what was typed), not as an error page.
  const range = usageRange(asked)
  return load(args, async (caller) => {
    const report = await caller.usage.summary({ workspaceId, groupBy, ...(range.ok ? { from: range.range.from, to: range.range.to } : {}) })
    return { groupBy, report, problem: range.ok ? null : range.message, asked }
  })
}

export default function UsagePage() {
  const { groupBy, report, problem, asked } = useLoaderData<typeof loader>()
  const workspaceId = useParams()["workspaceId"] ?? ""
  const from = problem ? (asked.from ?? report.from) : report.from
  const to = problem ? (asked.to ?? report.to) : report.to
  const query = (group: UsageGroup) => `?${new URLSearchParams({ from: report.from, to: report.to, groupBy: group })}`
  return (
    <PageMain>
      <PageHeader
        title="Usage"
        description="Tokens and cost of every builder turn and agent run, as the runtimes reported them. Only owners and admins see this."
        actions={
          <Button asChild variant="outline">
            <a href={`/api/w/${workspaceId}/usage.csv${query(groupBy)}`} download data-testid="usage-csv">
              <Download aria-hidden />
              Download CSV
            </a>
          </Button>
        }
      />
      <Form method="get" className="mb-4 flex flex-wrap items-end gap-3" aria-label="Date range">
        <input type="hidden" name="groupBy" value={groupBy} />
        <Field label="From" className="w-40">
          <Input type="date" name="from" defaultValue={from} required />
        </Field>
        <Field label="To" className="w-40">
          <Input type="date" name="to" defaultValue={to} required />
        </Field>
        <Button type="submit" variant="secondary">
          Show
        </Button>
        <p className="basis-full text-xs text-muted-foreground">Days are UTC, both included; at most 366 of them.</p>
      </Form>
      {problem ? (
        <Notice tone="error" className="mb-4">
          {problem} Showing {report.from} to {report.to} instead.
        </Notice>
      ) : null}
      <nav aria-label="Group usage" className="mb-4 flex gap-1 overflow-x-auto border-b">
        {USAGE_GROUPS.map((group) => (
          <Link
            key={group}
            to={query(group)}
            aria-current={group === groupBy ? "page" : undefined}
            className={cn(
              "-mb-px shrink-0 border-b-2 px-3 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-ring",
              group === groupBy ? "border-primary text-foreground" : "border-transparent text-muted-foreground hover:text-foreground",
            )}
          >
            {GROUP_LABELS[group].tab}
          </Link>
        ))}
      </nav>
      {report.rows.length === 0 ? (
        <div className="grid gap-3">
          <EmptyState icon={BarChart3} title="No usage in these days">
            Builder turns and agent runs are counted here once they end.
          </EmptyState>
          <p className="sr-only" data-testid="usage-totals">
            No runs.
          </p>
        </div>
      ) : (
        <UsageTable
          caption={`Usage ${GROUP_LABELS[groupBy].tab.toLowerCase()}, ${report.from} to ${report.to}`}
          groupLabel={GROUP_LABELS[groupBy].column}
          rows={report.rows}
          totals={report.totals}
        />
      )}
    </PageMain>
  )
}
