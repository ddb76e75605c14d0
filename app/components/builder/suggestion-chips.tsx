// The next steps the agent offered (a present_suggestions call), as chips. On the conversation's
// latest run, with nothing running, a chip sends its title as the next message (the app's
// runtime and model answer it); anywhere else the chips only show what was offered.

import { Form } from "@remix-run/react"
import { Sparkles } from "lucide-react"
import type { RunAnswer } from "./builder-run.ts"
import type { SuggestionView } from "./tool-input.ts"

export interface SuggestionChipsProps {
  readonly suggestions: readonly SuggestionView[]
  /** Set when a chip may send its message now. */
  readonly answer: RunAnswer | null
}

export function SuggestionChips({ suggestions, answer }: SuggestionChipsProps) {
  const chips = suggestions.map((suggestion, index) => <SuggestionChip key={index} suggestion={suggestion} answer={answer} />)
  const list = "flex min-w-0 flex-wrap gap-2"
  return (
    <div className="grid min-w-0 gap-2" data-testid="suggestions">
      <p className="flex flex-wrap items-center gap-x-1.5 text-xs text-muted-foreground">
        <Sparkles className="size-3.5" aria-hidden />
        <span className="font-medium tracking-wide uppercase">Next steps</span>
        {answer ? <span>· pick one to send it as your next message</span> : null}
      </p>
      {answer ? (
        <Form method="post" className={list} aria-busy={answer.pending === "send"}>
          <input type="hidden" name="intent" value="send" />
          {/* Not read by the send; it tells the page which run's card sent the message. */}
          <input type="hidden" name="runId" value={answer.runId} />
          {chips}
        </Form>
      ) : (
        <div className={list}>{chips}</div>
      )}
    </div>
  )
}

const CHIP =
  "inline-flex max-w-full min-w-0 items-start gap-2 rounded-xl border bg-card px-3 py-2 text-left text-card-foreground shadow-xs wrap-anywhere enabled:cursor-pointer enabled:hover:border-primary enabled:hover:bg-accent disabled:bg-muted disabled:shadow-none"

function SuggestionChip({ suggestion, answer }: { suggestion: SuggestionView; answer: RunAnswer | null }) {
  const content = (
    <>
      {suggestion.emoji ? (
        <span className="shrink-0" aria-hidden="true">
          {suggestion.emoji}
        </span>
      ) : null}
      <span className="grid min-w-0">
        <span className="font-medium">{suggestion.title}</span>
        {suggestion.subtitle ? <span className="text-xs text-muted-foreground">{suggestion.subtitle}</span> : null}
      </span>
    </>
  )
  return answer ? (
    <button type="submit" name="prompt" value={suggestion.title} className={CHIP} disabled={answer.pending !== null} data-testid="suggestion-chip">
      {content}
    </button>
  ) : (
    <button type="button" className={CHIP} disabled data-testid="suggestion-chip">
      {content}
    </button>
  )
}
