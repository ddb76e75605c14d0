// The next steps the agent offered (a present_suggestions call), as chips. On the conversation's
// latest run, with nothing running, a chip sends its title as the next message (the app's
// runtime and model answer it); anywhere else the chips only show what was offered.

import { Form } from "@remix-run/react"
import type { RunAnswer } from "./builder-run.ts"
import type { SuggestionView } from "./tool-input.ts"

export interface SuggestionChipsProps {
  readonly suggestions: readonly SuggestionView[]
  /** Set when a chip may send its message now. */
  readonly answer: RunAnswer | null
}

export function SuggestionChips({ suggestions, answer }: SuggestionChipsProps) {
  const chips = suggestions.map((suggestion, index) => <SuggestionChip key={index} suggestion={suggestion} answer={answer} />)
  return (
    <div className="suggestions" data-testid="suggestions">
      <p className="card-kicker">Suggested next steps</p>
      {answer ? (
        <Form method="post" className="suggestion-list" aria-busy={answer.pending === "send"}>
          <input type="hidden" name="intent" value="send" />
          {/* Not read by the send; it tells the page which run's card sent the message. */}
          <input type="hidden" name="runId" value={answer.runId} />
          {chips}
        </Form>
      ) : (
        <div className="suggestion-list">{chips}</div>
      )}
    </div>
  )
}

function SuggestionChip({ suggestion, answer }: { suggestion: SuggestionView; answer: RunAnswer | null }) {
  const content = (
    <>
      {suggestion.emoji ? (
        <span className="chip-emoji" aria-hidden="true">
          {suggestion.emoji}
        </span>
      ) : null}
      <span className="chip-text">
        <span className="chip-title">{suggestion.title}</span>
        {suggestion.subtitle ? <span className="chip-subtitle">{suggestion.subtitle}</span> : null}
      </span>
    </>
  )
  return answer ? (
    <button type="submit" name="prompt" value={suggestion.title} className="suggestion-chip" disabled={answer.pending !== null} data-testid="suggestion-chip">
      {content}
    </button>
  ) : (
    <button type="button" className="suggestion-chip" disabled data-testid="suggestion-chip">
      {content}
    </button>
  )
}
