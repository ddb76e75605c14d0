// The builder chat: the app's latest runs in order (the person's message, then the agent's
// answer; earlier ones on request), the running one streamed live, and the composer for the next
// message, which stays at the foot of the chat while the conversation scrolls above it. The chat
// follows new output while the person is at the bottom and offers "Jump to latest" once they
// scroll up. Stop works from any tab (it asks the server, which stops the run wherever it runs),
// and Esc anywhere in the chat presses it; a refused send says the agent is already running
// rather than failing quietly. Its forms post to the app's route, which renders it beside
// whichever panel is open.

import { Link, useLocation, useNavigation } from "@remix-run/react"
import { ArrowDown } from "lucide-react"
import { useRef, type KeyboardEvent } from "react"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { FormMessage } from "../form-message.tsx"
import { Button } from "../ui/button.tsx"
import { ChatComposer } from "./chat-composer.tsx"
import { awaitsApproval } from "./builder-run.ts"
import { useSendConflict, type ChatState } from "./chat-status.tsx"
import { useReloadWhenApprovalRefused } from "./plan-card.tsx"
import { RunCard, type BuilderRun, type RunCardProps } from "./run-card.tsx"
import type { RuntimeOption } from "./runtime-picker.tsx"
import { useFollowOutput } from "./use-follow-output.ts"
import type { LiveRun } from "../../runs/live-run.ts"
import { RUNS_PAGE } from "../../runs/run-pages.ts"

/** An action's answer as the chat reads it (caller.server.ts ActionResult). */
export interface ChatOutcome {
  readonly ok: boolean
  readonly intent: string
  readonly status?: number
  readonly message?: string
}

export interface BuilderChatProps {
  readonly runs: readonly BuilderRun[]
  readonly hasEarlier: boolean
  readonly runtimes: readonly RuntimeOption[]
  readonly runtime: RuntimeId
  readonly model: string | null
  /** The running run's live view (useRunEvents), followed by the page so the preview knows of builds too. */
  readonly live: LiveRun | null
  readonly outcome: ChatOutcome | undefined
  readonly filesPath: string
}

/** The running run, if any: the last one still running. */
export const activeRunOf = (runs: readonly BuilderRun[]): BuilderRun | null => runs.findLast((run) => run.status === "running") ?? null

export function BuilderChat({ runs, hasEarlier, runtimes, runtime, model, live, outcome, filesPath }: BuilderChatProps) {
  const navigation = useNavigation()
  const location = useLocation()
  const conversation = useRef<HTMLDivElement>(null)
  const stopButton = useRef<HTMLButtonElement>(null)
  const { following, jumpToLatest } = useFollowOutput(conversation, runs.at(-1)?.id ?? null)

  const active = activeRunOf(runs)
  // The run the person answers next (its plan, its suggestions), while nothing runs.
  const answered: BuilderRun | null = active ? null : (runs.at(-1) ?? null)
  const conflict = useSendConflict(outcome, active?.id ?? null)
  useReloadWhenApprovalRefused(outcome)
  const state: ChatState = conflict ? "already-running" : active ? "working" : answered && awaitsApproval(answered) ? "awaiting-approval" : "ready"

  const submitting = navigation.state === "submitting" ? navigation.formData : undefined
  const pendingIntent = submitting ? String(submitting.get("intent") ?? "send") : null
  const pendingRunId = submitting?.get("runId") ?? null
  const isCardIntent = (intent: string | null): intent is NonNullable<RunCardProps["pending"]> =>
    intent === "stop" || intent === "retry" || intent === "approve" || intent === "send"
  const retried = new Set(runs.map((run) => run.retryOf).filter((id): id is string => id !== null))
  const fileHref = (path: string) => `${filesPath}?path=${encodeURIComponent(path)}`
  const sent = outcome?.ok && outcome.intent === "send" ? outcome : null
  // More of the conversation, on whichever panel is open: only ?show= changes.
  const earlier = new URLSearchParams(location.search)
  earlier.set("show", String(runs.length + RUNS_PAGE.size))

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== "Escape" || event.defaultPrevented || !active) return
    event.preventDefault()
    stopButton.current?.click()
  }

  return (
    // Esc bubbles here from the message box and from anything else in the chat that has the focus.
    <div className="flex min-h-full min-w-0 flex-col" onKeyDown={onKeyDown}>
      <div ref={conversation} className="grid min-w-0 flex-1 content-start gap-6 pb-4">
        {hasEarlier && runs.length < RUNS_PAGE.max ? (
          // A link, not a button: the longer conversation has its own URL, which reloads and revalidations keep.
          <Button asChild variant="ghost" size="sm" className="justify-self-center">
            <Link to={{ pathname: location.pathname, search: `?${earlier}` }} preventScrollReset data-testid="earlier-runs">
              Show earlier messages
            </Link>
          </Button>
        ) : hasEarlier ? (
          <p className="text-center text-xs text-muted-foreground">Showing the latest {runs.length} messages.</p>
        ) : null}
        <ol className="grid min-w-0 gap-8" aria-label="Conversation">
          {runs.map((run) => (
            <li key={run.id} className="min-w-0">
              <RunCard
                run={run}
                live={live?.runId === run.id ? live : null}
                // Retrying while another run works would only be refused; a retried run is done with.
                canRetry={run.status === "failed" && Boolean(run.error?.retryable) && !active && !retried.has(run.id)}
                latest={run.id === answered?.id}
                // A send carries a runId only when one of this run's cards sent it (a suggestion, Continue).
                pending={pendingRunId === run.id && isCardIntent(pendingIntent) ? pendingIntent : null}
                fileHref={fileHref}
              />
            </li>
          ))}
        </ol>
        {["stop", "retry", "approve"].map((intent) => (
          <FormMessage key={intent} outcome={outcome} intent={intent} />
        ))}
        {/* A 409 is said by the status line above; other refusals (an empty message, say) here. */}
        {outcome && !outcome.ok && outcome.intent === "send" && outcome.status !== 409 ? <FormMessage outcome={outcome} intent="send" /> : null}
      </div>
      <div className="sticky bottom-0 z-10 bg-background pt-1 pb-3">
        {following ? null : (
          <div className="pointer-events-none absolute inset-x-0 -top-12 flex justify-center">
            <Button variant="outline" size="sm" className="pointer-events-auto rounded-full shadow-md" onClick={jumpToLatest} data-testid="jump-to-latest">
              <ArrowDown aria-hidden />
              Jump to latest
            </Button>
          </div>
        )}
        <ChatComposer
          runtimes={runtimes}
          runtime={runtime}
          model={model}
          sending={pendingIntent === "send"}
          sentKey={sent}
          state={state}
          empty={runs.length === 0}
          activeRunId={active?.id ?? null}
          stopping={pendingIntent === "stop"}
          stopButton={stopButton}
        />
      </div>
    </div>
  )
}
