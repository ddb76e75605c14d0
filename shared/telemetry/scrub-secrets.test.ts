import { describe, expect, it } from "vitest"
import { createScrubber } from "./scrub-secrets.ts"

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
