// The Preview tab's own URL (on a phone, where the app's URL shows the chat). The preview itself is
// drawn by the app's route and stays mounted under every panel, so the app keeps its state.

import type { MetaFunction } from "@remix-run/node"
import { appNameIn } from "../components/app-workspace/panel-context.ts"
import { pageTitle, workspaceNameIn } from "../text/page-title.ts"

export const meta: MetaFunction = ({ matches }) => pageTitle("Preview", appNameIn(matches), workspaceNameIn(matches))

export default function PreviewPane() {
  return null
}
