// What the app page hands the panel routes (Files, Data, Versions) through its Outlet: which app,
// its versions, and whether the builder is working; and the app's name for the panels' titles.

import { useOutletContext } from "@remix-run/react"

export interface VersionView {
  readonly id: string
  readonly number: number
  readonly createdAt: string
  readonly requestedBy: { readonly id: string; readonly name: string } | null
  readonly message: string | null
  readonly summary: string | null
  readonly restoredFromNumber: number | null
  readonly current: boolean
}

export interface AppPanelContext {
  readonly workspaceId: string
  readonly appId: string
  /** The app page's URL; its forms post there. */
  readonly base: string
  readonly versions: readonly VersionView[]
  /** A builder run is working: restoring would be refused. */
  readonly working: boolean
}

export const useAppPanel = () => useOutletContext<AppPanelContext>()

/** The app's name from the app page's loader data, for the titles of its panels ("Files · Lunch · Acme · Second"). */
export function appNameIn(matches: readonly { id: string; data?: unknown }[]): string | undefined {
  const page = matches.find((match) => match.id === "routes/w.$workspaceId.apps.$appId")?.data as { name?: unknown } | undefined
  return typeof page?.name === "string" ? page.name : undefined
}
