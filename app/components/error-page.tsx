// What a refused or failed page says: what happened (the server's message, which says what to
// fix) and where to go from here.

import { ArrowLeft, FileQuestion, ShieldAlert, TriangleAlert, type LucideIcon } from "lucide-react"
import type { ReactNode } from "react"
import { Button } from "./ui/button.tsx"
import { Logo } from "./ui/logo.tsx"

const NEXT_STEP: Readonly<Record<number, string>> = {
  404: "It may have been deleted, or you may not have access to it. Check the address, or ask whoever shared it.",
}

export function ErrorPage({ status, title, detail }: { status: number; title: string; detail: string | null }) {
  const Icon = status === 404 ? FileQuestion : status === 403 ? ShieldAlert : TriangleAlert
  return (
    <MessagePage icon={Icon} title={title} detail={detail} note={NEXT_STEP[status] ?? null}>
      <Button asChild variant="outline">
        <a href="/">
          <ArrowLeft aria-hidden />
          Back to the start
        </a>
      </Button>
    </MessagePage>
  )
}

/** The look every such page shares (errors, an OAuth connection not completed): what happened, a next step, the ways on. */
export function MessagePage({
  icon: Icon,
  title,
  detail,
  note,
  children,
}: {
  icon: LucideIcon
  title: string
  detail: string | null
  note: string | null
  children: ReactNode
}) {
  return (
    <main className="mx-auto grid min-h-dvh w-full max-w-md content-center gap-6 px-4 py-10">
      <Logo />
      <div className="grid gap-3">
        <Icon className="size-8 text-muted-foreground" aria-hidden />
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        {detail ? (
          <p className="text-pretty" data-testid="error-detail">
            {detail}
          </p>
        ) : null}
        {note ? <p className="text-muted-foreground text-pretty">{note}</p> : null}
      </div>
      <div className="flex flex-wrap gap-2">{children}</div>
    </main>
  )
}
