// A script's tRPC call with a bearer token may come with any Origin: the token alone authenticates
// it (its cookie is ignored), so there is nothing for another site to borrow. Everywhere else,
// and without a bearer, a cross-site write is still refused.

import { describe, expect, it } from "vitest"
import { checkRequest } from "#app/server/request-checks.server.ts"

const config = { publicUrl: new URL("https://second.example.com"), trustProxy: false }
const writable = new Set(["https://second.example.com"])
const crossSite = (url: string, headers: Record<string, string> = {}) => {
  const all = { host: "second.example.com", origin: "https://evil.example", "content-length": "2", ...headers }
  const checked = checkRequest({ method: "POST", url, headers: all, rawHeaders: Object.entries(all).flat() }, config, writable)
  return "refusal" in checked ? checked.refusal.status : 0
}
const bearer = { authorization: `Bearer sec_${"a".repeat(43)}` }

describe("cross-site writes with a bearer token", () => {
  it("lets a bearer tRPC call through, however the path is spelled", () => {
    expect(crossSite("/api/trpc/apps.create", bearer)).toBe(0)
    expect(crossSite("/API/trpc/apps.create", bearer)).toBe(0)
    expect(crossSite("/api/trpc/apps.create", { authorization: "bearer sec_anything" })).toBe(0)
  })

  it("still refuses pages, other API routes, and calls without a bearer", () => {
    expect(crossSite("/account", bearer)).toBe(403)
    expect(crossSite("/api/w/abc/events", bearer)).toBe(403)
    expect(crossSite("/api/trpc/apps.create")).toBe(403)
    expect(crossSite("/api/trpc/apps.create", { authorization: "Basic YTpi" })).toBe(403)
    // Not one of our tokens (a proxy's JWT): the cookie decides, so the Origin check stays.
    expect(crossSite("/api/trpc/apps.create", { authorization: "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln" })).toBe(403)
  })
})
