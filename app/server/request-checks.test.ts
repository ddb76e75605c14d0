import { describe, expect, it } from "vitest"
import { checkRequest, dataRequestProblem, hostProblem, pathnameOf, requestBodyProblem, requestPath, routingPathOf } from "./request-checks.server.ts"

const config = { publicUrl: new URL("https://second.example.com"), trustProxy: false }
const writable = new Set(["https://second.example.com"])
const request = (method: string, url: string, headers: Record<string, string> = {}, rawHeaders?: string[]) => ({
  method,
  url,
  headers: { host: "second.example.com", ...headers },
  rawHeaders: rawHeaders ?? Object.entries({ host: "second.example.com", ...headers }).flat(),
})
const statusOf = (checked: ReturnType<typeof checkRequest>) => ("refusal" in checked ? checked.refusal.status : 0)

describe("request bodies", () => {
  it("lets bodiless reads through and judges bodies by their declared length", () => {
    expect(requestBodyProblem("GET", "/", {})).toBeNull()
    expect(requestBodyProblem("POST", "/", { "content-length": "10" })).toBeNull()
    expect(requestBodyProblem("POST", "/", { "content-length": String(2 * 1024 * 1024) })?.status).toBe(413)
    expect(requestBodyProblem("POST", "/", { "transfer-encoding": "chunked" })?.status).toBe(411)
  })

  it("gives the larger limit to the internal API only, however the path is spelled", () => {
    const big = { "content-length": String(8 * 1024 * 1024) }
    expect(requestBodyProblem("POST", pathnameOf("/api/internal/runs/x/complete"), big)).toBeNull()
    for (const url of ["/api/trpc/apps.create", "/api/internal/../trpc/apps.create", "/api/internal/%2e%2e/trpc/apps.create", "/api/internal/%2E%2E/onboarding"]) {
      expect(requestBodyProblem("POST", pathnameOf(url), big)?.status, url).toBe(413)
    }
  })
})

describe("host names", () => {
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

  it("refuses a request that names two hosts", () => {
    const twice = request("GET", "/", {}, ["Host", "second.example.com", "host", "evil.example"])
    expect(statusOf(checkRequest(twice, config, writable))).toBe(400)
  })

  it("refuses a request with two credentials (Node reads the first Authorization, a proxy may read the last)", () => {
    const raw = (...authorizations: string[]) => ["Host", "second.example.com", ...authorizations.flatMap((value) => ["Authorization", value])]
    expect(statusOf(checkRequest(request("GET", "/api/trpc/health", {}, raw("Bearer sec_a", "Bearer sec_b")), config, writable))).toBe(400)
    expect(statusOf(checkRequest(request("GET", "/api/trpc/health", {}, raw("Bearer sec_a")), config, writable))).toBe(0)
  })
})

describe("request targets and paths", () => {
  it("keep only the path, so the target cannot name another origin", () => {
    expect(requestPath("/w/a?b=1")).toBe("/w/a?b=1")
    expect(requestPath("//evil.example/account")).toBe("//evil.example/account")
    expect(pathnameOf("//evil.example/account")).toBe("//evil.example/account")
    expect(requestPath("http://evil.example/account?x=1")).toBe("/account?x=1")
    for (const target of ["*", "evil.example:443", "javascript:alert(1)", "", undefined]) expect(requestPath(target), String(target)).toBeNull()
  })

  it("are routed as Remix routes them: decoded and case-folded, or refused when they cannot be decoded", () => {
    expect(routingPathOf("/API/w/x")).toBe("/api/w/x")
    expect(routingPathOf("/%61pi/w/%41")).toBe("/api/w/a")
    expect(routingPathOf("/a%2Fb")).toBe("/a%2fb")
    for (const path of ["/%", "/%zz", "/w/%ff", "/%E0%A4%A"]) {
      expect(routingPathOf(path), path).toBeNull()
      expect(statusOf(checkRequest(request("GET", path), config, writable)), path).toBe(400)
    }
  })
})

describe("methods", () => {
  it("serve what pages and APIs use, and refuse the rest with 405 before anything parses them", () => {
    for (const method of ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) {
      expect(statusOf(checkRequest(request(method, "/healthz", { "content-length": "0" }), config, writable)), method).not.toBe(405)
    }
    for (const method of ["TRACE", "TRACK", "PROPFIND", "MKCOL", "LOCK", "SEARCH"]) {
      expect(statusOf(checkRequest(request(method, "/healthz"), config, writable)), method).toBe(405)
    }
  })
})

describe("Remix data requests", () => {
  const data = (path: string, search = "") => dataRequestProblem(pathnameOf(path), routingPathOf(pathnameOf(path))!, search)

  it("are refused for APIs however the path is spelled, and in the retired ?_data= form", () => {
    for (const path of ["/api/w/x/events.data", "/API/w/x/events.data", "/%61pi/runs/x/events.data", "/Api/trpc/health.data"]) {
      expect(data(path)?.status, path).toBe(404)
    }
    expect(data("/onboarding", "?_data=routes%2Fonboarding")?.status).toBe(400)
    expect(data("/w/x.data", "?_routes=root")).toBeNull()
    expect(data("/api/trpc/auth.me", "?input=%7B%7D")).toBeNull()
  })
})
