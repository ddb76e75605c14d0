// The frame of every workspace page: the workspace switcher, the sections the viewer's role can
// open, and the person's menu. Not a member (or no such workspace): 404.

import type { LoaderFunctionArgs } from "@remix-run/node"
import { data } from "@remix-run/node"
import { Link, NavLink, Outlet, useLoaderData } from "@remix-run/react"
import { useEffect, useRef } from "react"
import { cn } from "../components/ui/cn.ts"
import { LogoMark } from "../components/ui/logo.tsx"
import { changesAskedOf } from "../components/publishing/review-attention.ts"
import { ReviewCount } from "../components/workspace-frame/review-count.tsx"
import { AccountMenu, WorkspaceSwitcher } from "../components/workspace-frame/workspace-menus.tsx"
import { ID_PATTERN } from "#shared/ids.ts"
import { serializeCookie } from "../auth/session-cookie.server.ts"
import { isSecureRequest } from "../auth/viewer.server.ts"
import { useRevalidateOnWorkspaceEvents } from "../events/use-workspace-events.ts"
import { load } from "../trpc/caller.server.ts"
import { LAST_WORKSPACE_COOKIE } from "../workspaces/last-workspace.server.ts"
import { telemetryForPage } from "../telemetry/analytics-preference.server.ts"
import { TelemetryState } from "../telemetry/capture.ts"

export async function loader(args: LoaderFunctionArgs) {
  const workspaceId = args.params["workspaceId"] ?? ""
  if (!ID_PATTERN.test(workspaceId)) throw new Response("Workspace not found.", { status: 404 })
  const [workspace, workspaces, me, pendingReviews] = await load(args, async (caller) => {
    const [workspace, workspaces, me] = await Promise.all([caller.workspaces.get({ workspaceId }), caller.workspaces.list(), caller.auth.me()])
    // Beside Reviews, the requests waiting for the people who decide them, or a member's own requests
    // sent back for changes (not asked again); failing costs the count, not the page.
    const viewerId = me.user?.id ?? ""
    const pendingReviews = workspace.permissions.includes("apps:publish")
      ? await caller.reviews.list({ workspaceId, status: "pending" }).then(({ reviews }) => ({ count: reviews.length, kind: "waiting" as const }), () => null)
      : workspace.permissions.includes("apps:build") && me.user
        ? await caller.reviews.list({ workspaceId }).then(({ reviews }) => ({ count: changesAskedOf(reviews, viewerId), kind: "changes" as const }), () => null)
        : null
    return [workspace, workspaces, me, pendingReviews] as const
  })
  const remember = serializeCookie(LAST_WORKSPACE_COOKIE, workspaceId, {
    secure: isSecureRequest(args.request, args.context.services.config),
    maxAgeSeconds: 365 * 24 * 60 * 60,
  })
  const telemetry = await telemetryForPage(args.context.services, me.user?.id ?? null)
  return data({ workspace, workspaces, user: me.user, pendingReviews, telemetry }, { headers: { "set-cookie": remember } })
}

const tab = ({ isActive }: { isActive: boolean }) =>
  cn(
    "flex h-10 shrink-0 items-center whitespace-nowrap border-b-2 border-transparent text-sm font-medium text-muted-foreground transition-colors hover:text-foreground",
    isActive && "active border-primary text-foreground",
  )

/**
 * On a phone the tab strip scrolls sideways, and the current tab (Integrations, Audit log) can
 * start off screen: bring it into view once, where the page loads. Nothing moves on a wide screen.
 */
function useCurrentTabInView() {
  const strip = useRef<HTMLElement>(null)
  useEffect(() => {
    const nav = strip.current
    if (!nav || nav.scrollWidth <= nav.clientWidth) return
    const current = nav.querySelector<HTMLElement>('a[aria-current="page"]')
    if (!current) return
    const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches
    current.scrollIntoView({ block: "nearest", inline: "center", behavior: reduced ? "auto" : "smooth" })
  }, [])
  return strip
}

export default function WorkspaceLayout() {
  const { workspace, workspaces, user, pendingReviews, telemetry } = useLoaderData<typeof loader>()
  // Lists on every workspace page refresh when something in the workspace changes.
  useRevalidateOnWorkspaceEvents(workspace.id)
  const may = (permission: string) => workspace.permissions.includes(permission as never)
  const base = `/w/${workspace.id}`
  const strip = useCurrentTabInView()
  return (
    <div className="flex min-h-dvh flex-col">
      {/* The first Tab on every workspace page: past the switcher, menu and section tabs. */}
      <a
        href="#content"
        className="sr-only rounded-md bg-primary px-3 py-2 text-sm font-medium text-primary-foreground focus:not-sr-only focus:fixed focus:left-3 focus:top-2 focus:z-50"
      >
        Skip to content
      </a>
      <header className="sticky top-0 z-40 border-b bg-background/95 backdrop-blur-sm">
        <div className="flex h-12 items-center gap-1 px-3 sm:gap-2 sm:px-4">
          <Link to="/" className="flex shrink-0 items-center rounded-md p-1" aria-label="Second, home">
            <LogoMark />
          </Link>
          <span aria-hidden className="text-border">
            /
          </span>
          <WorkspaceSwitcher current={workspace} workspaces={workspaces} />
          <span className="flex-1" />
          {user ? <AccountMenu user={user} analytics={telemetry.analytics} /> : null}
          <TelemetryState analytics={telemetry.analytics?.choice ?? null} reportErrors={telemetry.reportBrowserErrors} />
        </div>
        {/* On a phone the section tabs scroll sideways within their bar; the page itself never does. */}
        <nav ref={strip} className="flex gap-5 overflow-x-auto px-4 [scrollbar-width:none]" aria-label="Workspace sections">
          <NavLink to={base} end className={tab}>
            Overview
          </NavLink>
          <NavLink to={`${base}/apps`} className={tab} data-testid="nav-apps">
            Apps
          </NavLink>
          {may("apps:build") ? (
            <NavLink to={`${base}/reviews`} className={tab} data-testid="nav-reviews">
              Reviews
              {pendingReviews && pendingReviews.count > 0 ? <ReviewCount count={pendingReviews.count} kind={pendingReviews.kind} /> : null}
            </NavLink>
          ) : null}
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
          {may("integrations:connect") ? (
            <NavLink to={`${base}/settings/connected-apps`} className={tab}>
              Connected apps
            </NavLink>
          ) : null}
          {may("integrations:manage") ? (
            <NavLink to={`${base}/settings/integrations`} className={tab}>
              Integrations
            </NavLink>
          ) : null}
          {may("audit:read") ? (
            <NavLink to={`${base}/settings/audit`} className={tab}>
              Audit log
            </NavLink>
          ) : null}
          {may("usage:read") ? (
            <NavLink to={`${base}/settings/usage`} className={tab}>
              Usage
            </NavLink>
          ) : null}
          {may("workspace:manage") ? (
            <NavLink to={`${base}/settings/runtime`} className={tab}>
              Runtime
            </NavLink>
          ) : null}
        </nav>
      </header>
      <div id="content" tabIndex={-1} className="flex flex-1 flex-col outline-none">
        <Outlet />
      </div>
    </div>
  )
}
