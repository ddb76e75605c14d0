// The Agents panel of an app's page: where the agents stand and who approved them (with Approve and
// Revoke for those the server allows), what is wrong with agents.json at which JSON path, each
// agent with its tools, the app's own tools, what changed since the last approval, and the recent
// runs. With no agents.json it says what agents are and how to get one.

import { Bot } from "lucide-react"
import { EmptyState } from "../ui/empty-state.tsx"
import { Notice } from "../ui/notice.tsx"
import { AgentCard } from "./agent-card.tsx"
import { AgentRunsList } from "./agent-runs-list.tsx"
import { AgentToolRow } from "./agent-tool-row.tsx"
import type { AgentsPageView } from "./agents-view.ts"
import { ApprovalHeader } from "./approval-header.tsx"
import { ConfigDiffView } from "./config-diff-view.tsx"

export interface AgentsPanelProps {
  readonly view: AgentsPageView
  /** The Agents route: its forms post there. */
  readonly action: string
}

export function AgentsPanel({ view, action }: AgentsPanelProps) {
  const { summary, approval } = view
  const everApproved = approval.approvedAt !== null
  return (
    <div className="grid min-w-0 content-start gap-6" data-testid="agents-panel">
      {view.present || everApproved ? (
        <ApprovalHeader approval={approval} approvable={summary !== null} action={action} />
      ) : (
        <h2 className="sr-only">Agents</h2>
      )}
      {view.present ? null : <NoAgents removed={everApproved} />}
      {view.problems.length > 0 ? (
        <Notice tone="error" title="agents.json has problems" data-testid="agents-problems">
          <p>Nothing in it can be approved or run until they are fixed. Ask the builder in the chat to fix them.</p>
          <ul className="mt-2 grid gap-1">
            {view.problems.map((problem, index) => (
              <li key={index} className="wrap-anywhere" data-testid="agents-problem">
                <code className="rounded bg-background px-1 font-mono text-xs text-foreground">{problem.path}</code> {problem.message}
              </li>
            ))}
          </ul>
        </Notice>
      ) : null}
      {summary ? (
        <section className="grid min-w-0 gap-3" aria-labelledby="agents-list-title">
          <h2 id="agents-list-title" className="text-base font-semibold tracking-tight">
            {summary.agents.length === 1 ? "1 agent" : `${summary.agents.length} agents`}
          </h2>
          {summary.agents.length === 0 ? (
            <p className="text-sm text-muted-foreground">agents.json declares no agents, only tools the app calls itself.</p>
          ) : (
            <div className="grid min-w-0 gap-3 @4xl:grid-cols-2">
              {summary.agents.map((agent) => (
                <AgentCard key={agent.id} agent={agent} />
              ))}
            </div>
          )}
        </section>
      ) : null}
      {summary && summary.appTools.length > 0 ? (
        <section className="grid min-w-0 gap-3" aria-labelledby="app-tools-title" data-testid="app-tools">
          <div className="grid gap-1">
            <h2 id="app-tools-title" className="text-base font-semibold tracking-tight">
              App tools
            </h2>
            <p className="text-sm text-muted-foreground">Functions the app's own screens call, with the account of the person using the app.</p>
          </div>
          <ul className="grid min-w-0 divide-y rounded-xl border bg-card p-4 shadow-xs sm:p-5">
            {summary.appTools.map((tool) => (
              <AgentToolRow key={tool.name} tool={tool} />
            ))}
          </ul>
        </section>
      ) : null}
      {view.changes ? (
        <ConfigDiffView
          approved={view.changes.approved}
          current={view.changes.current}
          since={view.changes.since}
          approvedLabel={view.changes.since === "live-approval" ? "the configuration last approved live" : "the last approved configuration"}
        />
      ) : null}
      {summary !== null || view.runs.length > 0 ? <AgentRunsList runs={view.runs} action={action} /> : null}
    </div>
  )
}

function NoAgents({ removed }: { removed: boolean }) {
  return (
    <EmptyState icon={Bot} title={removed ? "agents.json was removed" : "No agents yet"} data-testid="agents-empty">
      <p>
        Agents are helpers the app starts from its own screens: each one may call the company APIs and use the app data it was given, and nothing runs
        until it has been approved here.
      </p>
      <p className="mt-2">
        The builder declares them in the app's <code className="font-mono text-xs">agents.json</code> when you ask for one in the chat: say what the
        agent should do and which systems it needs.
      </p>
    </EmptyState>
  )
}
