import { describe, expect, it } from "vitest"
import { renderInRouter, textOf } from "#tests/fixtures/render-in-router.tsx"
import { AppUsageCard } from "./app-usage-card.tsx"
import { formatUsd } from "./usage-format.ts"
import { UsageTable } from "./usage-table.tsx"

const figures = { runs: 3, inputTokens: 12_345, outputTokens: 678, cachedInputTokens: 1_000, costUsd: 1.5, estimated: false }

describe("usage figures", () => {
  it("read as dollars, with tenths of a cent for a cheap run", () => {
    expect(formatUsd(1.5)).toBe("$1.50")
    expect(formatUsd(0)).toBe("$0.00")
    expect(formatUsd(0.000175)).toBe("$0.0002")
    expect(formatUsd(1234.567)).toBe("$1,234.57")
  })

  it("show each group and the totals, marking an estimated cost and saying what that means", async () => {
    const rows = [
      { key: "claude", label: "Claude Code", ...figures },
      { key: "codex", label: "Codex", ...figures, costUsd: 0.62, estimated: true },
    ]
    const html = await renderInRouter(<UsageTable caption="Usage by runtime" groupLabel="Runtime" rows={rows} totals={{ ...figures, runs: 6, costUsd: 2.12, estimated: true }} />)
    const text = textOf(html)
    // The cost right after the label (the first thing read on a phone), the counts named for a phone's card.
    expect(text).toContain("Claude Code $1.50 Runs 3 Input 12,345 Cached 1,000 Output 678 Codex $0.62 (estimated) Runs 3")
    expect(text).toContain("Total $2.12 (estimated) Runs 6 Input 12,345 Cached 1,000 Output 678")
    expect(text).toContain("Runtime Cost Runs Input tokens Cached input Output tokens")
    expect(text).toContain("Estimated: the runtime did not report this cost")
    expect(html).toContain('tabindex="0"')
  })

  it("on a phone are cards that never scroll sideways; wider, a table that may", async () => {
    const html = await renderInRouter(<UsageTable caption="Usage by day" groupLabel="Day" rows={[{ key: "d", label: "2026-03-01", ...figures }]} totals={figures} />)
    const tableClasses = /<table class="([^"]+)"/.exec(html)?.[1]?.split(" ") ?? []
    expect(tableClasses).toContain("block")
    expect(tableClasses).toContain("sm:min-w-[36rem]")
    expect(tableClasses.filter((name) => name.startsWith("min-w-"))).toEqual([])
    expect(html).toMatch(/<thead class="hidden [^"]*sm:table-header-group/)
    expect(html).not.toMatch(/[\s"]overflow-x-auto/)
    expect(html).toContain("sm:overflow-x-auto")
  })

  it("say so when an app used nothing in the days shown", async () => {
    const empty = { runs: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, costUsd: 0, estimated: false }
    const text = textOf(await renderInRouter(<AppUsageCard usage={{ from: "2026-03-01", to: "2026-03-30", days: [], totals: empty }} />))
    expect(text).toContain("No runs reported usage in these days.")
  })
})
