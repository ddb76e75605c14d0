// The slim bar over an app shown on a page of its own (the builder's full-page preview, the
// published app): a way back on the left, the mark and the app's name, and the page's own actions
// on the right. Short enough to leave a phone's screen to the app.

import { Link } from "@remix-run/react"
import { ChevronLeft } from "lucide-react"
import type { ReactNode } from "react"
import { Button } from "../ui/button.tsx"
import { LogoMark } from "../ui/logo.tsx"

export interface AppPageBarProps {
  readonly appName: string
  readonly back: { readonly to: string; readonly label: string; readonly title: string; readonly testId: string }
  readonly actions?: ReactNode
}

export function AppPageBar({ appName, back, actions }: AppPageBarProps) {
  return (
    <div className="flex h-11 shrink-0 items-center gap-2 border-b px-2 sm:px-3">
      <Button asChild variant="ghost" size="sm" className="min-w-0 shrink px-2">
        <Link to={back.to} data-testid={back.testId} title={back.title}>
          <ChevronLeft aria-hidden />
          <span className="sr-only sm:not-sr-only">{back.label}</span>
        </Link>
      </Button>
      <LogoMark className="size-5 shrink-0" />
      <h1 className="min-w-0 flex-1 truncate text-sm font-semibold" title={appName}>
        {appName}
      </h1>
      {actions}
    </div>
  )
}
