// Progress while something is on its way; the label is for screen readers and tooltips.

import { LoaderCircle } from "lucide-react"
import { cn } from "./cn.ts"

export function Spinner({ label = "Working", className }: { label?: string; className?: string }) {
  return <LoaderCircle role="img" aria-label={label} className={cn("size-4 animate-spin text-muted-foreground motion-reduce:animate-none", className)} />
}
