// Light, dark or the system's setting: a segmented control, on the Account page and in the account
// menu. It submits to /theme with a fetcher; useTheme shows the choice before the answer arrives.

import { useFetcher } from "@remix-run/react"
import { Monitor, Moon, Sun } from "lucide-react"
import { THEMES, type Theme } from "../../theme/theme.ts"
import { THEME_ACTION, useTheme } from "../../theme/use-theme.ts"
import { cn } from "./cn.ts"

const OPTIONS: Readonly<Record<Theme, { label: string; icon: typeof Sun }>> = {
  system: { label: "System", icon: Monitor },
  light: { label: "Light", icon: Sun },
  dark: { label: "Dark", icon: Moon },
}

function useChooseTheme() {
  const fetcher = useFetcher({ key: "theme" })
  return (theme: Theme) => fetcher.submit({ theme }, { method: "post", action: THEME_ACTION })
}

export function ThemeSwitch({ className }: { className?: string }) {
  const theme = useTheme()
  const choose = useChooseTheme()
  return (
    <div role="radiogroup" aria-label="Theme" className={cn("inline-flex rounded-lg border bg-muted p-0.5", className)} data-testid="theme-switch">
      {THEMES.map((option) => {
        const { label, icon: Icon } = OPTIONS[option]
        const checked = option === theme
        return (
          <button
            key={option}
            type="button"
            role="radio"
            aria-checked={checked}
            onClick={() => choose(option)}
            className={cn(
              "inline-flex items-center gap-1.5 rounded-md px-2.5 py-1 text-xs font-medium text-muted-foreground hover:text-foreground",
              checked && "bg-background text-foreground shadow-xs",
            )}
          >
            <Icon className="size-3.5" aria-hidden />
            {label}
          </button>
        )
      })}
    </div>
  )
}
