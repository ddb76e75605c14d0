// The frame of a page's content: its width, its heading with the line that says what it is for,
// and the actions beside the heading (under it on a phone).

import type { HTMLAttributes, ReactNode } from "react"
import { cn } from "./cn.ts"

const widths = { narrow: "max-w-md", default: "max-w-5xl", wide: "max-w-7xl" } as const

export function PageMain({ width = "default", className, ...props }: HTMLAttributes<HTMLElement> & { width?: keyof typeof widths }) {
  return <main className={cn("mx-auto w-full px-4 py-6 sm:px-6 sm:py-10", widths[width], className)} {...props} />
}

export function PageHeader({ title, description, actions, className }: { title: ReactNode; description?: ReactNode; actions?: ReactNode; className?: string }) {
  return (
    <div className={cn("mb-6 flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between", className)}>
      <div className="grid min-w-0 gap-1">
        <h1 className="text-2xl font-semibold tracking-tight text-balance">{title}</h1>
        {description ? <p className="text-muted-foreground text-pretty">{description}</p> : null}
      </div>
      {actions ? <div className="flex shrink-0 flex-wrap gap-2">{actions}</div> : null}
    </div>
  )
}

export function SectionTitle({ className, ...props }: HTMLAttributes<HTMLHeadingElement>) {
  return <h2 className={cn("mb-3 text-base font-semibold tracking-tight", className)} {...props} />
}
