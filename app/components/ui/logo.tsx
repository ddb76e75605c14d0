// The mark: two offset rounded squares, the second one ahead of the first ("second"). Drawn in
// currentColor and the primary token so it follows the theme; the favicon is the same drawing.

import { cn } from "./cn.ts"

export function LogoMark({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" aria-hidden className={cn("size-6", className)}>
      <rect x="3" y="3" width="18" height="18" rx="5" className="fill-primary/35" />
      <rect x="11" y="11" width="18" height="18" rx="5" className="fill-primary" />
    </svg>
  )
}

export function Logo({ className }: { className?: string }) {
  return (
    <span className={cn("inline-flex items-center gap-2 text-base font-semibold tracking-tight", className)}>
      <LogoMark />
      Second
    </span>
  )
}
