import { describe, expect, it } from "vitest"
import { safeReturnTo } from "./sign-in-response.server.ts"

describe("returning after sign-in", () => {
  it("follows paths on this site", () => {
    expect(safeReturnTo("/w/abc/settings/members?tab=1#top")).toBe("/w/abc/settings/members?tab=1#top")
    expect(safeReturnTo("/invitations/abc")).toBe("/invitations/abc")
  })

  it.each([
    "//evil.example",
    "/\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "/ /evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example",
    "",
    null,
    undefined,
  ])("goes home instead of following %j", (value) => {
    expect(safeReturnTo(value)).toBe("/")
  })
})
