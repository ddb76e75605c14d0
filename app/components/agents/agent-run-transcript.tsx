// What one agent run did, behind "Show what it did" on its row of the runs list: its answer, the
// tools it called (mock answers marked) and its error, drawn by the builder chat's own transcript
// view. The list has no transcripts; opening the disclosure (a native <details>, so by keyboard and
// before hydration too) reads this one run through the Agents route's loader (`?view=run&runId=…`).

import { useFetcher } from "@remix-run/react"
import { ChevronRight, LoaderCircle, RotateCw } from "lucide-react"
import { useEffect, useRef } from "react"
import type { Transcript } from "#shared/runs/transcript.ts"
import { TranscriptView } from "../builder/transcript-view.tsx"
import { Button } from "../ui/button.tsx"
import { Notice } from "../ui/notice.tsx"
import type { AgentRunStatusView } from "./agents-view.ts"

/** One run's transcript as the route's `?view=run` answers it. */
export interface AgentRunTranscriptView {
  readonly status: AgentRunStatusView
  readonly transcript: Transcript
}

/** The route's `?view=run` answer: null when the run could not be read (gone, not this app's, not visible). */
export interface AgentRunTranscriptData {
  readonly run: AgentRunTranscriptView | null
}

const isActive = (status: AgentRunStatusView) => status === "queued" || status === "running"

/** Where one run's transcript is read: the Agents page's loader, that run only. */
export const agentRunTranscriptHref = (action: string, runId: string) => `${action}?view=run&runId=${encodeURIComponent(runId)}`

/** The disclosure on a run's row; the transcript is read each time it opens while the run is still going, once otherwise. */
export function AgentRunDetails({ runId, agentName, action }: { runId: string; agentName: string; action: string }) {
  const fetcher = useFetcher<AgentRunTranscriptData>()
  const details = useRef<HTMLDetailsElement>(null)
  const load = () => fetcher.load(agentRunTranscriptHref(action, runId))
  const opened = () => {
    if (!details.current?.open || fetcher.state !== "idle") return
    const run = fetcher.data?.run
    if (run === undefined || run === null || isActive(run.status)) load()
  }
  // Opened before the page hydrated: no toggle event came.
  // NOTE: only on mount; `opened` is a new function each render.
  useEffect(opened, [])
  const loading = fetcher.state !== "idle"
  return (
    <details ref={details} className="group min-w-0" onToggle={opened} data-testid="agent-run-details">
      <summary className="flex w-fit cursor-pointer list-none items-center gap-1.5 rounded-md py-1 pr-2 text-sm text-muted-foreground hover:text-foreground focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring [&::-webkit-details-marker]:hidden">
        <ChevronRight className="size-4 shrink-0 transition-transform group-open:rotate-90 motion-reduce:transition-none" aria-hidden />
        Show what it did
        <span className="sr-only"> in the run of {agentName}</span>
      </summary>
      <div className="mt-1 min-w-0 border-l-2 pl-3" aria-busy={loading}>
        <AgentRunTranscript data={fetcher.data} loading={loading} onRetry={load} />
      </div>
    </details>
  )
}

/** The disclosure's content: loading, could not be read, not started, or what the run did so far. */
export function AgentRunTranscript({ data, loading, onRetry }: { data: AgentRunTranscriptData | undefined; loading: boolean; onRetry?: () => void }) {
  if (data === undefined) {
    return (
      <p role="status" className="flex items-center gap-2 text-sm text-muted-foreground" data-testid="agent-run-transcript-loading">
        <LoaderCircle className="size-4 shrink-0 animate-spin motion-reduce:animate-none" aria-hidden />
        Loading what it did…
      </p>
    )
  }
  if (data.run === null) {
    return (
      <Notice tone="error" title="What this run did could not be loaded." data-testid="agent-run-transcript-error">
        <p>It may have been removed, or you may no longer see this app.</p>
        {onRetry ? (
          <Button type="button" variant="outline" size="sm" className="mt-2" onClick={onRetry} disabled={loading}>
            <RotateCw aria-hidden />
            Try again
          </Button>
        ) : null}
      </Notice>
    )
  }
  const { status, transcript } = data.run
  const active = isActive(status)
  return (
    <div className="grid min-w-0 gap-2 text-sm" data-testid="agent-run-transcript">
      {transcript.length > 0 ? (
        <TranscriptView parts={transcript} ended={!active} />
      ) : (
        <p className="text-muted-foreground">{status === "queued" ? "It has not started yet." : active ? "Nothing to show yet." : "It left nothing to show."}</p>
      )}
      {active ? (
        <p className="flex items-center gap-2 text-xs text-muted-foreground" data-testid="agent-run-transcript-active">
          <LoaderCircle className="size-3.5 shrink-0 animate-spin motion-reduce:animate-none" aria-hidden />
          {status === "queued" ? "Waiting to start" : "Still running"} — close and open again to see more.
        </p>
      ) : null}
    </div>
  )
}
