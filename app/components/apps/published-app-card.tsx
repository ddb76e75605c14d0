// One published app on a colleague's home ("Apps for you"): its name and what it is for, who it is
// shared with, and when it was published. The whole card is the link to the published app.

import { Users } from "lucide-react"
import type { PublishedAppCard as PublishedAppCardData } from "#shared/publishing/publishing.ts"
import { audienceText } from "../publishing/publishing-text.ts"
import { RelativeTime } from "../ui/relative-time.tsx"
import { APP_CARD, AppCardHead } from "./app-card.tsx"

export function PublishedAppCard({ app, href, workspaceName }: { app: PublishedAppCardData; href: string; workspaceName: string }) {
  return (
    <li data-testid="published-app-item" data-app-id={app.appId} className={APP_CARD}>
      <AppCardHead name={app.name} href={href}>
        {app.description ? <p className="line-clamp-2 text-muted-foreground">{app.description}</p> : null}
      </AppCardHead>
      <div className="mt-auto flex min-w-0 flex-wrap items-center gap-x-3 gap-y-1.5 text-xs text-muted-foreground">
        <span className="inline-flex min-w-0 items-center gap-1" data-testid="published-app-audience">
          <Users className="size-3.5 shrink-0" aria-hidden />
          <span className="sr-only">Shared with</span>
          <span className="truncate">{audienceText(app.audience, workspaceName)}</span>
        </span>
        <RelativeTime iso={app.publishedAt} prefix="published" />
      </div>
    </li>
  )
}
