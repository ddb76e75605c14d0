// The app's recent agent runs, newest first: which agent, how it went, whether its tools answered
// with mock data, who triggered it (resolved on the server, never told by the app) and when, who
// cancelled it, what it did (read when opened: agent-run-transcript.tsx), and Cancel for one still
// queued or running.

import { Form, useNavigation } from "@remix-run/react"
import { FlaskConical, History, LoaderCircle, Square } from "lucide-react"
import { Badge, type BadgeProps } from "../ui/badge.tsx"
import { Button } from "../ui/button.tsx"
import { EmptyState } from "../ui/empty-state.tsx"
import { RelativeTime } from "../ui/relative-time.tsx"
import { AgentRunDetails } from "./agent-run-transcript.tsx"
import type { AgentRunStatusView, AgentRunView } from "./agents-view.ts"

const STATUS: Readonly<Record<AgentRunStatusView, { readonly label: string; readonly variant: BadgeProps["variant"] }>> = {
  queued: { label: "queued", variant: "outline" },
  running: { label: "running", variant: "primary" },
  completed: { label: "done", variant: "success" },
  failed: { label: "failed", variant: "destructive" },
  cancelled: { label: "cancelled", variant: "outline" },
}

export function AgentRunsList({ runs, action }: { runs: readonly AgentRunView[]; action: string }) {
  const navigation = useNavigation()
  const cancelling = navigation.formAction === action && navigation.formData?.get("intent") === "cancel-run" ? String(navigation.formData.get("runId")) : null
  return (
    <section className="grid min-w-0 gap-3" aria-labelledby="agent-runs-title" data-testid="agent-runs">
      <h2 id="agent-runs-title" className="text-base font-semibold tracking-tight">
        Recent runs
      </h2>
      {runs.length === 0 ? (
        <EmptyState icon={History} title="No runs yet" data-testid="agent-runs-empty">
          The app starts its agents from its own screens; each run appears here with who started it.
        </EmptyState>
      ) : (
        <ol className="grid min-w-0 gap-2" aria-label="Recent runs, newest first">
          {runs.map((run) => (
            <AgentRunRow key={run.id} run={run} action={action} cancelling={cancelling === run.id} />
          ))}
        </ol>
      )}
    </section>
  )
}

function AgentRunRow({ run, action, cancelling }: { run: AgentRunView; action: string; cancelling: boolean }) {
  const { label, variant } = STATUS[run.status]
  const active = run.status === "queued" || run.status === "running"
  return (
    <li className="grid min-w-0 gap-1.5 rounded-xl border bg-card p-3 shadow-xs sm:p-4" data-testid="agent-run" data-run-id={run.id} data-status={run.status}>
      <div className="flex min-w-0 flex-wrap items-center gap-x-2 gap-y-1">
        <h3 className="min-w-0 text-sm font-semibold wrap-anywhere">{run.agentName}</h3>
        <Badge variant={variant} data-testid="agent-run-status">
          {run.status === "running" ? <LoaderCircle className="animate-spin motion-reduce:animate-none" aria-hidden /> : null}
          {run.status === "cancelled" && run.cancelledBy ? `${label} by ${run.cancelledBy}` : label}
        </Badge>
        {run.mode === "mock" ? (
          <Badge variant="warning" title="Its tools answered with their declared mock data; no API was called." data-testid="agent-run-mock">
            <FlaskConical aria-hidden />
            mock data
          </Badge>
        ) : null}
        {run.scope === "published" ? <Badge variant="outline">published</Badge> : null}
        <span className="text-xs text-muted-foreground">
          <RelativeTime iso={run.createdAt} />
          {run.triggeredBy ? ` · started by ${run.triggeredBy}` : ""}
        </span>
      </div>
      {run.prompt ? (
        <p className="line-clamp-2 text-sm break-words whitespace-pre-wrap text-muted-foreground" title={run.prompt}>
          {run.prompt}
        </p>
      ) : null}
      {run.error ? <p className="text-sm break-words text-destructive">{run.error}</p> : null}
      <AgentRunDetails runId={run.id} agentName={run.agentName} action={action} />
      {active && run.canCancel ? (
        <Form method="post" action={action} className="flex">
          <input type="hidden" name="runId" value={run.id} />
          <Button type="submit" name="intent" value="cancel-run" variant="outline" size="sm" disabled={cancelling} data-testid="cancel-agent-run">
            <Square className="fill-current" aria-hidden />
            {cancelling ? "Cancelling…" : "Cancel"}
            <span className="sr-only"> the run of {run.agentName}</span>
          </Button>
        </Form>
      ) : null}
    </li>
  )
}
