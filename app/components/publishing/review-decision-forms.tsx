// An admin's answer to a pending review: Approve (publishes the reviewed version for the requested
// audience), or Request changes with a comment the requester reads (required; its problem shows
// under the field, checked in the browser by the server's own rule first, so a blank comment never
// leaves). The forms post to the review's page; its action answers through act().

import { Form, useNavigation } from "@remix-run/react"
import { Check, MessageSquareWarning } from "lucide-react"
import { useState, type FormEvent } from "react"
import { REVIEW_TEXT_MAX_CHARS } from "#shared/publishing/publishing.ts"
import { fieldProblems, type FieldProblem } from "../integrations/field-problems.ts"
import { Button } from "../ui/button.tsx"
import { Textarea } from "../ui/input.tsx"
import { Field } from "../ui/label.tsx"
import { Notice } from "../ui/notice.tsx"
import { hasVisibleText } from "../../text/names.ts"

/** The server's refusal of a blank comment ("the comment must say what to change"), as a sentence under the field. */
export const COMMENT_NEEDED = "The comment must say what to change."

/** What is wrong with a comment before it is sent (the server's rule, hasVisibleText); null when nothing. */
export const commentProblem = (text: unknown): string | null => (typeof text === "string" && hasVisibleText(text) ? null : COMMENT_NEEDED)

/** A field problem as a sentence: capitalized, ending with a full stop. */
const asSentence = (message: string) => {
  const text = message.charAt(0).toUpperCase() + message.slice(1)
  return /[.!?]$/.test(text) ? text : `${text}.`
}

/** An action's answer as these forms read it (caller.server.ts ActionResult, without its data). */
export interface DecisionOutcome {
  readonly ok: boolean
  readonly intent: string
  readonly message?: string
  readonly issues?: readonly FieldProblem[] | null
  readonly reasonCode?: string | null
}

export interface ReviewDecisionFormsProps {
  /** The review's page: the forms post there. */
  readonly action: string
  readonly outcome: DecisionOutcome | undefined
  /** Integrations are missing: approving would be refused, so say so beside the button. */
  readonly blockedBy: string | null
}

export function ReviewDecisionForms({ action, outcome, blockedBy }: ReviewDecisionFormsProps) {
  const navigation = useNavigation()
  const pending = navigation.formAction === action ? String(navigation.formData?.get("intent") ?? "") : null
  const changes = outcome?.intent === "request-changes" && !outcome.ok ? { ok: false, message: outcome.message ?? "", issues: outcome.issues ?? null } : null
  const problems = fieldProblems(changes, ["comment"], "request-changes")
  const [blank, setBlank] = useState(false)
  const served = problems.of("comment")
  // The browser's own check (the same rule as the server's) speaks first; the server's answer after a post.
  const comment = blank ? { id: "request-changes-comment-problem", message: COMMENT_NEEDED } : served ? { ...served, message: asSentence(served.message) } : null
  // A single field: its problem shows under it, and no notice repeats "fix what is marked".
  const rest = changes && !served ? problems.rest : ""
  const check = (event: FormEvent<HTMLFormElement>) => {
    if (commentProblem(new FormData(event.currentTarget).get("comment")) === null) return
    event.preventDefault()
    setBlank(true)
  }
  return (
    <section className="grid min-w-0 gap-4 rounded-xl border bg-card p-4 shadow-xs sm:p-5" aria-labelledby="review-decide-title" data-testid="review-decide">
      <h2 id="review-decide-title" className="text-base font-semibold tracking-tight">
        Your decision
      </h2>
      <Form method="post" action={action} className="grid gap-2">
        <p className="text-sm text-muted-foreground">Approving publishes this version for the people named above, at once.</p>
        {blockedBy ? (
          <p id="approve-blocked" className="text-sm text-muted-foreground">
            {blockedBy}
          </p>
        ) : null}
        <Button
          type="submit"
          name="intent"
          value="approve"
          className="justify-self-start"
          disabled={pending !== null || blockedBy !== null}
          aria-describedby={blockedBy ? "approve-blocked" : undefined}
          data-testid="approve-review"
        >
          <Check aria-hidden />
          {pending === "approve" ? "Approving…" : "Approve and publish"}
        </Button>
      </Form>
      <Form method="post" action={action} className="grid gap-2 border-t pt-4" noValidate onSubmit={check}>
        <Field label="What to change" hint={`The person who asked reads this. Up to ${REVIEW_TEXT_MAX_CHARS} characters.`}>
          <Textarea
            name="comment"
            aria-required
            maxLength={REVIEW_TEXT_MAX_CHARS}
            rows={3}
            onChange={() => setBlank(false)}
            {...(comment ? { "aria-invalid": true, "aria-describedby": comment.id } : {})}
            data-testid="review-comment-input"
          />
        </Field>
        {comment ? (
          <p id={comment.id} className="text-sm text-destructive" data-testid="review-comment-problem">
            {comment.message}
          </p>
        ) : null}
        {rest ? <Notice tone="error">{rest}</Notice> : null}
        <Button type="submit" name="intent" value="request-changes" variant="outline" className="justify-self-start" disabled={pending !== null} data-testid="request-changes">
          <MessageSquareWarning aria-hidden />
          {pending === "request-changes" ? "Sending…" : "Request changes"}
        </Button>
      </Form>
    </section>
  )
}
