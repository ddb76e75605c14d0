// The per-person budget behind /api/analytics and /api/analytics/errors: a fixed minute per
// person, the seconds to wait when over it, windows that expire, and a map that stays bounded.

import { describe, expect, it } from "vitest"
import { createPerPersonLimit } from "#app/telemetry/per-person-limit.server.ts"

describe("createPerPersonLimit", () => {
  it("lets each person send their share of a minute, then says how many seconds to wait", () => {
    const limit = createPerPersonLimit({ perMinute: 3 })
    const start = 1_000_000
    expect([0, 1, 2].map((n) => limit.take("ada", start + n))).toEqual([null, null, null])
    expect(limit.take("ada", start + 10_000)).toBe(50)
    expect(limit.take("ada", start + 59_500)).toBe(1)
    // Another person has their own share.
    expect(limit.take("bob", start + 10_000)).toBeNull()
    // A new minute, a new share.
    expect(limit.take("ada", start + 60_000)).toBeNull()
  })

  it("forgets expired windows and never holds more than maxPeople", () => {
    const limit = createPerPersonLimit({ perMinute: 1, maxPeople: 3 })
    for (const [n, person] of ["a", "b", "c"].entries()) limit.take(person, n)
    expect(limit.size).toBe(3)
    limit.take("d", 10)
    expect(limit.size).toBe(3)
    // "a" had the oldest window and was forgotten: it starts afresh.
    expect(limit.take("a", 20)).toBeNull()
    expect(limit.take("c", 30)).not.toBeNull()
    limit.take("e", 120_000)
    expect(limit.size).toBe(1)
  })
})
