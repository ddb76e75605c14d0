// The person's product analytics choice in the account menu: Anonymous (the default), Identified
// or Off. Shown only when the operator configured analytics. It posts to /api/analytics/preference
// with fetch (NOTE: not a Remix fetcher: those add `.data` to the URL, which API routes refuse),
// shows the new choice at once, says when it is saved, and reloads the page's data.

import { useRevalidator } from "@remix-run/react"
import { useState, type KeyboardEvent } from "react"
import { ANALYTICS_CHOICES, type AnalyticsChoice } from "../../telemetry/product-events.ts"
import { cn } from "../ui/cn.ts"

export const ANALYTICS_PREFERENCE_ACTION = "/api/analytics/preference"

const OPTIONS: Readonly<Record<AnalyticsChoice, { label: string; hint: string }>> = {
  anonymous: {
    label: "Anonymous",
    hint: "Usage events go to this deployment's PostHog under an id not linked to you: no name, workspace, apps, prompts or pages.",
  },
  identified: { label: "Identified", hint: "Usage events go to this deployment's PostHog under your account (name and email), with workspace and app ids." },
  off: { label: "Off", hint: "No usage events are sent for you." },
}

type Saving = { readonly state: "idle" } | { readonly state: "saving" | "saved"; readonly choice: AnalyticsChoice } | { readonly state: "failed"; readonly message: string }

async function saveChoice(choice: AnalyticsChoice): Promise<void> {
  const response = await fetch(ANALYTICS_PREFERENCE_ACTION, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ choice }),
  })
  if (response.ok) return
  const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null
  throw new Error(body?.error?.message ?? `the server answered ${response.status}`)
}

export function AnalyticsChoiceSwitch({ choice }: { choice: AnalyticsChoice }) {
  const revalidator = useRevalidator()
  const [saving, setSaving] = useState<Saving>({ state: "idle" })
  const shown = saving.state === "saving" || saving.state === "saved" ? saving.choice : choice

  const choose = (option: AnalyticsChoice) => {
    if (option === shown) return
    setSaving({ state: "saving", choice: option })
    saveChoice(option).then(
      () => {
        setSaving({ state: "saved", choice: option })
        revalidator.revalidate()
      },
      (error: unknown) => setSaving({ state: "failed", message: error instanceof Error ? error.message : String(error) }),
    )
  }

  // A radio group moves with the arrow keys (one Tab stop: the checked option).
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.key === "ArrowRight" || event.key === "ArrowDown" ? 1 : event.key === "ArrowLeft" || event.key === "ArrowUp" ? -1 : 0
    if (step === 0) return
    event.preventDefault()
    const next = ANALYTICS_CHOICES[(ANALYTICS_CHOICES.indexOf(shown) + step + ANALYTICS_CHOICES.length) % ANALYTICS_CHOICES.length]!
    choose(next)
    event.currentTarget.querySelector<HTMLButtonElement>(`[data-choice="${next}"]`)?.focus()
  }

  return (
    <div className="grid gap-1.5 px-2 py-1.5">
      <span id="analytics-choice-label" className="text-xs font-medium text-muted-foreground">
        Usage analytics
      </span>
      <div
        role="radiogroup"
        aria-labelledby="analytics-choice-label"
        className="inline-flex rounded-lg border bg-muted p-0.5"
        data-testid="analytics-choice"
        onKeyDown={onKeyDown}
      >
        {ANALYTICS_CHOICES.map((option) => {
          const checked = option === shown
          return (
            <button
              key={option}
              type="button"
              role="radio"
              aria-checked={checked}
              tabIndex={checked ? 0 : -1}
              data-choice={option}
              onClick={() => choose(option)}
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
      <span role="status" className={cn("max-w-56 text-xs", saving.state === "failed" ? "text-destructive" : "text-muted-foreground")}>
        {saving.state === "saving" ? "Saving…" : saving.state === "saved" ? "Saved." : saving.state === "failed" ? `Not saved: ${saving.message}` : ""}
      </span>
    </div>
  )
}
