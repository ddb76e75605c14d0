// The agent's plan (a present_plan call), readable: title, overview, features, data flow, and its
// agents and backend when it has some. The plan the conversation stopped at can be approved or
// sent back with changes; an approved one says who approved it and when.

import { Form, useRevalidator } from "@remix-run/react"
import { Check, CircleCheck, ClipboardList } from "lucide-react"
import { useEffect, useId, useRef } from "react"
import { Button } from "../ui/button.tsx"
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
    <section
      className="grid min-w-0 gap-3 rounded-xl border bg-card px-4 py-4 text-card-foreground shadow-xs wrap-anywhere sm:px-5"
      data-testid="plan-card"
      aria-labelledby={titleId}
    >
      <div className="grid gap-1">
        <p className="flex items-center gap-1.5 text-xs font-medium tracking-wide text-muted-foreground uppercase">
          <ClipboardList className="size-3.5" aria-hidden />
          Plan
        </p>
        {/* Under the page's h1 (the app's name): the plan is the chat's one heading of its rank. */}
        <h2 className="text-base font-semibold tracking-tight" id={titleId}>
          {plan.title}
        </h2>
        <p className="whitespace-pre-wrap">{plan.overview}</p>
      </div>
      <div className="grid gap-1.5">
        <h3 className="text-xs font-medium text-muted-foreground">Features</h3>
        <ul className="grid gap-2">
          {plan.features.map((feature, index) => (
            <li key={index} className="flex min-w-0 items-baseline gap-2">
              <span className="w-5 shrink-0 text-center" aria-hidden="true">
                {feature.emoji ?? "•"}
              </span>
              <span className="min-w-0">
                <strong className="font-semibold">{feature.name}</strong> <span className="text-muted-foreground">{feature.description}</span>
              </span>
            </li>
          ))}
        </ul>
      </div>
      <PlanSection title="Data flow" text={plan.dataFlow} />
      <PlanSection title="Agents" text={plan.agents} />
      <PlanSection title="Backend" text={plan.backend} />
      {approval ? (
        <p className="flex flex-wrap items-center gap-x-1.5 font-medium text-success" data-testid="plan-approved">
          <CircleCheck className="size-4 shrink-0" aria-hidden />
          Approved by {approval.byName} · <time dateTime={approval.at}>{formatApprovalTime(approval.at)}</time>
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
    <div className="grid gap-1">
      <h3 className="text-xs font-medium text-muted-foreground">{title}</h3>
      <p className="whitespace-pre-wrap">{text}</p>
    </div>
  )
}

const CHANGES_PLACEHOLDER = "What should change in the plan?"

function PlanActions({ runId, approving }: { runId: string; approving: boolean }) {
  return (
    <div className="grid gap-2 border-t pt-3">
      <p className="text-muted-foreground">The agent builds once you approve the plan. To change it, say what should change.</p>
      <div className="flex flex-wrap items-center gap-2">
        <Form method="post">
          <input type="hidden" name="runId" value={runId} />
          <Button type="submit" name="intent" value="approve" disabled={approving} data-testid="approve-plan">
            <Check aria-hidden />
            {approving ? "Approving…" : "Approve"}
          </Button>
        </Form>
        {/* A link, so that without JavaScript it still leads to the message box; no server call. */}
        <Button asChild variant="outline">
          <a
            href={`#${MESSAGE_INPUT_ID}`}
            data-testid="request-changes"
            onClick={(event) => {
              if (askInComposer(CHANGES_PLACEHOLDER)) event.preventDefault()
            }}
          >
            Request changes
          </a>
        </Button>
      </div>
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
