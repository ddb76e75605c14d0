// The person's product analytics choice in the account menu: Anonymous (the default), Identified
// or Off. Shown only when the operator configured analytics; it posts to
// /api/analytics/preference with a fetcher and shows the new choice before the answer arrives.

import { useFetcher } from "@remix-run/react"
import { ANALYTICS_CHOICES, type AnalyticsChoice } from "../../telemetry/product-events.ts"
import { cn } from "../ui/cn.ts"

export const ANALYTICS_PREFERENCE_ACTION = "/api/analytics/preference"

const OPTIONS: Readonly<Record<AnalyticsChoice, { label: string; hint: string }>> = {
  anonymous: { label: "Anonymous", hint: "Usage events under a random id, without your name, workspace, apps, prompts or pages." },
  identified: { label: "Identified", hint: "Usage events under your account (name and email), with workspace and app ids." },
  off: { label: "Off", hint: "No usage events are sent for you." },
}

/** The choice being saved, else the one the page loaded with. */
export function useAnalyticsChoice(loaded: AnalyticsChoice): AnalyticsChoice {
  const pending = useFetcher({ key: "analytics-choice" }).formData?.get("choice")
  return (ANALYTICS_CHOICES as readonly unknown[]).includes(pending) ? (pending as AnalyticsChoice) : loaded
}

export function AnalyticsChoiceSwitch({ choice }: { choice: AnalyticsChoice }) {
  const fetcher = useFetcher({ key: "analytics-choice" })
  const shown = useAnalyticsChoice(choice)
  return (
    <div className="grid gap-1.5 px-2 py-1.5">
      <span className="text-xs font-medium text-muted-foreground">Usage analytics</span>
      <div role="radiogroup" aria-label="Usage analytics" className="inline-flex rounded-lg border bg-muted p-0.5" data-testid="analytics-choice">
        {ANALYTICS_CHOICES.map((option) => {
          const checked = option === shown
          return (
            <button
              key={option}
              type="button"
              role="radio"
              aria-checked={checked}
              title={OPTIONS[option].hint}
              onClick={() => fetcher.submit({ choice: option }, { method: "post", action: ANALYTICS_PREFERENCE_ACTION })}
              className={cn(
                "flex-1 rounded-md px-2 py-1 text-xs font-medium text-muted-foreground hover:text-foreground",
                checked && "bg-background text-foreground shadow-xs",
              )}
            >
              {OPTIONS[option].label}
            </button>
          )
        })}
      </div>
      <span className="max-w-56 text-xs text-muted-foreground">{OPTIONS[shown].hint}</span>
    </div>
  )
}
