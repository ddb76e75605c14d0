// What an empty list says: what would be here, why it is empty, and what to do about it.

import type { LucideIcon } from "lucide-react"
import type { ReactNode } from "react"
import { cn } from "./cn.ts"

export function EmptyState({ icon: Icon, title, children, action, className, ...rest }: { icon: LucideIcon; title: ReactNode; children?: ReactNode; action?: ReactNode; className?: string; "data-testid"?: string }) {
  return (
    <div className={cn("flex flex-col items-center gap-2 rounded-xl border border-dashed px-6 py-10 text-center", className)} {...rest}>
      <span className="mb-1 flex size-10 items-center justify-center rounded-full bg-muted">
        <Icon className="size-5 text-muted-foreground" aria-hidden />
      </span>
      <p className="font-medium">{title}</p>
      {children ? <div className="max-w-sm text-muted-foreground text-pretty">{children}</div> : null}
      {action ? <div className="mt-2">{action}</div> : null}
    </div>
  )
}
