// The app page's panels as links, one URL each, so a panel can be linked to, reloaded and opened
// without JavaScript: Preview, Files, Data, Agents, Versions beside the chat, and on a phone (one column)
// Chat as well. On a wide screen the chat is always shown and its own URL shows the Preview, so
// the Preview tab is drawn as current there. The bar scrolls sideways within itself if it must.

import { NavLink, useMatch } from "@remix-run/react"
import { Bot, Database, Eye, FileCode2, History, MessageSquare, type LucideIcon } from "lucide-react"
import { cn } from "../ui/cn.ts"

export const APP_PANES = ["chat", "preview", "files", "data", "agents", "versions"] as const
export type AppPane = (typeof APP_PANES)[number]

const TABS: Readonly<Record<AppPane, { label: string; icon: LucideIcon }>> = {
  chat: { label: "Chat", icon: MessageSquare },
  preview: { label: "Preview", icon: Eye },
  files: { label: "Files", icon: FileCode2 },
  data: { label: "Data", icon: Database },
  agents: { label: "Agents", icon: Bot },
  versions: { label: "Versions", icon: History },
}

/** The pane a route shows, from its route id ("routes/w.$workspaceId.apps.$appId.files" → files). */
export function paneOfRoute(routeId: string | undefined): AppPane {
  const last = routeId?.split(".").at(-1)
  return APP_PANES.find((pane) => pane === last) ?? "chat"
}

export const panePath = (base: string, pane: AppPane) => (pane === "chat" ? base : `${base}/${pane}`)

const tab =
  "inline-flex h-10 shrink-0 items-center gap-1.5 border-b-2 border-transparent px-3 text-sm font-medium whitespace-nowrap text-muted-foreground -outline-offset-2 hover:text-foreground aria-[current=page]:border-primary aria-[current=page]:text-foreground"
/** The Preview tab on the chat's URL, wide screens only (where that URL shows the Preview). */
const currentWhenWide = "md:border-primary md:text-foreground"

export function PanelTabs({ base }: { base: string }) {
  const onChatUrl = useMatch({ path: base, end: true }) !== null
  return (
    <nav className="flex shrink-0 overflow-x-auto border-b px-1 sm:px-2" aria-label="App panels">
      {APP_PANES.map((pane) => {
        const { label, icon: Icon } = TABS[pane]
        return (
          <NavLink
            key={pane}
            to={panePath(base, pane)}
            end={pane === "chat"}
            className={cn(tab, pane === "chat" && "md:hidden", pane === "preview" && onChatUrl && currentWhenWide)}
            // files-tab: the name e2e tests have used since the Files view was a tab of its own.
            data-testid={pane === "files" ? "files-tab" : `${pane}-tab`}
            preventScrollReset
          >
            <Icon className="hidden size-4 sm:block" aria-hidden />
            {label}
          </NavLink>
        )
      })}
    </nav>
  )
}
