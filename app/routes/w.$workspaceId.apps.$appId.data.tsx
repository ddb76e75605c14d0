// The Data panel of an app's page: its draft data, live (components/app-data/data-panel.tsx).
// It reads in the browser, a page at a time, so this route loads nothing of its own.

import type { MetaFunction } from "@remix-run/node"
import { DataPanel } from "../components/app-data/data-panel.tsx"
import { appNameIn, useAppPanel } from "../components/app-workspace/panel-context.ts"
import { pageTitle, workspaceNameIn } from "../text/page-title.ts"

export const meta: MetaFunction = ({ matches }) => pageTitle("Data", appNameIn(matches), workspaceNameIn(matches))

export default function DataPane() {
  const { workspaceId, appId } = useAppPanel()
  return <DataPanel workspaceId={workspaceId} appId={appId} />
}
