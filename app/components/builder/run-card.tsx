// One builder run: the person's message, then the agent's answer. A running run shows its live
// transcript (folded from the event stream) and that it works; an ended one shows the persisted
// transcript, and a Retry button when it failed with an error worth retrying. Under the answer, a
// quiet line: which runtime and model answered, how it ended, and its usage behind a toggle. The
// latest run's plan, suggestions and unfinished build can be answered from here. Stop lives in the
// composer (chat-composer.tsx), where the person's hands are.

import { Form } from "@remix-run/react"
import { LoaderCircle, RotateCcw } from "lucide-react"
import type { Transcript } from "#shared/runs/transcript.ts"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import type { LiveRun } from "../../runs/live-run.ts"
import { Badge, type BadgeProps } from "../ui/badge.tsx"
import { Button } from "../ui/button.tsx"
import { Notice } from "../ui/notice.tsx"
import { BuildIncomplete } from "./build-incomplete.tsx"
import type { BuildOutcome, PlanApproval, RunAnswer } from "./builder-run.ts"
import { RunUsage } from "./run-usage.tsx"
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

type RunStatus = BuilderRun["status"] | "incomplete"

const STATUS_BADGES: Readonly<Record<RunStatus, { readonly label: string; readonly variant: BadgeProps["variant"] }>> = {
  running: { label: "working", variant: "primary" },
  completed: { label: "done", variant: "success" },
  incomplete: { label: "incomplete", variant: "warning" },
  failed: { label: "failed", variant: "destructive" },
  stopped: { label: "stopped", variant: "outline" },
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
  const status: RunStatus = incomplete ? "incomplete" : run.status
  // Either the live fold or the persisted transcript, never both: the persisted run replaces the
  // live one when the page's data reloads after the end, so no text is shown twice.
  const transcript = running ? (live?.transcript ?? run.transcript) : run.transcript
  // A failure recorded on the run is usually also the transcript's last part; show it once.
  const unlistedError = run.error && !transcript.some((part) => part.kind === "error" && part.message === run.error?.message) ? run.error : null
  const badge = STATUS_BADGES[status]
  return (
    <article className="grid min-w-0 gap-3" data-testid="run" data-status={run.status} data-run-id={run.id} aria-busy={running}>
      <div className="ml-10 flex justify-end sm:ml-16">
        <p className="min-w-0 rounded-2xl rounded-br-sm bg-secondary px-4 py-2 whitespace-pre-wrap text-secondary-foreground wrap-anywhere" data-testid="run-prompt">
          {run.prompt}
        </p>
      </div>
      <div className="grid min-w-0 gap-2">
        <TranscriptView parts={transcript} fileHref={fileHref} answer={answer} ended={!running} />
        {unlistedError ? <RunErrorMessage message={unlistedError.message} code={unlistedError.code} retryable={unlistedError.retryable} /> : null}
        {incomplete && answer.answerable ? <BuildIncomplete answer={answer} /> : null}
        {running && live?.missedEvents ? (
          <Notice tone="info">Some of this answer could not be shown live; all of it appears when the run ends.</Notice>
        ) : null}
        {canRetry ? (
          <Form method="post" className="flex">
            <input type="hidden" name="runId" value={run.id} />
            <Button type="submit" name="intent" value="retry" variant="outline" size="sm" disabled={pending === "retry"} data-testid="retry-run">
              <RotateCcw aria-hidden />
              {pending === "retry" ? "Retrying…" : "Retry"}
            </Button>
          </Form>
        ) : null}
        <div className="flex min-w-0 flex-wrap items-start gap-x-2 gap-y-1 px-2 text-xs text-muted-foreground">
          {/* Each item one line high, so an opened Usage panel hangs below its toggle without moving the rest. */}
          <span className="h-6 min-w-0 truncate leading-6" title={run.model ?? undefined}>
            {runtimeLabel(run.runtime)}
            {run.model ? ` · ${run.model}` : ""}
            {run.retryOf ? " · retry" : ""}
          </span>
          <span className="flex h-6 items-center">
            {running ? (
              // While it runs, the badge tells how far the live view has got.
              <Badge variant={badge.variant} data-run-status={status} data-testid="run-working">
                <LoaderCircle className="animate-spin motion-reduce:animate-none" aria-hidden />
                {live?.phase === "connecting" ? "connecting" : live?.phase === "finishing" || live?.phase === "ended" ? "finishing" : "working"}
              </Badge>
            ) : (
              <Badge variant={badge.variant} data-run-status={status}>
                {badge.label}
              </Badge>
            )}
          </span>
          <RunUsage parts={transcript} />
        </div>
      </div>
    </article>
  )
}
