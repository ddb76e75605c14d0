// Settings → Audit log (admins): every membership, role, invitation and team change.

import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { useLoaderData } from "@remix-run/react"
import { load } from "../trpc/caller.server.ts"

export const meta: MetaFunction = () => [{ title: "Audit log · Second" }]

export async function loader(args: LoaderFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  return load(args, async (caller) => {
    const [events, members] = await Promise.all([caller.audit.list({ workspaceId, limit: 200 }), caller.members.list({ workspaceId })])
    return { events, names: Object.fromEntries(members.map((member) => [member.userId, member.displayName])) }
  })
}

const describe = (value: Readonly<Record<string, unknown>> | null) => (value ? JSON.stringify(value) : "—")

export default function AuditLog() {
  const { events, names } = useLoaderData<typeof loader>()
  return (
    <main className="page">
      <h1>Audit log</h1>
      <table>
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>What</th>
            <th>Before</th>
            <th>After</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id} data-testid="audit-row">
              <td className="muted">{new Date(event.occurredAt).toUTCString()}</td>
              <td>{event.actorUserId ? (names[event.actorUserId] ?? "former member") : "identity provider"}</td>
              <td>
                {event.action} <span className="muted">{event.targetType === "member" ? names[event.targetId] ?? "" : ""}</span>
              </td>
              <td className="muted">{describe(event.before)}</td>
              <td className="muted">{describe(event.after)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  )
}
