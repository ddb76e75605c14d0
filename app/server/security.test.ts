import { describe, expect, it } from "vitest"
import { redactPath, requestBodyProblem } from "./security.server.ts"

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
