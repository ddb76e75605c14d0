// An admin's answer to a pending review: Approve (publishes the reviewed version for the requested
// audience), or Request changes with a comment the requester reads (required; its problem shows
// under the field). The forms post to the review's page; its action answers through act().

import { Form, useNavigation } from "@remix-run/react"
import { Check, MessageSquareWarning } from "lucide-react"
import { REVIEW_TEXT_MAX_CHARS } from "#shared/publishing/publishing.ts"
import { fieldProblems, type FieldProblem } from "../integrations/field-problems.ts"
import { Button } from "../ui/button.tsx"
import { Textarea } from "../ui/input.tsx"
import { Field } from "../ui/label.tsx"
import { Notice } from "../ui/notice.tsx"

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
  const comment = problems.of("comment")
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
      <Form method="post" action={action} className="grid gap-2 border-t pt-4">
        <Field label="What to change" hint={`The person who asked reads this. Up to ${REVIEW_TEXT_MAX_CHARS} characters.`}>
          <Textarea name="comment" required maxLength={REVIEW_TEXT_MAX_CHARS} rows={3} {...problems.attributes("comment")} data-testid="review-comment-input" />
        </Field>
        {comment ? (
          <p id={comment.id} className="text-sm text-destructive" data-testid="review-comment-problem">
            {comment.message}
          </p>
        ) : null}
        {changes && problems.rest ? <Notice tone="error">{problems.rest}</Notice> : null}
        <Button type="submit" name="intent" value="request-changes" variant="outline" className="justify-self-start" disabled={pending !== null} data-testid="request-changes">
          <MessageSquareWarning aria-hidden />
          {pending === "request-changes" ? "Sending…" : "Request changes"}
        </Button>
      </Form>
    </section>
  )
}
