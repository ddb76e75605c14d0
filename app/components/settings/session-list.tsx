// The browsers signed in as you, named as people name them ("Chrome on Linux · 2 h ago"), this one
// marked; any other can be signed out from here, one at a time or all at once, after a question.

import { Form } from "@remix-run/react"
import { LogOut, Monitor, Smartphone, Tablet } from "lucide-react"
import { describeUserAgent, parseUserAgent } from "../../text/user-agent.ts"
import { Badge } from "../ui/badge.tsx"
import { Button } from "../ui/button.tsx"
import { RelativeTime } from "../ui/relative-time.tsx"
import { ConfirmForm } from "./confirm-form.tsx"

export interface SessionRowData {
  readonly id: string
  readonly createdAt: string
  readonly lastSeenAt: string
  readonly userAgent: string
  readonly current: boolean
}

const deviceIcon = (userAgent: string) => {
  const { os } = parseUserAgent(userAgent)
  return os === "iPadOS" ? Tablet : os === "iOS" || os === "Android" ? Smartphone : Monitor
}

export function SessionList({ sessions }: { sessions: readonly SessionRowData[] }) {
  const others = sessions.filter((session) => !session.current).length
  return (
    <div className="grid gap-3">
      <ul className="divide-y rounded-lg border" aria-label="Signed-in browsers">
        {/* This browser first, then the others as the server ordered them (most recently active first). */}
        {[...sessions].sort((a, b) => Number(b.current) - Number(a.current)).map((session) => (
          <SessionRow key={session.id} session={session} />
        ))}
      </ul>
      {others > 0 ? (
        <div>
          <ConfirmForm
            trigger={
              <Button variant="outline" size="sm">
                <LogOut aria-hidden />
                Sign out all other browsers
              </Button>
            }
            title={`Sign out ${others} other ${others === 1 ? "browser" : "browsers"}?`}
            description={`${others === 1 ? "That browser" : "Each of them"} will have to sign in again. This browser stays signed in.`}
            confirmLabel="Sign out others"
            intent="revokeOthers"
            fields={{}}
            destructive
          />
        </div>
      ) : null}
    </div>
  )
}

function SessionRow({ session }: { session: SessionRowData }) {
  const name = describeUserAgent(session.userAgent)
  const Icon = deviceIcon(session.userAgent)
  return (
    <li data-testid="session-row" className="flex flex-col gap-3 px-4 py-3 sm:flex-row sm:items-center">
      <div className="flex min-w-0 flex-1 items-start gap-3">
        <span className="mt-0.5 flex size-8 shrink-0 items-center justify-center rounded-full bg-muted">
          <Icon className="size-4 text-muted-foreground" aria-hidden />
        </span>
        <div className="grid min-w-0 gap-0.5">
          <p className="flex flex-wrap items-center gap-2">
            <span className="font-medium" data-testid="session-browser">
              {name}
            </span>
            {session.current ? <Badge variant="success">This browser</Badge> : null}
          </p>
          <p className="text-xs text-muted-foreground">
            {session.current ? "Active now" : <RelativeTime iso={session.lastSeenAt} prefix="Active" />} · signed in{" "}
            <RelativeTime iso={session.createdAt} />
          </p>
        </div>
      </div>
      <div className="shrink-0 pl-11 sm:pl-0">
        {session.current ? (
          <Form method="post" action="/auth/sign-out">
            <Button type="submit" variant="outline" size="sm">
              <LogOut aria-hidden />
              Sign out
            </Button>
          </Form>
        ) : (
          <ConfirmForm
            trigger={
              <Button variant="ghost" size="sm" className="text-destructive hover:text-destructive">
                <LogOut aria-hidden />
                Sign out<span className="sr-only"> {name}</span>
              </Button>
            }
            title={`Sign out ${name}?`}
            description="That browser will have to sign in again."
            confirmLabel="Sign out"
            intent="revoke"
            fields={{ sessionId: session.id }}
            destructive
          />
        )}
      </div>
    </li>
  )
}
