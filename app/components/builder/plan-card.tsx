// The agent's plan (a present_plan call), readable: title, overview, features, data flow, and its
// agents and backend when it has some. The plan the conversation stopped at can be approved or
// sent back with changes; an approved one says who approved it and when.

import { Form, useRevalidator } from "@remix-run/react"
import { useEffect, useId, useRef } from "react"
import type { PlanApproval, RunAnswer } from "./builder-run.ts"
import { MESSAGE_INPUT_ID, askInComposer } from "./chat-composer.tsx"
import type { PlanView } from "./tool-input.ts"

export interface PlanCardProps {
  readonly plan: PlanView
  /** Set when the person may approve this plan now (the run ended at it, and it is the latest). */
  readonly answer: RunAnswer | null
  /** Who approved this plan, when it is the run's approved one. */
  readonly approval: PlanApproval | null
}

export function PlanCard({ plan, answer, approval }: PlanCardProps) {
  const titleId = useId()
  return (
    <section className="plan-card" data-testid="plan-card" aria-labelledby={titleId}>
      <p className="card-kicker">Plan</p>
      <h3 className="plan-title" id={titleId}>
        {plan.title}
      </h3>
      <p className="plan-text">{plan.overview}</p>
      <h4>Features</h4>
      <ul className="plan-features">
        {plan.features.map((feature, index) => (
          <li key={index}>
            <span className="feature-emoji" aria-hidden="true">
              {feature.emoji ?? "•"}
            </span>
            <span>
              <strong>{feature.name}</strong> <span className="feature-description">{feature.description}</span>
            </span>
          </li>
        ))}
      </ul>
      <PlanSection title="Data flow" text={plan.dataFlow} />
      <PlanSection title="Agents" text={plan.agents} />
      <PlanSection title="Backend" text={plan.backend} />
      {approval ? (
        <p className="plan-approved" data-testid="plan-approved">
          <span aria-hidden="true">✓ </span>Approved by {approval.byName} · <time dateTime={approval.at}>{formatApprovalTime(approval.at)}</time>
        </p>
      ) : answer ? (
        <PlanActions runId={answer.runId} approving={answer.pending === "approve"} />
      ) : null}
    </section>
  )
}

function PlanSection({ title, text }: { title: string; text: string | null }) {
  if (text === null) return null
  return (
    <>
      <h4>{title}</h4>
      <p className="plan-text">{text}</p>
    </>
  )
}

const CHANGES_PLACEHOLDER = "What should change in the plan?"

function PlanActions({ runId, approving }: { runId: string; approving: boolean }) {
  return (
    <div className="card-actions">
      <p className="card-hint">The agent builds once you approve the plan.</p>
      <Form method="post" className="inline">
        <input type="hidden" name="runId" value={runId} />
        <button type="submit" name="intent" value="approve" className="primary" disabled={approving} data-testid="approve-plan">
          {approving ? "Approving…" : "Approve"}
        </button>
      </Form>
      {/* A link, so that without JavaScript it still leads to the message box; no server call. */}
      <a
        href={`#${MESSAGE_INPUT_ID}`}
        className="button-secondary"
        data-testid="request-changes"
        onClick={(event) => {
          if (askInComposer(CHANGES_PLACEHOLDER)) event.preventDefault()
        }}
      >
        Request changes
      </a>
    </div>
  )
}

/**
 * A refused approval (someone approved first, or a newer message came) reloads the page's data,
 * which a refused action does not do by itself, so the card stops offering a stale Approve and
 * shows who approved instead.
 */
export function useReloadWhenApprovalRefused(outcome: { readonly ok: boolean; readonly intent: string } | undefined) {
  const revalidator = useRevalidator()
  const revalidate = useRef(revalidator.revalidate)
  revalidate.current = revalidator.revalidate
  useEffect(() => {
    if (outcome !== undefined && !outcome.ok && outcome.intent === "approve") revalidate.current()
  }, [outcome])
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
const twoDigits = (n: number) => String(n).padStart(2, "0")

/**
 * "Mar 5, 2025, 14:03 UTC". Spelled out by hand in UTC rather than with toLocaleString: the
 * server's and the browser's ICU data differ in small ways (a narrow no-break space before "PM",
 * say), and any difference is a hydration mismatch.
 */
export function formatApprovalTime(iso: string): string {
  const at = new Date(iso)
  if (Number.isNaN(at.getTime())) return iso
  const date = `${MONTHS[at.getUTCMonth()]} ${at.getUTCDate()}, ${at.getUTCFullYear()}`
  return `${date}, ${twoDigits(at.getUTCHours())}:${twoDigits(at.getUTCMinutes())} UTC`
}
