import { describe, expect, it } from "vitest"
import { bearerToken, tokensMatch } from "./bearer-token.ts"

describe("bearer tokens", () => {
  it("matches only the exact token", () => {
    const token = "a".repeat(40)
    expect(tokensMatch(token, token)).toBe(true)
    expect(tokensMatch(`${token}b`, token)).toBe(false)
    expect(tokensMatch(token.slice(1), token)).toBe(false)
    expect(tokensMatch("", token)).toBe(false)
  })

  it("reads the token from an Authorization header and nothing else", () => {
    expect(bearerToken("Bearer abc.def")).toBe("abc.def")
    expect(bearerToken("bearer abc")).toBe("abc")
    expect(bearerToken("Basic abc")).toBeNull()
    expect(bearerToken("Bearer")).toBeNull()
    expect(bearerToken("Bearer a b")).toBeNull()
    expect(bearerToken(undefined)).toBeNull()
  })
})
