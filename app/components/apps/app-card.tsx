// One app in a list: its name and what it is for, the runtime that builds it, who built it and
// when it last changed, and whether an agent is working on it right now. The whole card is the
// link to the app.

import { Link } from "@remix-run/react"
import { AppWindow } from "lucide-react"
import type { ReactNode } from "react"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { runtimeLabel } from "../builder/runtime-picker.tsx"
import { Badge } from "../ui/badge.tsx"
import { RelativeTime } from "../ui/relative-time.tsx"
import { Spinner } from "../ui/spinner.tsx"

export interface AppCardData {
  readonly id: string
  readonly name: string
  readonly description: string | null
  readonly runtime: RuntimeId
  readonly running: boolean
  readonly updatedAt: string
}

/** The card's box; the whole card is one link (see AppCardHead). */
export const APP_CARD = "group relative flex min-w-0 flex-col gap-3 rounded-xl border bg-card p-4 shadow-xs transition-colors hover:border-primary/40 hover:bg-accent/40"

/** The icon, the name as the card's link, and what goes under the name. */
export function AppCardHead({ name, href, children }: { name: string; href: string; children?: ReactNode }) {
  return (
    <div className="flex min-w-0 items-start gap-3">
      <span className="flex size-9 shrink-0 items-center justify-center rounded-lg bg-accent text-primary">
        <AppWindow className="size-4" aria-hidden />
      </span>
      <div className="grid min-w-0 flex-1 gap-0.5">
        {/* The link's box covers the card (after:absolute), so the card clicks as one. */}
        <Link to={href} className="truncate font-medium after:absolute after:inset-0 after:rounded-xl" title={name}>
          {name}
        </Link>
        {children}
      </div>
    </div>
  )
}

export function AppCard({ app, href, builtBy }: { app: AppCardData; href: string; builtBy: string | null }) {
  return (
    <li data-testid="app-item" data-app-id={app.id} className={APP_CARD}>
      <AppCardHead name={app.name} href={href}>
        {app.description ? (
          <p className="line-clamp-2 text-muted-foreground" data-testid="app-description">
            {app.description}
          </p>
        ) : (
          <p className="text-muted-foreground">No description yet: the builder writes one as it works.</p>
        )}
      </AppCardHead>
      <div className="mt-auto flex flex-wrap items-center gap-x-3 gap-y-1.5 text-xs text-muted-foreground">
        <Badge variant="outline">{runtimeLabel(app.runtime)}</Badge>
        {app.running ? (
          <Badge variant="primary" data-testid="app-running">
            <Spinner label="Working" className="size-3 text-primary" />
            working
          </Badge>
        ) : null}
        <span className="min-w-0 truncate">
          {builtBy ? `${builtBy} · ` : ""}
          <RelativeTime iso={app.updatedAt} prefix="updated" />
        </span>
      </div>
    </li>
  )
}
