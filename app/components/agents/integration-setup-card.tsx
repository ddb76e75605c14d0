// What the builder says the app needs set up (a present_integration_setup call): each API, what
// for, the permissions it asks for and the secrets an admin must provide. Until they are, the
// tools answer with their mock data, so the card says that too.

import { Link, useInRouterContext, useParams, useRouteLoaderData } from "@remix-run/react"
import { ChevronRight, KeyRound, PlugZap, Settings } from "lucide-react"
import { useId } from "react"
import type { loader as workspaceLoader } from "../../routes/w.$workspaceId.tsx"
import { Badge } from "../ui/badge.tsx"
import { AuthBadge } from "./agent-tool-row.tsx"
import type { IntegrationView } from "./agents-summary-view.ts"

export function IntegrationSetupCard({ integrations }: { integrations: readonly IntegrationView[] }) {
  const titleId = useId()
  // Rendered outside a router (a test of the card alone), there is no workspace to link to.
  const inRouter = useInRouterContext()
  return (
    <section
      className="grid min-w-0 gap-3 rounded-xl border bg-card px-4 py-4 text-card-foreground shadow-xs wrap-anywhere sm:px-5"
      aria-labelledby={titleId}
      data-testid="integration-setup-card"
    >
      <div className="grid gap-1">
        <p className="flex items-center gap-1.5 text-xs font-medium tracking-wide text-muted-foreground uppercase">
          <PlugZap className="size-3.5" aria-hidden />
          Integrations to set up
        </p>
        <h2 className="text-base font-semibold tracking-tight" id={titleId}>
          {integrations.length === 1 ? `${integrations[0]!.name} needs setting up` : `${integrations.length} integrations need setting up`}
        </h2>
        <p className="text-sm text-muted-foreground">An admin provides what each one needs. Until then its tools answer with their mock data.</p>
        {inRouter ? <WhereToSetUp /> : null}
      </div>
      <ul className="grid min-w-0 gap-2">
        {/* Keys carry the index: this is the builder's list, nothing makes its names unique. */}
        {integrations.map((integration, index) => (
          <li key={`${index}:${integration.domain}:${integration.name}`} className="grid min-w-0 gap-2 rounded-lg border bg-background p-3" data-testid="integration-setup">
            <div className="flex min-w-0 flex-wrap items-center gap-x-2 gap-y-1">
              <h3 className="font-semibold">{integration.name}</h3>
              <code className="font-mono text-xs text-muted-foreground">{integration.domain}</code>
              {integration.authType ? <AuthBadge tool={{ authType: integration.authType, providerKey: integration.providerKey }} /> : null}
            </div>
            {integration.capability ? <p className="text-sm">{integration.capability}</p> : null}
            {integration.why ? <p className="text-sm text-muted-foreground">{integration.why}</p> : null}
            {integration.permissions.length > 0 || integration.scopes.length > 0 ? (
              <div className="grid gap-1">
                <h4 className="text-xs font-medium text-muted-foreground">Permissions</h4>
                <p className="flex flex-wrap gap-1.5">
                  {/* A scope is often a permission too (profile.read): each shows once. */}
                  {[...new Set([...integration.permissions, ...integration.scopes])].map((permission, index) => (
                    <Badge key={`${index}:${permission}`} variant="outline" className="max-w-full font-mono">
                      <span className="truncate">{permission}</span>
                    </Badge>
                  ))}
                </p>
              </div>
            ) : null}
            {integration.secrets.length > 0 ? (
              <div className="grid gap-1">
                <h4 className="text-xs font-medium text-muted-foreground">Secrets an admin provides</h4>
                <ul className="grid gap-1 text-sm">
                  {integration.secrets.map((secret, index) => (
                    <li key={`${index}:${secret.name}`} className="flex min-w-0 flex-wrap items-center gap-x-2">
                      <KeyRound className="size-3.5 shrink-0 text-muted-foreground" aria-hidden />
                      <span>{secret.label}</span>
                      <code className="font-mono text-xs text-muted-foreground">{secret.name}</code>
                      {secret.required ? null : <Badge variant="outline">optional</Badge>}
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
            <SetupSteps setup={integration.setup} />
          </li>
        ))}
      </ul>
    </section>
  )
}

/** The builder's instructions for the admin, folded: the card is about what is needed, this about how. */
function SetupSteps({ setup }: { setup: IntegrationView["setup"] }) {
  if (setup.overview === null && setup.steps.length === 0) return null
  return (
    <details className="group min-w-0">
      <summary className="flex w-fit cursor-pointer list-none items-center gap-1.5 rounded-md text-sm font-medium text-primary hover:underline [&::-webkit-details-marker]:hidden">
        <ChevronRight className="size-4 shrink-0 transition-transform group-open:rotate-90 motion-reduce:transition-none" aria-hidden />
        How to set it up
      </summary>
      <div className="mt-2 grid gap-2 text-sm">
        {setup.overview ? <p className="whitespace-pre-wrap">{setup.overview}</p> : null}
        {setup.steps.length > 0 ? (
          <ol className="grid list-decimal gap-1 pl-5">
            {setup.steps.map((step, index) => (
              <li key={index}>
                {step.url ? (
                  <a href={step.url} target="_blank" rel="noreferrer noopener" className="font-medium text-primary underline underline-offset-2">
                    {step.title}
                  </a>
                ) : (
                  <span className="font-medium">{step.title}</span>
                )}
                {step.description ? <span className="text-muted-foreground"> — {step.description}</span> : null}
              </li>
            ))}
          </ol>
        ) : null}
      </div>
    </details>
  )
}

/**
 * Where these are set up: a link for whoever manages integrations; for others, who does. Outside
 * the workspace frame (its loader says the role) the link shows with neutral wording.
 */
function WhereToSetUp() {
  const { workspaceId } = useParams()
  // The frame's loader says what the viewer's role may do in this workspace.
  const frame = useRouteLoaderData<typeof workspaceLoader>("routes/w.$workspaceId")
  if (!workspaceId) return null
  const permissions: readonly string[] | undefined = frame?.workspace.permissions
  const href = `/w/${workspaceId}/settings/integrations`
  const link = (label: string) => (
    <Link to={href} className="inline-flex w-fit items-center gap-1.5 text-sm font-medium text-primary underline-offset-2 hover:underline" data-testid="integration-settings-link">
      <Settings className="size-3.5 shrink-0" aria-hidden />
      {label}
    </Link>
  )
  if (permissions === undefined) return link("Settings → Integrations")
  if (permissions.includes("integrations:manage")) return link("Set it up in Settings → Integrations")
  return <p className="text-sm text-muted-foreground">An admin sets these up in Settings → Integrations.</p>
}
