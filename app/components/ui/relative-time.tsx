// A time as people say it ("5 min ago"), the exact time on hover and to assistive technology
// through <time dateTime>, refreshed while the page is open.

import { formatUtcTime, useNow, whenText } from "../../text/relative-time.ts"
import { cn } from "./cn.ts"

export function RelativeTime({ iso, prefix, className }: { iso: string; prefix?: string; className?: string }) {
  const now = useNow()
  return (
    <time dateTime={iso} title={formatUtcTime(iso)} className={cn("whitespace-nowrap", className)}>
      {prefix ? `${prefix} ` : ""}
      {whenText(iso, now)}
    </time>
  )
}
