// A form label, and a field: label, control and an optional hint stacked with one rhythm.

import type { LabelHTMLAttributes, ReactNode } from "react"
import { cn } from "./cn.ts"

export function Label({ className, ...props }: LabelHTMLAttributes<HTMLLabelElement>) {
  return <label className={cn("text-sm font-medium leading-none text-foreground", className)} {...props} />
}

/** A label wrapping its control (so no id is needed), with the hint under it. */
export function Field({ label, hint, optional, className, children }: { label: ReactNode; hint?: ReactNode; optional?: boolean; className?: string; children: ReactNode }) {
  return (
    <label className={cn("grid min-w-0 gap-1.5 text-sm font-medium", className)}>
      <span>
        {label}
        {optional ? <span className="font-normal text-muted-foreground"> (optional)</span> : null}
      </span>
      {children}
      {hint ? <span className="text-xs font-normal text-muted-foreground">{hint}</span> : null}
    </label>
  )
}
