// A message in the page's flow: what happened and what to do. `error` is announced at once
// (role=alert), the others politely (role=status).

import { CircleAlert, CircleCheck, Info, TriangleAlert } from "lucide-react"
import type { ReactNode } from "react"
import { cn } from "./cn.ts"

const tones = {
  info: { icon: Info, className: "border-border bg-muted text-foreground", role: "status" },
  success: { icon: CircleCheck, className: "border-success/30 bg-success/8 text-foreground [&>svg]:text-success", role: "status" },
  warning: { icon: TriangleAlert, className: "border-warning/30 bg-warning/8 text-foreground [&>svg]:text-warning", role: "status" },
  error: { icon: CircleAlert, className: "border-destructive/30 bg-destructive/8 text-foreground [&>svg]:text-destructive", role: "alert" },
} as const

export function Notice({ tone = "info", title, children, className, ...rest }: { tone?: keyof typeof tones; title?: ReactNode; children?: ReactNode; className?: string; "data-testid"?: string }) {
  const { icon: Icon, className: toneClass, role } = tones[tone]
  return (
    <div role={role} className={cn("flex gap-3 rounded-lg border px-3 py-2.5 text-sm", toneClass, className)} {...rest}>
      <Icon className="mt-0.5 size-4 shrink-0" aria-hidden />
      <div className="grid min-w-0 gap-0.5 break-words">
        {title ? <p className="font-medium">{title}</p> : null}
        {children ? <div className={title ? "text-muted-foreground" : undefined}>{children}</div> : null}
      </div>
    </div>
  )
}
