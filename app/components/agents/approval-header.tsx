// The head of the Agents page: where the app's agents stand (live, mock data only, not approved,
// or an approval that a change cleared — and why), who approved what and when, and Approve /
// Revoke for the people the server says may. Approve names the exact configuration (its hash) the
// person is looking at, so a change made meanwhile is refused (409) instead of approved unseen.

import { Form, useNavigation } from "@remix-run/react"
import { Check, CircleCheck, FlaskConical, ShieldOff, ShieldQuestion, TriangleAlert, type LucideIcon } from "lucide-react"
import { Badge, type BadgeProps } from "../ui/badge.tsx"
import { Button } from "../ui/button.tsx"
import { cn } from "../ui/cn.ts"
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "../ui/dialog.tsx"
import { RelativeTime } from "../ui/relative-time.tsx"
import { approvedWords, approveLabel, mayApproveNow, type ApprovalFacts, type ApprovalState } from "./agents-view.ts"

interface StateLook {
  readonly label: string
  readonly badge: BadgeProps["variant"]
  readonly icon: LucideIcon
  readonly border: string
  readonly iconColour: string
}

const STATES: Readonly<Record<ApprovalState, StateLook>> = {
  live: { label: "Live", badge: "success", icon: CircleCheck, border: "border-success/40", iconColour: "text-success" },
  mock: { label: "Mock data only", badge: "warning", icon: FlaskConical, border: "border-warning/40", iconColour: "text-warning" },
  "not-approved": { label: "Not approved", badge: "outline", icon: ShieldQuestion, border: "", iconColour: "text-muted-foreground" },
  cleared: { label: "Approval cleared", badge: "destructive", icon: TriangleAlert, border: "border-destructive/40", iconColour: "text-destructive" },
}

export interface ApprovalHeaderProps {
  readonly approval: ApprovalFacts
  /** agents.json exists and is valid: there is something to approve. */
  readonly approvable: boolean
  /** Where the forms post (the Agents route). */
  readonly action: string
}

export function ApprovalHeader({ approval, approvable, action }: ApprovalHeaderProps) {
  const { label, badge, icon: Icon, border, iconColour } = STATES[approval.state]
  const navigation = useNavigation()
  const pending = navigation.formAction === action ? String(navigation.formData?.get("intent") ?? "") : null
  return (
    <section className={cn("grid min-w-0 gap-3 rounded-xl border bg-card p-4 text-card-foreground shadow-xs sm:p-5", border)} aria-labelledby="agents-approval-title" data-testid="agents-approval" data-state={approval.state}>
      <div className="flex min-w-0 flex-wrap items-center gap-x-3 gap-y-1">
        <h2 id="agents-approval-title" className="flex items-center gap-2 text-base font-semibold tracking-tight">
          <Icon className={cn("size-4 shrink-0", iconColour)} aria-hidden />
          Agents
        </h2>
        <Badge variant={badge} data-testid="approval-state">
          {label}
        </Badge>
      </div>
      <div className="grid min-w-0 gap-1 text-sm">
        <StateExplained approval={approval} approvable={approvable} />
      </div>
      <div className="flex flex-wrap gap-2 empty:hidden">
        {approvable && mayApproveNow(approval) && approval.approveMode ? (
          <Form method="post" action={action}>
            <input type="hidden" name="expectedHash" value={approval.currentHash ?? ""} />
            <Button type="submit" name="intent" value="approve" disabled={pending === "approve"} data-testid="approve-agents">
              <Check aria-hidden />
              {pending === "approve" ? "Approving…" : approveLabel(approval.approveMode)}
            </Button>
          </Form>
        ) : null}
        {approval.canRevoke && (approval.state === "live" || approval.state === "mock") ? <RevokeDialog action={action} pending={pending === "revoke"} /> : null}
      </div>
    </section>
  )
}

function Approved({ approval, verb }: { approval: ApprovalFacts; verb: string }) {
  if (!approval.approvedAt) return null
  return (
    <p data-testid="approved-by">
      {approvedWords(approval, verb)} · <RelativeTime iso={approval.approvedAt} />
    </p>
  )
}

function StateExplained({ approval, approvable }: { approval: ApprovalFacts; approvable: boolean }) {
  const muted = "text-muted-foreground"
  switch (approval.state) {
    case "live":
      return (
        <>
          <p>The agents and the app's tools call the real APIs, as reviewed.</p>
          <Approved approval={approval} verb="Approved" />
        </>
      )
    case "mock":
      return (
        <>
          <p>The tools answer with their declared mock data; no API is called. An owner or admin can approve them for live calls.</p>
          <Approved approval={approval} verb="Approved" />
        </>
      )
    case "cleared":
      return (
        <>
          <p data-testid="cleared-reason">
            {approval.clearedAt ? (
              <>
                Cleared <RelativeTime iso={approval.clearedAt} />
                {approval.clearedReason ? `: ${approval.clearedReason}` : "."}
              </>
            ) : (
              (approval.clearedReason ?? "The approval no longer applies.")
            )}
          </p>
          <Approved approval={approval} verb="It had been approved" />
          <p className={muted}>Live calls are refused until someone approves the current configuration.</p>
        </>
      )
    case "not-approved":
      return (
        <p className={muted}>
          {approvable
            ? "Nothing here runs until someone approves it: an owner or admin for live calls, the app's creator or a collaborator for mock data."
            : "Nothing here can be approved until agents.json is fixed."}
        </p>
      )
  }
}

function RevokeDialog({ action, pending }: { action: string; pending: boolean }) {
  return (
    <Dialog>
      <DialogTrigger asChild>
        <Button variant="outline" data-testid="revoke-agents">
          <ShieldOff aria-hidden />
          Revoke…
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Revoke the approval?</DialogTitle>
          <DialogDescription>
            The agents stop calling APIs at once: runs that start afterwards are refused until someone approves again. The published version keeps its own approval.
          </DialogDescription>
        </DialogHeader>
        <Form method="post" action={action}>
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="outline">Cancel</Button>
            </DialogClose>
            <Button type="submit" name="intent" value="revoke" variant="destructive" disabled={pending} data-testid="confirm-revoke">
              {pending ? "Revoking…" : "Revoke approval"}
            </Button>
          </DialogFooter>
        </Form>
      </DialogContent>
    </Dialog>
  )
}
