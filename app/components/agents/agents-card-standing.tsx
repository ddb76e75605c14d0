// Where a present_agents card stands, under its agents: approved (by whom, when), older than the
// current agents.json, or open to approval — live for an owner or admin, mock data for another
// builder — with Request changes when the turn ended at it. Part of the cards' chunk.

import { Link, useFetcher } from "@remix-run/react"
import { Check, CircleCheck, History } from "lucide-react"
import { useEffect } from "react"
import { askInComposer, MESSAGE_INPUT_ID } from "../builder/chat-composer.tsx"
import { Button } from "../ui/button.tsx"
import { Notice } from "../ui/notice.tsx"
import { RelativeTime } from "../ui/relative-time.tsx"
import { approvedWords, approveLabel, mayApproveNow, type ApprovalFacts } from "./agents-view.ts"
import { useAgentsApproval, useAgentsPath } from "./use-agents-approval.ts"

const CHANGES_PLACEHOLDER = "What should change in the agents?"

/** An approval's answer (caller.server.ts ActionResult), as the card reads it. */
interface ApproveOutcome {
  readonly ok: boolean
  readonly status?: number
  readonly message?: string
}

export function AgentsCardStanding({ hash, canRequestChanges }: { hash: string; canRequestChanges: boolean }) {
  const { approval, reload } = useAgentsApproval()
  const agentsPath = useAgentsPath()
  const approve = useFetcher<ApproveOutcome>()
  const refused = approve.state === "idle" && approve.data && !approve.data.ok ? approve.data : null
  // A refused approval does not reload the page's data by itself; the card must learn what changed.
  useEffect(() => {
    if (refused) reload()
  }, [refused])

  const standing = approval ? standingOf(approval, hash) : "unknown"
  const pageLink = (
    <Link to={agentsPath} className="text-primary underline underline-offset-2" data-testid="agents-card-page">
      {standing === "stale" ? "See the current agents" : "Review on the Agents page"}
    </Link>
  )
  return (
    <div className="grid gap-2 border-t pt-3" data-testid="agents-card-standing" data-standing={standing}>
      {approval && standing === "approved" && approval.approvedAt ? (
        <p className="flex flex-wrap items-center gap-x-1.5 font-medium text-success" data-testid="agents-approved">
          <CircleCheck className="size-4 shrink-0" aria-hidden />
          {approvedWords(approval)} · <RelativeTime iso={approval.approvedAt} />
        </p>
      ) : null}
      {standing === "stale" ? (
        <p className="flex items-start gap-1.5 text-muted-foreground" data-testid="agents-card-stale">
          <History className="mt-0.5 size-4 shrink-0" aria-hidden />
          <span>agents.json has changed since this card: approving it now would approve something else. {pageLink}</span>
        </p>
      ) : null}
      {refused ? (
        <Notice tone="error" data-testid="agents-approve-refused">
          {refused.status === 409 ? "The agents changed since this card was shown: review them again before approving." : refused.message}
        </Notice>
      ) : null}
      {approval && (standing === "open" || (standing === "approved" && mayApproveNow(approval))) ? (
        <>
          <p className="text-muted-foreground">
            {approval.state === "cleared" && approval.clearedReason ? `The earlier approval was cleared: ${approval.clearedReason}. ` : null}
            {standing === "approved"
              ? "Approve again to let the agents call these APIs for real."
              : approval.canApprove && approval.approveMode === "live"
              ? "Approving lets the agents call these APIs for real."
              : approval.canApprove
                ? "Your approval lets the agents run with their mock data; an owner or admin approves live calls."
                : "An owner, an admin or one of the app's builders approves the agents before they run."}
          </p>
          <div className="flex flex-wrap items-center gap-2">
            {approval.canApprove && approval.approveMode ? (
              <approve.Form method="post" action={agentsPath}>
                <input type="hidden" name="expectedHash" value={hash} />
                <Button type="submit" name="intent" value="approve" disabled={approve.state !== "idle"} data-testid="agents-card-approve">
                  <Check aria-hidden />
                  {approve.state !== "idle" ? "Approving…" : approveLabel(approval.approveMode)}
                </Button>
              </approve.Form>
            ) : null}
            {canRequestChanges ? (
              <Button asChild variant="outline">
                <a
                  href={`#${MESSAGE_INPUT_ID}`}
                  data-testid="agents-request-changes"
                  onClick={(event) => {
                    if (askInComposer(CHANGES_PLACEHOLDER)) event.preventDefault()
                  }}
                >
                  Request changes
                </a>
              </Button>
            ) : null}
          </div>
        </>
      ) : null}
      {standing !== "stale" ? <p className="text-sm">{pageLink}</p> : null}
    </div>
  )
}

/**
 * approved: the standing approval is for this card's configuration (an admin may still make a mock
 * one live, from the page); stale: the current agents.json is something else; open: it can be approved.
 */
export function standingOf(approval: ApprovalFacts, hash: string): "approved" | "stale" | "open" {
  if ((approval.state === "live" || approval.state === "mock") && approval.approvedHash === hash) return "approved"
  if (approval.currentHash !== hash) return "stale"
  return "open"
}
