import { describe, expect, it } from "vitest"
import { dataRequestProblem, hostProblem, pathnameOf, redactPath, requestBodyProblem, requestPath } from "./security.server.ts"

describe("request hygiene", () => {
  it("cuts tokens out of paths before they are logged", () => {
    expect(redactPath(`/invitations/${"a".repeat(52)}`)).toBe("/invitations/<token>")
    expect(redactPath("/w/abcdefghijklmnopqrstuvwx/settings")).toBe("/w/abcdefghijklmnopqrstuvwx/settings")
  })

  it("lets bodiless reads through and judges bodies by their declared length", () => {
    expect(requestBodyProblem({ method: "GET", headers: {} })).toBeNull()
    expect(requestBodyProblem({ method: "POST", headers: { "content-length": "10" } })).toBeNull()
    expect(requestBodyProblem({ method: "POST", headers: { "content-length": String(2 * 1024 * 1024) } })?.status).toBe(413)
    expect(requestBodyProblem({ method: "POST", headers: { "transfer-encoding": "chunked" } })?.status).toBe(411)
  })

  it("gives the larger limit to the internal API only, however the path is spelled", () => {
    const big = { "content-length": String(8 * 1024 * 1024) }
    expect(requestBodyProblem({ method: "POST", url: "/api/internal/runs/x/complete", headers: big })).toBeNull()
    for (const url of ["/api/trpc/apps.create", "/api/internal/../trpc/apps.create", "/api/internal/%2e%2e/trpc/apps.create", "/api/internal/%2E%2E/onboarding"]) {
      expect(requestBodyProblem({ method: "POST", url, headers: big })?.status, url).toBe(413)
    }
  })
})

describe("host names", () => {
  const config = { publicUrl: new URL("https://second.example.com"), trustProxy: false }
  const problem = (path: string, headers: Record<string, string>, trustProxy = false) => hostProblem(path, headers, { ...config, trustProxy })

  it("answers for the public host and loopback names only, with any port", () => {
    for (const host of ["second.example.com", "second.example.com:443", "SECOND.example.com", "second.example.com.", "127.0.0.1:3000", "localhost", "[::1]:3000"]) {
      expect(problem("/", { host }), host).toBeNull()
    }
    for (const host of ["evil.example", "second.example.com.evil.example", "127.0.0.2", "localhost.evil.example", "", "a b", "[::1"]) {
      expect(problem("/", { host }), host).toMatch(/^This server answers for second\.example\.com/)
    }
    expect(problem("/", {})).not.toBeNull()
  })

  it("takes X-Forwarded-Host (its first value) only from a trusted proxy", () => {
    expect(problem("/", { host: "web:3000", "x-forwarded-host": "second.example.com, web" }, true)).toBeNull()
    expect(problem("/", { host: "web:3000", "x-forwarded-host": "second.example.com" }, false)).not.toBeNull()
    expect(problem("/", { host: "second.example.com", "x-forwarded-host": "evil.example" }, true)).not.toBeNull()
  })

  it("lets probes and the internal API through under any name, judged on the normalised path", () => {
    expect(problem("/healthz", { host: "10.0.0.7:3000" })).toBeNull()
    expect(problem("/api/internal/runs/x/complete", { host: "web:3000" })).toBeNull()
    expect(problem(pathnameOf("/api/internal/../trpc/auth.me"), { host: "web:3000" })).not.toBeNull()
    expect(problem(pathnameOf("/healthz/../account"), { host: "web:3000" })).not.toBeNull()
  })
})

describe("request targets", () => {
  it("keep only the path, so the target cannot name another origin", () => {
    expect(requestPath("/w/a?b=1")).toBe("/w/a?b=1")
    expect(requestPath("//evil.example/account")).toBe("//evil.example/account")
    expect(pathnameOf("//evil.example/account")).toBe("//evil.example/account")
    expect(requestPath("http://evil.example/account?x=1")).toBe("/account?x=1")
    for (const target of ["*", "evil.example:443", "javascript:alert(1)", "", undefined]) expect(requestPath(target), String(target)).toBeNull()
  })
})

describe("Remix data requests", () => {
  it("are refused for APIs and in the retired ?_data= form", () => {
    expect(dataRequestProblem("/api/w/x/events.data", "")?.status).toBe(404)
    expect(dataRequestProblem("/onboarding", "?_data=routes%2Fonboarding")?.status).toBe(400)
    expect(dataRequestProblem("/w/x.data", "?_routes=root")).toBeNull()
    expect(dataRequestProblem("/api/trpc/auth.me", "?input=%7B%7D")).toBeNull()
  })
})
