// Settings → Audit log (admins): every membership, role, invitation, team, app, publishing and
// integration change, as sentences with names, newest first; each opens its details. Filters
// (person, action, app, days) live in the query string; "Load more" reads the next page on the
// keyset; the same filters download as CSV or JSON Lines; admins set how long events are kept.

import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node"
import { Link, useActionData, useFetcher, useLoaderData, useLocation, useParams } from "@remix-run/react"
import { Download, ScrollText } from "lucide-react"
import { useEffect, useRef, useState } from "react"
import { auditFilterValues, auditSearch, hasAuditFilters } from "../audit/audit-filter-params.ts"
import { AuditFilterForm } from "../components/audit/audit-filter-form.tsx"
import { AuditRetentionForm, keptFor } from "../components/audit/audit-retention-form.tsx"
import { AuditRow } from "../components/settings/audit-row.tsx"
import { settingsMeta } from "../components/settings/workspace-title.ts"
import { Button } from "../components/ui/button.tsx"
import { EmptyState } from "../components/ui/empty-state.tsx"
import { Notice } from "../components/ui/notice.tsx"
import { PageHeader, PageMain, SectionTitle } from "../components/ui/page.tsx"
import { readForm } from "../forms/read-form.server.ts"
import type { AuditDirectory, AuditEventView } from "../text/audit-sentence.ts"
import { act, field, load, reply } from "../trpc/caller.server.ts"

export const meta = settingsMeta("Audit log")

const PAGE_SIZE = 100

export async function loader(args: LoaderFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  const search = new URL(args.request.url).searchParams
  const filters = auditFilterValues(search)
  const cursor = search.get("cursor") ?? ""
  const given = (value: string) => (value === "" ? undefined : value)
  return load(args, async (caller) => {
    const [workspace, feed, retention, members, apps] = await Promise.all([
      caller.workspaces.get({ workspaceId }),
      caller.audit.feed({
        workspaceId,
        limit: PAGE_SIZE,
        cursor: given(cursor),
        actorUserId: given(filters.actor),
        action: given(filters.action),
        appId: given(filters.app),
        from: given(filters.from),
        to: given(filters.to),
      }),
      caller.audit.retention({ workspaceId }),
      caller.members.list({ workspaceId }),
      caller.apps.list({ workspaceId }),
    ])
    return {
      workspaceName: workspace.name,
      canManage: workspace.permissions.includes("workspace:manage"),
      retentionDays: retention.retentionDays,
      people: members.map(({ userId, displayName, email }) => ({ userId, displayName, email })),
      apps: apps.map(({ id, name }) => ({ id, name })),
      filters,
      ...feed,
    }
  })
}

export async function action(args: ActionFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  const form = await readForm(args.request)
  const chosen = field(form, "retentionDays")
  return reply(
    await act(args, "retention", async (caller) => {
      const { retentionDays } = await caller.audit.setRetention({ workspaceId, retentionDays: chosen === "forever" ? null : Number(chosen) })
      return { done: `The audit log now keeps events ${keptFor(retentionDays)}.` }
    }),
  )
}

interface LoadedPage {
  readonly events: readonly AuditEventView[]
  readonly directory: AuditDirectory
}

export default function AuditLog() {
  const data = useLoaderData<typeof loader>()
  const outcome = useActionData<typeof action>()
  const location = useLocation()
  const { workspaceId = "" } = useParams()
  const more = useFetcher<typeof loader>()
  // Pages read by "Load more" after the loader's first one, for the filters they were read with.
  const [extra, setExtra] = useState<{ search: string; pages: LoadedPage[]; nextCursor: string | null } | null>(null)
  const requestedFor = useRef<string | null>(null)
  const list = useRef<HTMLOListElement>(null)
  const focusRow = useRef<number | null>(null)
  useEffect(() => {
    // Only the answer to a click, for the filters shown (not a revalidation, not older filters).
    if (more.state !== "idle" || !more.data || requestedFor.current !== location.search) return
    requestedFor.current = null
    const page = more.data
    setExtra((current) => ({
      search: location.search,
      pages: [...(current?.search === location.search ? current.pages : []), { events: page.events, directory: page.directory }],
      nextCursor: page.nextCursor,
    }))
  }, [more.state, more.data, location.search])
  const loaded = extra?.search === location.search ? extra : null
  const pages: LoadedPage[] = [{ events: data.events, directory: data.directory }, ...(loaded?.pages ?? [])]
  const nextCursor = loaded ? loaded.nextCursor : data.nextCursor
  const count = pages.reduce((sum, page) => sum + page.events.length, 0)
  // Keyboard users continue where the new events start: on the first new row's Details button.
  useEffect(() => {
    if (focusRow.current === null) return
    list.current?.children[focusRow.current]?.querySelector("button")?.focus()
    focusRow.current = null
  }, [count])
  const loadMore = (search: string) => {
    if (more.state !== "idle") return
    requestedFor.current = location.search
    focusRow.current = count
    more.load(`${location.pathname}${search}`)
  }

  const filtered = hasAuditFilters(data.filters)
  const moreSearch = nextCursor === null ? null : auditSearch(data.filters, { cursor: nextCursor })
  const exportHref = (format: string) => `/api/w/${workspaceId}/audit/export${auditSearch(data.filters, { format })}`
  return (
    <PageMain>
      <PageHeader
        title="Audit log"
        description={`Who changed what in ${data.workspaceName}: members, roles, invitations, teams, apps, publishing and integrations, newest first. Only owners and admins see this.`}
        actions={
          <div className="grid gap-1.5">
            <div className="flex flex-wrap gap-2 sm:justify-end">
              <Button asChild variant="outline" size="sm">
                <a href={exportHref("csv")} download aria-describedby="audit-export-order">
                  <Download aria-hidden />
                  CSV<span className="sr-only"> download{filtered ? " of the filtered events" : ""}</span>
                </a>
              </Button>
              <Button asChild variant="outline" size="sm">
                <a href={exportHref("jsonl")} download aria-describedby="audit-export-order">
                  <Download aria-hidden />
                  JSON Lines<span className="sr-only"> download{filtered ? " of the filtered events" : ""}</span>
                </a>
              </Button>
            </div>
            {/* Unlike the list below: a file reads from its start, as a record does. */}
            <p id="audit-export-order" className="text-xs text-muted-foreground sm:text-right">
              Downloads list events oldest first.
            </p>
          </div>
        }
      />
      <AuditFilterForm filters={data.filters} choices={{ people: data.people, apps: data.apps }} />
      {count === 0 ? (
        <EmptyState icon={ScrollText} title={filtered ? "No events match these filters" : "Nothing recorded yet"}>
          {filtered ? "Try another person, action, app or days, or clear the filters." : "Changes to members, invitations, teams and apps will be listed here."}
        </EmptyState>
      ) : (
        <ol ref={list} className="divide-y rounded-xl border bg-card" aria-label="Audit events, newest first">
          {pages.map((page) =>
            page.events.map((event) => (
              <AuditRow key={event.id} event={event} directory={page.directory} />
            )),
          )}
        </ol>
      )}
      {moreSearch !== null ? (
        <div className="mt-3 flex justify-center">
          <Button asChild variant="outline">
            {/* Without JavaScript the link opens the next page; with it, the page grows in place. */}
            <Link
              to={moreSearch}
              onClick={(event) => {
                event.preventDefault()
                loadMore(moreSearch)
              }}
              aria-disabled={more.state !== "idle"}
            >
              {more.state === "idle" ? "Load more" : "Loading…"}
            </Link>
          </Button>
        </div>
      ) : null}
      <section className="mt-10" aria-labelledby="retention-title">
        <SectionTitle id="retention-title">Retention</SectionTitle>
        {outcome ? (
          <div className="mb-3">{outcome.ok ? <Notice tone="success">{outcome.data.done}</Notice> : <Notice tone="error">{outcome.message}</Notice>}</div>
        ) : null}
        <AuditRetentionForm retentionDays={data.retentionDays} canChange={data.canManage} />
      </section>
    </PageMain>
  )
}
