// The one line that says what the builder is doing: working on a message, already busy when a
// send was refused (409: another tab or person sent first), waiting for the person to approve
// its plan, or ready for the next message.

import { useNavigation, useRevalidator } from "@remix-run/react"
import { Hand, LoaderCircle, TriangleAlert } from "lucide-react"
import { useEffect, useRef, useState } from "react"
import { cn } from "../ui/cn.ts"

export type ChatState = "working" | "already-running" | "awaiting-approval" | "ready"

interface SendOutcome {
  readonly ok: boolean
  readonly intent: string
  readonly status?: number
}

/**
 * True from a send refused with 409 until the run that was in the way ends, or the next
 * submission. The refusal reloads the page's data (which a refused action does not do by itself)
 * so the run that was in the way appears with its Stop button. NOTE: that reload clears the
 * action data, so the refusal is remembered here rather than read from the action data again.
 */
export function useSendConflict(outcome: SendOutcome | undefined, activeRunId: string | null): boolean {
  const [conflict, setConflict] = useState(false)
  const revalidator = useRevalidator()
  const revalidate = useRef(revalidator.revalidate)
  revalidate.current = revalidator.revalidate

  useEffect(() => {
    if (outcome !== undefined && !outcome.ok && outcome.intent === "send" && outcome.status === 409) {
      setConflict(true)
      revalidate.current()
    }
  }, [outcome])

  const submitting = useNavigation().state === "submitting"
  useEffect(() => {
    if (submitting) setConflict(false)
  }, [submitting])

  const previousActive = useRef(activeRunId)
  useEffect(() => {
    if (previousActive.current !== null && activeRunId === null) setConflict(false)
    previousActive.current = activeRunId
  }, [activeRunId])

  // If the run in the way ended before the reload, nothing is running any more: say so.
  return conflict && (activeRunId !== null || revalidator.state !== "idle")
}

const MESSAGES: Readonly<Record<ChatState, string>> = {
  working: "The agent is working on it…",
  "already-running": "Already running: the agent is still working on an earlier message. Wait for it to finish, or stop it, then send again.",
  "awaiting-approval": "The agent is waiting for your approval of its plan.",
  ready: "Ready for your next message.",
}

const ICONS = {
  working: <LoaderCircle className="size-4 shrink-0 animate-spin motion-reduce:animate-none" aria-hidden />,
  "already-running": <TriangleAlert className="size-4 shrink-0 text-warning" aria-hidden />,
  "awaiting-approval": <Hand className="size-4 shrink-0 text-primary" aria-hidden />,
  ready: null,
} as const

/**
 * The line above the message box. "Ready" is said to screen readers only, unless the
 * conversation is empty and the line tells what to do first.
 */
export function ChatStatus({ state, empty }: { state: ChatState; empty: boolean }) {
  const quiet = state === "ready" && !empty
  return (
    <p
      className={cn(
        "flex min-w-0 items-start gap-2 text-sm",
        quiet && "sr-only",
        state === "already-running" ? "font-medium text-foreground" : state === "awaiting-approval" ? "font-medium" : "text-muted-foreground",
      )}
      role="status"
      data-testid="chat-status"
      data-state={state}
    >
      {ICONS[state]}
      <span className="min-w-0">{state === "ready" && empty ? "Send a message to start building." : MESSAGES[state]}</span>
    </p>
  )
}
