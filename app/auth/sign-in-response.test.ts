import { describe, expect, it } from "vitest"
import { REDIRECT_TRICKS, staysOnSite } from "#tests/hardening/redirect-tricks.ts"
import { safeReturnTo } from "./sign-in-response.server.ts"

const SITE = "https://second.example.com/onboarding"

describe("returning after sign-in", () => {
  it("follows paths on this site", () => {
    expect(safeReturnTo("/w/abc/settings/members?tab=1#top")).toBe("/w/abc/settings/members?tab=1#top")
    expect(safeReturnTo("/invitations/abc")).toBe("/invitations/abc")
    expect(safeReturnTo("/w/abc/../def")).toBe("/w/def")
  })

  it.each(["//evil.example", "/\\evil.example", "/\t/evil.example", "/.//evil.example", "/a/..//evil.example", "/%2e//evil.example", "/%2E%2E//evil.example", "https://evil.example/", "javascript:alert(1)", "evil.example", "", null, undefined])(
    "goes home instead of following %j",
    (value) => {
      expect(safeReturnTo(value)).toBe("/")
    },
  )

  it(`never leaves the site, whatever of ${REDIRECT_TRICKS.length} generated tricks it is given`, () => {
    const escaped = REDIRECT_TRICKS.filter((trick) => !staysOnSite(safeReturnTo(trick), SITE))
    expect(escaped).toEqual([])
    // What it returns is a plain path that it would return again unchanged.
    for (const trick of REDIRECT_TRICKS) {
      const path = safeReturnTo(trick)
      expect(path, trick).toMatch(/^\/(?![/\\])/)
      expect(safeReturnTo(path), trick).toBe(path)
    }
  })
})
