// One app agent, for review: what it is for, the app data it may read and write, the runtime's
// own tools it gets (web search, say), and each HTTP tool with its method, domain and credential.
// Drawn the same on the Agents page and in the chat's present_agents card, so what the builder
// proposed and what the admin approves look alike.

import { Bot, Database, Search } from "lucide-react"
import type { ReactNode } from "react"
import { Badge } from "../ui/badge.tsx"
import { cn } from "../ui/cn.ts"
import { AgentToolRow } from "./agent-tool-row.tsx"
import type { AgentView } from "./agents-summary-view.ts"

export interface AgentCardProps {
  readonly agent: AgentView
  /** Inside another card (the chat's): a quiet section instead of a card of its own. */
  readonly nested?: boolean
}

export function AgentCard({ agent, nested = false }: AgentCardProps) {
  const titleId = `agent-${agent.id}-title`
  return (
    <article
      className={cn("grid min-w-0 gap-3", nested ? "rounded-lg border bg-background p-3" : "rounded-xl border bg-card p-4 text-card-foreground shadow-xs sm:p-5")}
      aria-labelledby={titleId}
      data-testid="agent-card"
      data-agent-id={agent.id}
    >
      <div className="grid min-w-0 gap-1">
        <h3 className="flex min-w-0 flex-wrap items-center gap-x-2 gap-y-1 font-semibold" id={titleId}>
          <Bot className="size-4 shrink-0 text-muted-foreground" aria-hidden />
          <span className="min-w-0 wrap-anywhere">{agent.name}</span>
          <code className="font-mono text-xs font-normal text-muted-foreground">{agent.id}</code>
        </h3>
        {agent.description ? <p className="text-sm text-muted-foreground wrap-anywhere">{agent.description}</p> : null}
      </div>
      <dl className="grid min-w-0 gap-2 text-sm">
        <Fact label="App data">
          {agent.dataCollections.length > 0 ? (
            <span className="flex flex-wrap gap-1.5" data-testid="agent-collections">
              {agent.dataCollections.map((collection) => (
                <Badge key={collection} variant="default">
                  <Database aria-hidden />
                  {collection}
                </Badge>
              ))}
            </span>
          ) : (
            <span className="text-muted-foreground">None: it cannot read or change the app's data.</span>
          )}
        </Fact>
        {agent.builtinTools.length > 0 ? (
          <Fact label="Also">
            <span className="flex flex-wrap gap-1.5">
              {agent.builtinTools.map((tool) => (
                <Badge key={tool} variant="outline">
                  <Search aria-hidden />
                  {tool}
                </Badge>
              ))}
            </span>
          </Fact>
        ) : null}
      </dl>
      {agent.tools.length > 0 ? (
        <div className="grid min-w-0 gap-1.5">
          <h4 className="text-xs font-medium text-muted-foreground">
            {agent.tools.length === 1 ? "1 tool" : `${agent.tools.length} tools`}
          </h4>
          <ul className="grid min-w-0 divide-y">
            {agent.tools.map((tool) => (
              <AgentToolRow key={tool.name} tool={tool} />
            ))}
          </ul>
        </div>
      ) : (
        <p className="text-sm text-muted-foreground">No HTTP tools: it calls no API.</p>
      )}
    </article>
  )
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex min-w-0 flex-wrap items-baseline gap-x-2 gap-y-1">
      <dt className="w-20 shrink-0 text-xs font-medium text-muted-foreground">{label}</dt>
      <dd className="min-w-0 flex-1">{children}</dd>
    </div>
  )
}
