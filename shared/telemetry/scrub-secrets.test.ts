import { describe, expect, it } from "vitest"
import { createScrubber, withoutQueriesAndEmails } from "./scrub-secrets.ts"

describe("createScrubber", () => {
  const scrub = createScrubber(["deployment-secret-value", "short"])

  it("cuts known values, URL credentials, tokens and key=value secrets", () => {
    const text = scrub(
      "deployment-secret-value redis://:hunter2hunter2@redis:6379 Bearer abcdefgh12345678 api_key=supersecretvalue sec_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg sk-ant-0123456789",
    )
    for (const secret of ["deployment-secret-value", "hunter2", "abcdefgh12345678", "supersecretvalue", "sec_AbCd", "sk-ant-0123"]) expect(text).not.toContain(secret)
  })

  it("keeps ids, paths and ordinary words (and known values too short to be secrets)", () => {
    const text = "app abcdefghijklmnopqrstuvwx at /work/app/src/main.ts:12 was short"
    expect(scrub(text)).toBe(text)
  })
})

describe("withoutQueriesAndEmails", () => {
  it("cuts the query and fragment of absolute URLs of any scheme, relative paths and percent-encoded URLs", () => {
    const cases = [
      ["Failed to load /api/oauth/callback?code=OAUTHCODE123456&state=STATE987654 now", "Failed to load /api/oauth/callback now"],
      ["wss://second.test/live?session=SESSIONVALUE123", "wss://second.test/live"],
      ["see https://h/(x)?code=PARENCODE12345.", "see https://h/(x)"],
      ['fetch("./cb?code=RELATIVE1234")', 'fetch("./cb")'],
      ["at http://second.test/w/abc#access_token=FRAGMENT1234", "at http://second.test/w/abc"],
      ["callback.php?code=NOSLASH1234 failed", "callback.php failed"],
      ["returnTo=https%3A%2F%2Fh%2Fcb%3Fcode%3DENCODEDCODE999 x", "returnTo=https%3A%2F%2Fh%2Fcb x"],
      ["next=%2Fcb%253Fcode%253DTWICE1234", "next=%2Fcb"],
    ] as const
    for (const [text, expected] of cases) expect(withoutQueriesAndEmails(text)).toBe(expected)
  })

  it("replaces email addresses, plain and percent-encoded", () => {
    expect(withoutQueriesAndEmails("for alice.secret@example.com and bob+x@mail.example.co.uk")).toBe("for <email> and <email>")
    expect(withoutQueriesAndEmails("user=alice%40example.com")).not.toContain("alice")
  })

  it("keeps ordinary messages as they were", () => {
    for (const text of [
      "Cannot read properties of undefined (reading 'x')",
      "Unexpected token '?' in JSON at position 12",
      "Are you sure? Written in C# at 12:30",
      "render@http://second.test/assets/app.js:12:34",
      "Minified React error #418; visit https://react.dev/errors/418 for the full message",
    ]) {
      expect(withoutQueriesAndEmails(text)).toBe(text)
    }
  })
})
