// The Versions panel of an app's page. The app's route loads the versions (the Preview's picker
// needs them too) and takes the restores, so this route loads and acts on nothing of its own.

import type { MetaFunction } from "@remix-run/node"
import { appNameIn, useAppPanel } from "../components/app-workspace/panel-context.ts"
import { VersionsPanel } from "../components/versions/versions-panel.tsx"
import { pageTitle, workspaceNameIn } from "../text/page-title.ts"

export const meta: MetaFunction = ({ matches }) => pageTitle("Versions", appNameIn(matches), workspaceNameIn(matches))

export default function VersionsPane() {
  const { versions, base, working } = useAppPanel()
  return <VersionsPanel versions={versions} base={base} working={working} />
}
