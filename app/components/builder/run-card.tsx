// One builder run: the person's message, then the agent's answer. A running run shows its live
// transcript (folded from the event stream) and a Stop button; an ended one shows the persisted
// transcript, and a Retry button when it failed with an error worth retrying. The latest run's
// plan, suggestions and unfinished build can be answered from here.

import { Form } from "@remix-run/react"
import type { Transcript } from "#shared/runs/transcript.ts"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import type { LiveRun } from "../../runs/live-run.ts"
import { BuildIncomplete } from "./build-incomplete.tsx"
import type { BuildOutcome, PlanApproval, RunAnswer } from "./builder-run.ts"
import { runtimeLabel } from "./runtime-picker.tsx"
import { RunErrorMessage, TranscriptView } from "./transcript-view.tsx"

/** What the chat needs of a run (the shape of runs.list's RunView). */
export interface BuilderRun {
  readonly id: string
  readonly prompt: string
  readonly runtime: RuntimeId
  readonly model: string | null
  readonly status: "running" | "completed" | "failed" | "stopped"
  readonly error: { readonly message: string; readonly code: string; readonly retryable: boolean } | null
  readonly transcript: Transcript
  readonly retryOf: string | null
  /** Optional until every runs.list carries them (older views lack both). */
  readonly build?: BuildOutcome | null
  readonly approval?: PlanApproval | null
}

export interface RunCardProps {
  readonly run: BuilderRun
  /** The live view of this run while it runs (null before the stream connects, or without JavaScript). */
  readonly live: LiveRun | null
  readonly canRetry: boolean
  /** The latest run of the conversation, and none is running: the person answers this one next. */
  readonly latest: boolean
  /** Which of this card's buttons was just pressed, while its request is in flight. */
  readonly pending: "stop" | "retry" | "approve" | "send" | null
  readonly fileHref: (path: string) => string
}

const STATUS_LABELS: Readonly<Record<BuilderRun["status"] | "incomplete", string>> = {
  running: "working",
  completed: "done",
  incomplete: "incomplete",
  failed: "failed",
  stopped: "stopped",
}

export function RunCard({ run, live, canRetry, latest, pending, fileHref }: RunCardProps) {
  const running = run.status === "running"
  const answer: RunAnswer = {
    runId: run.id,
    answerable: latest && run.status === "completed",
    approval: run.approval ?? null,
    pending: pending === "approve" || pending === "send" ? pending : null,
  }
  // Completed, but with files changed and no word from the agent that the app is ready.
  const incomplete = run.status === "completed" && run.build?.state === "incomplete"
  const status = incomplete ? "incomplete" : run.status
  // Either the live fold or the persisted transcript, never both: the persisted run replaces the
  // live one when the page's data reloads after the end, so no text is shown twice.
  const transcript = running ? (live?.transcript ?? run.transcript) : run.transcript
  // A failure recorded on the run is usually also the transcript's last part; show it once.
  const unlistedError = run.error && !transcript.some((part) => part.kind === "error" && part.message === run.error?.message) ? run.error : null
  return (
    <article className="run" data-testid="run" data-status={run.status} data-run-id={run.id} aria-busy={running}>
      <div className="run-prompt" data-testid="run-prompt">
        {run.prompt}
      </div>
      <div className="assistant">
        <p className="run-meta">
          {runtimeLabel(run.runtime)}
          {run.model ? ` · ${run.model}` : ""} · <span className={`run-status status-${status}`}>{STATUS_LABELS[status]}</span>
          {run.retryOf ? " · retry" : ""}
        </p>
        <TranscriptView parts={transcript} fileHref={fileHref} answer={answer} ended={!running} />
        {unlistedError ? <RunErrorMessage message={unlistedError.message} code={unlistedError.code} /> : null}
        {incomplete && answer.answerable ? <BuildIncomplete answer={answer} /> : null}
        {running && live?.missedEvents ? (
          <p className="muted">Some of this answer could not be shown live; all of it appears when the run ends.</p>
        ) : null}
        {running ? (
          <p className="working" data-testid="run-working">
            {live?.phase === "connecting" ? "Connecting…" : live?.phase === "finishing" || live?.phase === "ended" ? "Finishing…" : "Working…"}
          </p>
        ) : null}
        {running || canRetry ? (
          <Form method="post" className="inline run-actions">
            <input type="hidden" name="runId" value={run.id} />
            {running ? (
              <button type="submit" name="intent" value="stop" className="danger" disabled={pending === "stop"} data-testid="stop-run">
                {pending === "stop" ? "Stopping…" : "Stop"}
              </button>
            ) : (
              <button type="submit" name="intent" value="retry" disabled={pending === "retry"} data-testid="retry-run">
                {pending === "retry" ? "Retrying…" : "Retry"}
              </button>
            )}
          </Form>
        ) : null}
      </div>
    </article>
  )
}
