// Loads the agents cards' chunk (agents-chat-chunk.tsx) only where a chat shows one: most chats
// never do, and the builder page's first load is on a budget (docs/decisions/018). The cards are
// drawn once the page is live: the server and the hydrating browser both draw a one-line
// placeholder, then the browser fetches the chunk and draws the card.
//
// NOTE: not Suspense around server-rendered cards. A boundary still waiting for its chunk while
// hydrating is thrown away by any router update (a fetcher loading, a revalidation), which the
// chat has plenty of, and React then logs a hydration error and redraws it from scratch.

import { LoaderCircle } from "lucide-react"
import { memo, useEffect, useState } from "react"

type CardsChunk = typeof import("./agents-chat-chunk.tsx")

let chunk: CardsChunk | null = null
let loading: Promise<CardsChunk | null> | null = null

/**
 * Loads the chunk once; null when it cannot be loaded. Tests load it first to render the cards
 * complete; the server never does, so what it draws is what the hydrating browser draws.
 */
export function loadAgentsCards(): Promise<CardsChunk | null> {
  loading ??= import("./agents-chat-chunk.tsx").then(
    (module) => (chunk = module),
    () => null,
  )
  return loading
}

/** The chunk once it is here: at once when an earlier card loaded it, else after this one's first commit. */
function useCardsChunk(): CardsChunk | "waiting" | "failed" {
  const [loaded, setLoaded] = useState<CardsChunk | "waiting" | "failed">(chunk ?? "waiting")
  useEffect(() => {
    if (loaded !== "waiting") return
    let current = true
    void loadAgentsCards().then((module) => current && setLoaded(module ?? "failed"))
    return () => {
      current = false
    }
  }, [loaded])
  return loaded
}

function Waiting({ what, titleId }: { what: string; titleId?: string }) {
  return (
    <p className="flex items-center gap-2 text-sm text-muted-foreground" id={titleId}>
      <LoaderCircle className="size-4 animate-spin motion-reduce:animate-none" aria-hidden />
      {what}
    </p>
  )
}

interface AgentsContentProps {
  readonly output: string
  readonly hash: string
  readonly titleId: string
  /** In the app's chat: where the agents stand, and Approve. */
  readonly interactive: boolean
  readonly canRequestChanges: boolean
}

export const LazyAgentsCardContent = memo(function LazyAgentsCardContent({ output, hash, titleId, interactive, canRequestChanges }: AgentsContentProps) {
  const cards = useCardsChunk()
  if (cards === "waiting") return <Waiting what="Showing the agents for review…" titleId={titleId} />
  if (cards === "failed") return <p id={titleId}>The agents could not be shown here; the Agents page has them.</p>
  return (
    <>
      <cards.AgentsCardBody output={output} titleId={titleId} />
      {interactive ? <cards.AgentsCardStanding hash={hash} canRequestChanges={canRequestChanges} /> : null}
    </>
  )
})

export const LazyIntegrationSetupCard = memo(function LazyIntegrationSetupCard({ output }: { output: string }) {
  const cards = useCardsChunk()
  if (cards === "waiting") return <Waiting what="Showing the integrations to set up…" />
  return cards === "failed" ? null : <cards.IntegrationSetupBody output={output} />
})
