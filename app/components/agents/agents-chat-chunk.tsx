// The chat's agents cards' bodies — each agent with its tools, the app's own tools, where the
// approval stands, the integrations to set up — as a chunk of their own (lazy-agents-cards.tsx loads it): most chats
// never show one, and the builder page's first load is on a budget (docs/decisions/018).

import { Bot, Globe } from "lucide-react"
import { Badge } from "../ui/badge.tsx"
import { AgentCard } from "./agent-card.tsx"
import { AgentToolRow } from "./agent-tool-row.tsx"
import { presentedAgents, presentedIntegrationSetup } from "./agents-summary-view.ts"
import { IntegrationSetupCard } from "./integration-setup-card.tsx"

export { AgentsCardStanding } from "./agents-card-standing.tsx"

/** present_agents' answer: the title, the domains, each agent and the app tools. */
export function AgentsCardBody({ output, titleId }: { output: string; titleId: string }) {
  const presented = presentedAgents(output)
  if (!presented) {
    return (
      <h2 className="text-base font-semibold tracking-tight" id={titleId}>
        The agents could not be shown here; the Agents page has them.
      </h2>
    )
  }
  const { summary } = presented
  const count = summary.agents.length
  return (
    <>
      <div className="grid gap-1">
        <p className="flex items-center gap-1.5 text-xs font-medium tracking-wide text-muted-foreground uppercase">
          <Bot className="size-3.5" aria-hidden />
          Agents for review
        </p>
        <h2 className="text-base font-semibold tracking-tight" id={titleId}>
          {count === 0 ? "App tools" : count === 1 ? `1 agent: ${summary.agents[0]!.name}` : `${count} agents`}
        </h2>
        {summary.domains.length > 0 ? (
          <p className="flex min-w-0 flex-wrap items-center gap-1.5 text-sm text-muted-foreground" data-testid="agents-card-domains">
            Calls
            {summary.domains.map((domain) => (
              <Badge key={domain} variant="outline" className="max-w-full">
                <Globe aria-hidden />
                <span className="truncate">{domain}</span>
              </Badge>
            ))}
          </p>
        ) : (
          <p className="text-sm text-muted-foreground">Calls no API.</p>
        )}
      </div>
      {summary.agents.map((agent) => (
        <AgentCard key={agent.id} agent={agent} nested />
      ))}
      {summary.appTools.length > 0 ? (
        <div className="grid min-w-0 gap-1.5 rounded-lg border bg-background p-3">
          <h3 className="font-semibold">App tools</h3>
          <p className="text-sm text-muted-foreground">Called by the app's own screens, as the person using it.</p>
          <ul className="grid min-w-0 divide-y">
            {summary.appTools.map((tool) => (
              <AgentToolRow key={tool.name} tool={tool} />
            ))}
          </ul>
        </div>
      ) : null}
    </>
  )
}

/** present_integration_setup's answer, as its own card. */
export function IntegrationSetupBody({ output }: { output: string }) {
  const setup = presentedIntegrationSetup(output)
  return setup && setup.integrations.length > 0 ? <IntegrationSetupCard integrations={setup.integrations} /> : null
}
