// Settings → Audit log (admins): every membership, role, invitation, team and app change, as
// sentences with names, newest first; each opens its details.

import type { LoaderFunctionArgs } from "@remix-run/node"
import { useLoaderData } from "@remix-run/react"
import { ScrollText } from "lucide-react"
import { AuditRow } from "../components/settings/audit-row.tsx"
import { settingsMeta } from "../components/settings/workspace-title.ts"
import { EmptyState } from "../components/ui/empty-state.tsx"
import { PageHeader, PageMain } from "../components/ui/page.tsx"
import { load } from "../trpc/caller.server.ts"

export const meta = settingsMeta("Audit log")

const PAGE_SIZE = 200

export async function loader(args: LoaderFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  return load(args, async (caller) => {
    const [workspace, feed] = await Promise.all([caller.workspaces.get({ workspaceId }), caller.audit.feed({ workspaceId, limit: PAGE_SIZE })])
    return { workspaceName: workspace.name, ...feed }
  })
}

export default function AuditLog() {
  const { workspaceName, events, directory } = useLoaderData<typeof loader>()
  return (
    <PageMain>
      <PageHeader
        title="Audit log"
        description={`Who changed what in ${workspaceName}: members, roles, invitations, teams and apps, newest first. Only owners and admins see this.`}
      />
      {events.length === 0 ? (
        <EmptyState icon={ScrollText} title="Nothing recorded yet">
          Changes to members, invitations, teams and apps will be listed here.
        </EmptyState>
      ) : (
        <>
          <ol className="divide-y rounded-xl border bg-card" aria-label="Audit events, newest first">
            {events.map((event) => (
              <AuditRow key={event.id} event={event} directory={directory} />
            ))}
          </ol>
          {events.length === PAGE_SIZE ? <p className="mt-3 text-sm text-muted-foreground">Showing the latest {PAGE_SIZE} events.</p> : null}
        </>
      )}
    </PageMain>
  )
}
