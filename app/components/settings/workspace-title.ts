// Settings pages' <title>: "Members · Acme · Second", with the workspace's name from the frame's
// loader (routes/w.$workspaceId), which every settings page renders inside.

import type { MetaFunction } from "@remix-run/node"
import { pageTitle, workspaceNameIn } from "../../text/page-title.ts"

/** The meta export of a settings page named `section`. */
export const settingsMeta =
  (section: string): MetaFunction =>
  ({ matches }) =>
    pageTitle(section, workspaceNameIn(matches))
