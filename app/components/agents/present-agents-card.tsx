// The builder's proposal of the app's agents (a present_agents call) in the chat: each agent with
// its tools, the domains they call and the data they touch, then where the proposal stands. The
// person may approve it from here — live for an owner or admin, mock data for another builder — an
// approval naming the exact configuration the card shows (its hash), so a card older than the
// current agents.json says so instead of approving something nobody has looked at.

import { useId } from "react"
import { LazyAgentsCardContent } from "./lazy-agents-cards.tsx"

export interface PresentAgentsCardProps {
  /** present_agents' answer, as the transcript holds it (presented-answer.ts checked it reads). */
  readonly output: string
  /** The hash of the configuration it shows: what an approval from this card approves. */
  readonly hash: string
  /** In the app's chat (a router, an app): the card shows where it stands and can be approved. Null: read-only. */
  readonly interactive: { readonly canRequestChanges: boolean } | null
}

export function PresentAgentsCard({ output, hash, interactive }: PresentAgentsCardProps) {
  const titleId = useId()
  return (
    <section
      className="grid min-w-0 gap-3 rounded-xl border bg-card px-4 py-4 text-card-foreground shadow-xs wrap-anywhere sm:px-5"
      aria-labelledby={titleId}
      data-testid="agents-card"
      data-hash={hash}
    >
      <LazyAgentsCardContent
        output={output}
        hash={hash}
        titleId={titleId}
        interactive={interactive !== null}
        canRequestChanges={interactive?.canRequestChanges ?? false}
      />
    </section>
  )
}
