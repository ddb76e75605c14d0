// The builder tools' calls (second.*) as the person should read them: a plan, next-step chips,
// the agents proposed for approval and the integrations to set up, a line for the app's name, a
// "Built" card, a line for the integration keys. A call these cards cannot show (a malformed
// input or answer, or a call that failed) gets the generic tool card instead.

import { CircleCheck, KeyRound, Tag, type LucideIcon } from "lucide-react"
import type { ReactElement, ReactNode } from "react"
import { builderToolOf } from "#shared/mcp/tool-names.ts"
import { endingApprovalStop } from "#shared/runs/approval-stop.ts"
import type { Transcript, TranscriptPart } from "#shared/runs/transcript.ts"
import { LazyIntegrationSetupCard } from "../agents/lazy-agents-cards.tsx"
import { PresentAgentsCard } from "../agents/present-agents-card.tsx"
import { presentedAgentsHash, presentsIntegrationSetup } from "../agents/presented-answer.ts"
import { endingPlanIndex, type RunAnswer } from "./builder-run.ts"
import { PlanCard } from "./plan-card.tsx"
import { SuggestionChips } from "./suggestion-chips.tsx"
import {
  appMetadataInput,
  appMetadataNameApplied,
  appMetadataStored,
  doneBuildingInput,
  integrationKeyCount,
  integrationKeysDomain,
  planInput,
  suggestionsInput,
  toolInputFields,
} from "./tool-input.ts"

type ToolPart = Extract<TranscriptPart, { kind: "tool" }>

/** What a card needs to know of the rest of its transcript, worked out once per transcript. */
export interface BuilderCardsContext {
  /** The run's answer, when its cards can be answered or show an approval; null in read-only views. */
  readonly answer: RunAnswer | null
  readonly endingPlan: number
  /** The approval stop the turn ended at (a plan, the agents, …): the person's next word answers it. */
  readonly endingStop: number
  readonly lastPlan: number
  readonly lastSuggestions: number
}

const lastCallOf = (parts: Transcript, tool: string) => parts.findLastIndex((part) => part.kind === "tool" && builderToolOf(part.name) === tool)

export function builderCardsContext(parts: Transcript, answer: RunAnswer | null): BuilderCardsContext {
  return {
    answer,
    endingPlan: endingPlanIndex(parts),
    endingStop: endingApprovalStop(parts),
    lastPlan: lastCallOf(parts, "present_plan"),
    lastSuggestions: lastCallOf(parts, "present_suggestions"),
  }
}

/** The card for a builder tool's call at `index`, or null when the generic tool card should show it. */
export function builderToolCard(part: ToolPart, index: number, context: BuilderCardsContext): ReactElement | null {
  const tool = builderToolOf(part.name)
  // A failed call is told by the generic card, which shows the error the agent was given.
  if (tool === null || part.isError) return null
  const fields = toolInputFields(part)
  const answerable = context.answer?.answerable ? context.answer : null
  switch (tool) {
    case "present_plan": {
      const plan = planInput(fields)
      if (!plan) return null
      const approval = index === context.lastPlan ? (context.answer?.approval ?? null) : null
      return <PlanCard plan={plan} approval={approval} answer={index === context.endingPlan ? answerable : null} />
    }
    case "present_suggestions": {
      const suggestions = suggestionsInput(fields)
      if (!suggestions) return null
      const current = index === context.lastSuggestions && part.output !== null
      return <SuggestionChips suggestions={suggestions} answer={current ? answerable : null} />
    }
    case "present_agents": {
      const hash = presentedAgentsHash(part.output)
      if (hash === null || part.output === null) return null
      // With an answer the card is in the app's chat (a router, an app): it shows where the agents stand.
      const interactive = context.answer ? { canRequestChanges: answerable !== null && index === context.endingStop } : null
      return <PresentAgentsCard output={part.output} hash={hash} interactive={interactive} />
    }
    case "present_integration_setup":
      return part.output !== null && presentsIntegrationSetup(part.output) ? <LazyIntegrationSetupCard output={part.output} /> : null
    case "set_app_metadata": {
      const asked = appMetadataInput(fields)
      if (!asked || part.cutShort) return null
      // What the web stored (cleaned) once it answered; until then the call is still on its way.
      const metadata = appMetadataStored(part.output) ?? asked
      return (
        <ToolLine icon={Tag} testId="app-metadata">
          {part.output === null
            ? "Naming the app…"
            : appMetadataNameApplied(part.output) === false
              ? `Described the app — ${metadata.description} (it keeps the name you gave it)`
              : `Named the app “${metadata.name}” — ${metadata.description}`}
        </ToolLine>
      )
    }
    case "done_building": {
      const done = doneBuildingInput(fields)
      if (!done || part.cutShort) return null
      return (
        <section className="grid min-w-0 gap-1 rounded-xl border border-success/30 bg-card px-4 py-3 text-card-foreground shadow-xs" data-testid="done-building" aria-label="Built">
          <p className="flex items-center gap-2 font-medium text-success">
            <CircleCheck className="size-4 shrink-0" aria-hidden />
            Built
          </p>
          <p className="whitespace-pre-wrap wrap-anywhere">{done.summary}</p>
        </section>
      )
    }
    case "list_app_integration_keys": {
      const domain = integrationKeysDomain(fields)
      if (domain === undefined || part.cutShort) return null
      return (
        <ToolLine icon={KeyRound} testId="integration-keys">
          {describeKeyCheck(domain, part.output)}
        </ToolLine>
      )
    }
  }
}

function describeKeyCheck(domain: string | null, output: string | null): string {
  const subject = `the app's integration keys${domain ? ` for ${domain}` : ""}`
  if (output === null) return `Checking ${subject}…`
  const count = integrationKeyCount(output)
  if (count === null) return `Checked ${subject}`
  return `Checked ${subject}: ${count === 0 ? "none" : count === 1 ? "1 key" : `${count} keys`}`
}

/** A builder tool's one-line account, in the rhythm of the tool rows around it. */
function ToolLine({ icon: Icon, testId, children }: { icon: LucideIcon; testId: string; children: ReactNode }) {
  return (
    <p className="flex min-w-0 items-start gap-2 px-2 py-1 text-muted-foreground" data-testid={testId}>
      <Icon className="mt-1 size-4 shrink-0" aria-hidden />
      <span className="min-w-0 wrap-anywhere">{children}</span>
    </p>
  )
}
