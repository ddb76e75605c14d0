// The frame of every workspace page: the workspace switcher, the sections the viewer's role can
// open, and the person's menu. Not a member (or no such workspace): 404.

import type { LoaderFunctionArgs } from "@remix-run/node"
import { data } from "@remix-run/node"
import { Form, Link, NavLink, Outlet, useLoaderData } from "@remix-run/react"
import { ID_PATTERN } from "#shared/ids.ts"
import { serializeCookie } from "../auth/session-cookie.server.ts"
import { isSecureRequest } from "../auth/viewer.server.ts"
import { useRevalidateOnWorkspaceEvents } from "../events/use-workspace-events.ts"
import { load } from "../trpc/caller.server.ts"
import { LAST_WORKSPACE_COOKIE } from "../workspaces/last-workspace.server.ts"

export async function loader(args: LoaderFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  if (!ID_PATTERN.test(workspaceId)) throw new Response("Workspace not found.", { status: 404 })
  const [workspace, workspaces, me] = await load(args, (caller) =>
    Promise.all([caller.workspaces.get({ workspaceId }), caller.workspaces.list(), caller.auth.me()]),
  )
  const remember = serializeCookie(LAST_WORKSPACE_COOKIE, workspaceId, {
    secure: isSecureRequest(args.request, args.context.services.config),
    maxAgeSeconds: 365 * 24 * 60 * 60,
  })
  return data({ workspace, workspaces, user: me.user }, { headers: { "set-cookie": remember } })
}

const tab = ({ isActive }: { isActive: boolean }) => (isActive ? "active" : "")

export default function WorkspaceLayout() {
  const { workspace, workspaces, user } = useLoaderData<typeof loader>()
  // Lists on every workspace page refresh when something in the workspace changes.
  useRevalidateOnWorkspaceEvents(workspace.id)
  const may = (permission: string) => workspace.permissions.includes(permission as never)
  const base = `/w/${workspace.id}`
  return (
    <>
      <header className="topbar">
        <Link to="/" className="brand">
          Second
        </Link>
        <details className="switcher">
          <summary data-testid="workspace-switcher">{workspace.name} ▾</summary>
          <ul>
            {workspaces.map((other) => (
              <li key={other.id}>
                <Link to={`/w/${other.id}`} aria-current={other.id === workspace.id}>
                  {other.name} <span className="muted">({other.role})</span>
                </Link>
              </li>
            ))}
            <li>
              <Link to="/workspaces/new">+ New workspace</Link>
            </li>
          </ul>
        </details>
        <span className="spacer" />
        <Link to="/account" className="muted" data-testid="signed-in-as">
          {user?.displayName}
        </Link>
        <Form method="post" action="/auth/sign-out" className="inline">
          <button type="submit">Sign out</button>
        </Form>
      </header>
      <nav className="tabs" aria-label="Workspace sections">
        <NavLink to={base} end className={tab}>
          Overview
        </NavLink>
        <NavLink to={`${base}/apps`} className={tab} data-testid="nav-apps">
          Apps
        </NavLink>
        <NavLink to={`${base}/settings/members`} className={tab}>
          Members
        </NavLink>
        {may("members:invite") ? (
          <NavLink to={`${base}/settings/invitations`} className={tab}>
            Invitations
          </NavLink>
        ) : null}
        <NavLink to={`${base}/settings/teams`} className={tab}>
          Teams
        </NavLink>
        {may("audit:read") ? (
          <NavLink to={`${base}/settings/audit`} className={tab}>
            Audit log
          </NavLink>
        ) : null}
      </nav>
      <Outlet />
    </>
  )
}
