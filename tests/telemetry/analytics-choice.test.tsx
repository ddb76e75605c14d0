// The account menu's analytics choice: three options, the person's own checked, each explained.

import { describe, expect, it } from "vitest"
import { AnalyticsChoiceSwitch } from "#app/components/telemetry/analytics-choice.tsx"
import { renderInRouter, textOf } from "#tests/fixtures/render-in-router.tsx"

describe("analytics choice", () => {
  it("offers anonymous, identified and off, with the person's choice checked and explained", async () => {
    const html = await renderInRouter(<AnalyticsChoiceSwitch choice="off" />)
    expect(textOf(html)).toContain("Usage analytics Anonymous Identified Off No usage events are sent for you.")
    expect(html).toMatch(/role="radio" aria-checked="true"[^>]*>Off</)
    expect(html.match(/aria-checked="false"/g)).toHaveLength(2)
  })
})
