import { describe, expect, it } from "vitest"
import { timeLeft } from "./time-left.ts"

const NOW = Date.parse("2025-03-05T12:00:00.000Z")
const after = (ms: number) => new Date(NOW + ms).toISOString()

describe("timeLeft", () => {
  it("counts down in the largest unit that reads naturally", () => {
    expect(timeLeft(after(7 * 24 * 3600_000), NOW)).toBe("in 7 days")
    expect(timeLeft(after(7 * 24 * 3600_000 - 1000), NOW)).toBe("in 7 days")
    expect(timeLeft(after(6.4 * 24 * 3600_000), NOW)).toBe("in 6 days")
    expect(timeLeft(after(30 * 3600_000), NOW)).toBe("in 30 h")
    expect(timeLeft(after(59 * 60_000), NOW)).toBe("in 59 min")
    expect(timeLeft(after(20_000), NOW)).toBe("in under a minute")
  })

  it("says nothing once the deadline has passed", () => {
    expect(timeLeft(after(0), NOW)).toBeNull()
    expect(timeLeft(after(-60_000), NOW)).toBeNull()
    expect(timeLeft("not a time", NOW)).toBeNull()
  })
})
