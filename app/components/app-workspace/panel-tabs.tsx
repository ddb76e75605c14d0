// The app page's panels as links, one URL each, so a panel can be linked to, reloaded and opened
// without JavaScript: Preview, Files, Data, Versions beside the chat, and on a phone (one column)
// Chat as well. On a wide screen the chat is always shown and its own URL shows the Preview, so
// the Preview tab is drawn as current there (CSS: .app-workspace[data-pane="chat"]).

import { NavLink } from "@remix-run/react"

export const APP_PANES = ["chat", "preview", "files", "data", "versions"] as const
export type AppPane = (typeof APP_PANES)[number]

const LABELS: Readonly<Record<AppPane, string>> = { chat: "Chat", preview: "Preview", files: "Files", data: "Data", versions: "Versions" }

/** The pane a route shows, from its route id ("routes/w.$workspaceId.apps.$appId.files" → files). */
export function paneOfRoute(routeId: string | undefined): AppPane {
  const last = routeId?.split(".").at(-1)
  return APP_PANES.find((pane) => pane === last) ?? "chat"
}

export const panePath = (base: string, pane: AppPane) => (pane === "chat" ? base : `${base}/${pane}`)

const tabClass = (pane: AppPane) => ({ isActive }: { isActive: boolean }) => `panel-tab panel-tab-${pane}${isActive ? " active" : ""}`

export function PanelTabs({ base }: { base: string }) {
  return (
    <nav className="tabs panel-tabs" aria-label="App panels">
      {APP_PANES.map((pane) => (
        <NavLink
          key={pane}
          to={panePath(base, pane)}
          end={pane === "chat"}
          className={tabClass(pane)}
          // files-tab: the name e2e tests have used since the Files view was a tab of its own.
          data-testid={pane === "files" ? "files-tab" : `${pane}-tab`}
          preventScrollReset
        >
          {LABELS[pane]}
        </NavLink>
      ))}
    </nav>
  )
}
