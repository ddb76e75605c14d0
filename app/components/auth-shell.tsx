// The frame of the pages a person sees before they are in a workspace (welcome, sign-in, a new
// workspace, an invitation): the mark, one card in the middle, nothing else to get lost in.

import type { ReactNode } from "react"
import { Card, CardContent } from "./ui/card.tsx"
import { Logo } from "./ui/logo.tsx"

export function AuthShell({ title, description, children, footer }: { title: ReactNode; description?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  return (
    <main className="mx-auto grid min-h-dvh w-full max-w-md content-center gap-6 px-4 py-10">
      <Logo />
      <div className="grid gap-1.5">
        <h1 className="text-2xl font-semibold tracking-tight text-balance">{title}</h1>
        {description ? <p className="text-muted-foreground text-pretty">{description}</p> : null}
      </div>
      <Card>
        <CardContent className="grid gap-4">{children}</CardContent>
      </Card>
      {footer ? <div className="text-muted-foreground">{footer}</div> : null}
    </main>
  )
}
