// The integrations an app declares that are not set up yet, and what is missing for each: shown in
// the Publish dialog and on a review, since publishing (outside local mode) is refused until they
// are. Admins get the way to Settings → Integrations; members are told who can help.

import { Link } from "@remix-run/react"
import type { MissingIntegration } from "#shared/publishing/publishing.ts"
import { Notice } from "../ui/notice.tsx"
import { integrationsSettingsPath } from "./publishing-text.ts"

export interface MissingIntegrationsProps {
  readonly missing: readonly MissingIntegration[]
  readonly workspaceId: string
  /** The viewer can set integrations up (owners and admins). */
  readonly canSetUp: boolean
}

export function MissingIntegrations({ missing, workspaceId, canSetUp }: MissingIntegrationsProps) {
  if (missing.length === 0) return null
  return (
    <Notice tone="warning" title="Integrations to set up before publishing" data-testid="missing-integrations">
      <ul className="grid list-disc gap-0.5 pl-5">
        {missing.map((integration) => (
          <li key={integration.domain}>
            <span className="font-medium text-foreground">{integration.name}</span> ({integration.domain}): {integration.missing}
          </li>
        ))}
      </ul>
      <p className="mt-1">
        {canSetUp ? (
          <Link to={integrationsSettingsPath(workspaceId)} className="font-medium text-primary underline-offset-4 hover:underline">
            Set them up in Settings → Integrations
          </Link>
        ) : (
          "An owner or admin of the workspace sets them up in Settings → Integrations."
        )}
      </p>
    </Notice>
  )
}
