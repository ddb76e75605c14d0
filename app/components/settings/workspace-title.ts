// Settings pages' <title>: "Members · Acme · Second", with the workspace's name from the frame's
// loader (routes/w.$workspaceId), which every settings page renders inside.

import type { MetaFunction } from "@remix-run/node"
import { pageTitle } from "../../text/page-title.ts"

const FRAME_ROUTE = "routes/w.$workspaceId"

export function workspaceNameIn(matches: readonly { readonly id: string; readonly data: unknown }[]): string | null {
  const data = matches.find((match) => match.id === FRAME_ROUTE)?.data
  const workspace = data && typeof data === "object" ? (data as { workspace?: { name?: unknown } }).workspace : undefined
  return typeof workspace?.name === "string" ? workspace.name : null
}

/** The meta export of a settings page named `section`. */
export const settingsMeta =
  (section: string): MetaFunction =>
  ({ matches }) =>
    pageTitle(section, workspaceNameIn(matches))
