import { describe, expect, it } from "vitest"
import { formatUtcTime, relativeTime, whenText } from "./relative-time.ts"

const at = "2026-03-05T14:03:00Z"
const later = (seconds: number) => Date.parse(at) + seconds * 1000

describe("relative times", () => {
  it("reads as a person would say it", () => {
    expect(relativeTime(at, later(10))).toBe("just now")
    expect(relativeTime(at, later(120))).toBe("2 min ago")
    expect(relativeTime(at, later(5 * 3600))).toBe("5 h ago")
    expect(relativeTime(at, later(3 * 86400))).toBe("3 d ago")
    expect(relativeTime(at, later(90 * 86400))).toBe("Mar 5, 2026")
    // A clock a little behind the server's says "just now", not "in the future".
    expect(relativeTime(at, later(-30))).toBe("just now")
  })

  it("is the UTC time until the page is live, so the server's render and the browser's first one agree", () => {
    expect(whenText(at, null)).toBe("Mar 5, 2026, 14:03 UTC")
    expect(formatUtcTime("not a time")).toBe("not a time")
  })
})
