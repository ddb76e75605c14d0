import { describe, expect, it } from "vitest"
import { usageRange } from "./usage-range.ts"

const now = new Date("2026-03-10T23:59:00Z")

describe("a usage range", () => {
  it("defaults to the last 30 days, today included", () => {
    const answer = usageRange({}, now)
    expect(answer).toMatchObject({ ok: true, range: { from: "2026-02-09", to: "2026-03-10" } })
    expect(answer.ok && answer.range.days).toHaveLength(30)
  })

  it("takes 30 days from a from, never past today, and 30 days up to a to", () => {
    expect(usageRange({ from: "2026-03-01" }, now)).toMatchObject({ range: { from: "2026-03-01", to: "2026-03-10" } })
    expect(usageRange({ from: "2026-01-01" }, now)).toMatchObject({ range: { from: "2026-01-01", to: "2026-01-30" } })
    expect(usageRange({ to: "2026-01-30" }, now)).toMatchObject({ range: { from: "2026-01-01", to: "2026-01-30" } })
  })

  it("allows 366 days (a leap year) and no more, and says what is wrong", () => {
    const year = usageRange({ from: "2024-01-01", to: "2024-12-31" }, now)
    expect(year.ok && year.range.days.length).toBe(366)
    expect(usageRange({ from: "2024-01-01", to: "2025-01-01" }, now)).toEqual({ ok: false, message: "The range covers 367 days; pick at most 366." })
    expect(usageRange({ from: "2026-02-29" }, now)).toMatchObject({ ok: false, message: expect.stringMatching(/^from must be a day written yyyy-mm-dd/) })
    expect(usageRange({ to: "03/01/2026" }, now)).toMatchObject({ ok: false, message: expect.stringMatching(/^to must be a day/) })
    expect(usageRange({ from: "2026-03-02", to: "2026-03-01" }, now)).toMatchObject({ ok: false })
  })
})
