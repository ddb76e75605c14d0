import { describe, expect, it } from "vitest"
import { redactPath } from "./security.server.ts"

describe("request hygiene", () => {
  it("cuts tokens out of paths before they are logged", () => {
    expect(redactPath(`/invitations/${"a".repeat(52)}`)).toBe("/invitations/<token>")
    expect(redactPath("/w/abcdefghijklmnopqrstuvwx/settings")).toBe("/w/abcdefghijklmnopqrstuvwx/settings")
    expect(redactPath("/preview/AbC-_9xyz/assets/index.js")).toBe("/preview/<token>/assets/index.js")
  })
})
